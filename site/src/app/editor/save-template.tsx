import { Show, createSignal } from 'solid-js';
import { api, call } from '../api.ts';
import { t } from '../i18n/index.ts';
import { ErrorBox } from '../ui/error-box.tsx';
import type { Json } from './draft.ts';

/**
 * "Save as template": the spec being edited becomes an organization template (POST /v1/templates). It sits inside the
 * job form, so its inputs stop Enter from saving the job, and it has no <form> of its own (forms do not nest).
 */
export function SaveAsTemplate(props: { spec: () => Json; jobName: () => string; disabled: boolean; describedBy?: string }) {
  const [open, setOpen] = createSignal(false);
  const [name, setName] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [saved, setSaved] = createSignal(false);
  const [failure, setFailure] = createSignal<unknown>(null);

  async function save() {
    if (!name().trim() || busy()) return;
    setBusy(true); setFailure(null); setSaved(false);
    try {
      await call(api.POST('/v1/templates', { body: { name: name().trim(), description: description().trim(), spec: props.spec() } as never }));
      setSaved(true); setOpen(false);
    } catch (err) { setFailure(err); }
    finally { setBusy(false); }
  }
  const onEnter = (e: KeyboardEvent) => { if (e.key === 'Enter') { e.preventDefault(); void save(); } };

  return (
    <div class="save-template">
      <Show when={open()} fallback={
        <button type="button" class="btn" disabled={props.disabled} aria-describedby={props.describedBy} onClick={() => { setName(props.jobName()); setSaved(false); setOpen(true); }} data-testid="save-template-open">{t('editor.saveTemplate')}</button>
      }>
        <fieldset class="card" data-testid="save-template">
          <legend>{t('editor.templateHead')}</legend>
          <div class="ctl ctl-wide">
            <label for="template-name">{t('editor.templateName')}</label>
            <input id="template-name" type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} onKeyDown={onEnter} required aria-invalid={name().trim() ? undefined : 'true'} />
          </div>
          <div class="ctl ctl-wide">
            <label for="template-description">{t('editor.templateDescription')}</label>
            <textarea id="template-description" rows="2" value={description()} onInput={(e) => setDescription(e.currentTarget.value)} />
          </div>
          <button type="button" class="btn btn-primary" disabled={busy() || !name().trim()} onClick={() => void save()} data-testid="save-template-button">{busy() ? t('common.saving') : t('editor.saveTemplate')}</button>
          <button type="button" class="btn" onClick={() => setOpen(false)}>{t('templates.cancel')}</button>
        </fieldset>
      </Show>
      <Show when={saved()}><span role="status" class="ok">{t('editor.templateSaved')} <a href="/app/templates/">{t('editor.templateOpen')}</a></span></Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </div>
  );
}
