import { For, Show, createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import { ApiFailure, api, call, type ApiData, type Job } from '../api.ts';
import { t } from '../i18n/index.ts';
import { templateName, type Template } from './templates.tsx';
import { SaveAsTemplate } from '../editor/save-template.tsx';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { can } from '../session.ts';
import { Editor, Fieldset, LinesInput, NumberInput, TextInput } from '../editor/controls.tsx';
import { emptySpec, inputId, setIn, type Issue, type Json, type Path } from '../editor/draft.ts';
import { FieldsEditor } from '../editor/fields.tsx';
import { ActionsEditor, DetailEditor, PaginationEditor, RunSettings } from '../editor/sections.tsx';
import { JsonView } from '../editor/json-view.tsx';
import { PreviewPanel } from '../editor/preview.tsx';
import { PickOnPage } from '../editor/picker.tsx';
import { StaleLoginNotice, loginIdOf } from '../ui/stale-login.tsx';

type Preview = ApiData<'/v1/preview', 'post'>;
type Validated = ApiData<'/v1/jobs/validate', 'post'>;

/** The job editor: the whole spec as a form, the JSON beside it, validation as you type, a preview, save and run. */
export function JobEditorPage() {
  const id = new URLSearchParams(location.search).get('id');
  const templateId = new URLSearchParams(location.search).get('template');
  const writable = can('jobs:write');
  const [loaded, setLoaded] = createSignal(!id && !templateId);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [name, setName] = createSignal('');
  const [draft, setDraft] = createSignal<Json>(emptySpec());
  const [issues, setIssues] = createSignal<Issue[]>([]);
  const [warnings, setWarnings] = createSignal<string[]>([]);
  const [checking, setChecking] = createSignal(false);
  const [preview, setPreview] = createSignal<Preview | null>(null);
  const [busy, setBusy] = createSignal<'preview' | 'save' | 'run' | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const [saved, setSaved] = createSignal(new URLSearchParams(location.search).has('saved'));

  // The unsaved draft survives a reload or a sign-in round trip (an expired session) in this tab.
  const draftKey = `trawl.draft.${id ?? `new.${templateId ?? ''}`}`;
  const restore = () => {
    const kept = sessionStorage.getItem(draftKey);
    if (!kept) return false;
    const { name: n, spec } = JSON.parse(kept) as { name: string; spec: Json };
    setName(n); setDraft(spec); setLoaded(true);
    return true;
  };
  createEffect(on([name, draft], ([n, spec]) => { if (loaded()) sessionStorage.setItem(draftKey, JSON.stringify({ name: n, spec })); }, { defer: true }));

  onMount(async () => {
    if (restore()) return;
    try {
      if (id) {
        const job = await call<Job>(api.GET('/v1/jobs/{id}', { params: { path: { id } } }));
        setName(job.name);
        setDraft(job.spec as Json);
      } else if (templateId) {
        // A new job from a template (built-in or the organization's) starts as a copy of its spec.
        const template = await call<Template>(api.GET('/v1/templates/{id}', { params: { path: { id: templateId } } }));
        setName(templateName(template));
        setDraft(template.spec as Json);
      }
      setLoaded(true);
    } catch (err) { setLoadError(err); }
  });

  // Validate as you type: 400 ms after the last change, against the API's own validator.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  createEffect(on(draft, (spec) => {
    clearTimeout(timer);
    const mine = ++generation;
    timer = setTimeout(async () => {
      setChecking(true);
      try {
        const res = await call<Validated>(api.POST('/v1/jobs/validate', { body: { spec } as never }));
        if (mine !== generation) return;
        setIssues([]);
        setWarnings(res.warnings.map((w) => `${w.path}: ${w.message}`));
      } catch (err) {
        if (mine !== generation) return;
        const found = err instanceof ApiFailure ? err.body.details?.issues : undefined;
        setIssues(found ?? [{ path: '(root)', message: String((err as Error).message) }]);
      } finally { if (mine === generation) setChecking(false); }
    }, 400);
  }));
  onCleanup(() => clearTimeout(timer));

  const issuesAt = (key: string) => issues().filter((i) => i.path === key).map((i) => i.message);
  // A change after saving clears the "Saved" note (loading the job does not).
  const update = (path: Path, value: Json | undefined) => { setSaved(false); setDraft((d) => setIn(d, path, value)); };
  const replaceDraft = (v: Json) => { setSaved(false); setDraft(v); };
  const nameProblem = () => (name().trim() ? null : t('editor.nameRequired'));

  async function runPreview() {
    setBusy('preview'); setFailure(null); setPreview(null);
    // A saved job's preview is remembered as its baseline: its runs warn when they give far less (ADR 0031).
    try { setPreview(await call<Preview>(api.POST('/v1/preview', { body: { spec: draft(), screenshot: true, ...(id ? { jobId: id } : {}) } as never }))); }
    catch (err) { setFailure(err); }
    finally { setBusy(null); }
  }

  async function save(andRun: boolean) {
    setBusy(andRun ? 'run' : 'save'); setFailure(null);
    try {
      const body = { name: name().trim(), spec: draft() } as never;
      sessionStorage.removeItem(draftKey);
      const job = id ? await call<Job>(api.PATCH('/v1/jobs/{id}', { params: { path: { id } }, body }))
        : await call<Job>(api.POST('/v1/jobs', { body }));
      if (andRun) {
        const run = await call<{ id: string }>(api.POST('/v1/jobs/{id}/runs', { params: { path: { id: job.id } } }));
        location.assign(`/app/runs/?id=${run.id}`);
      } else if (!id) location.assign(`/app/jobs/edit/?id=${job.id}&saved=1`);
      else setSaved(true);
    } catch (err) { setFailure(err); }
    finally { setBusy(null); }
  }

  return (
    <Show when={!loadError()} fallback={<ErrorBox error={loadError()} />}>
      <Show when={loaded()} fallback={<Loading />}>
        <Editor.Provider value={{ draft, update, issuesAt }}>
          <div class="page-head">
            <h1>{id ? t('editor.editTitle', { name: name() }) : t('editor.newTitle')}</h1>
            <Show when={!writable}><p class="why-disabled" id="why-readonly">{t('editor.readOnly')}</p></Show>
          </div>
          <StaleLoginNotice loginId={loginIdOf(draft())} />
          <div class="editor-layout">
            <form class="editor-form" onSubmit={(e) => { e.preventDefault(); void save(false); }} aria-describedby={writable ? undefined : 'why-readonly'}>
              <fieldset disabled={!writable} class="plain">
                <div class="validation" role="status" aria-live="polite" data-testid="validation">
                  <Show when={checking()} fallback={issues().length === 0 ? <span class="ok">{t('editor.valid')}</span> : <span class="bad">{issues().length === 1 ? t('editor.problem') : t('editor.problems', { n: issues().length })}</span>}>
                    <span class="spinner" aria-hidden="true" /> {t('editor.checking')}
                  </Show>
                </div>
                <Show when={issues().length > 0}>
                  <ul class="issue-summary"><For each={issues()}>{(i) => <li><a href={`#${inputId(i.path.split('.').slice(1))}`}><code>{i.path}</code></a> {i.message}</li>}</For></ul>
                </Show>
                <Show when={warnings().length > 0}><ul class="warnings"><For each={warnings()}>{(w) => <li>{w}</li>}</For></ul></Show>
                <Fieldset legend={t('editor.basics')}>
                  <div class="ctl ctl-wide">
                    <label for="job-name">{t('editor.name')}</label>
                    <input id="job-name" type="text" value={name()} onInput={(e) => { setSaved(false); setName(e.currentTarget.value); }} aria-invalid={nameProblem() ? 'true' : undefined} required />
                  </div>
                  <LinesInput path={['startUrls']} label={t('editor.startUrls')} hint={t('editor.startUrlsHint')} />
                  <TextInput path={['itemSelector']} label={t('editor.itemSelector')} placeholder="#products li.product" wide />
                  <TextInput path={['itemExclude']} label={t('editor.itemExclude')} />
                  <LinesInput path={['dedupeKey']} label={t('editor.dedupeKey')} />
                  <NumberInput path={['concurrency']} label={t('editor.concurrency')} />
                </Fieldset>
                <FieldsEditor path={['fields']} legend={t('editor.fields')} />
                <ActionsEditor path={['actions']} legend={t('editor.actions')} />
                <PaginationEditor />
                <DetailEditor />
                <RunSettings />
                <Fieldset legend={t('editor.picker')}><PickOnPage draft={draft} update={update} /></Fieldset>
              </fieldset>
              <div class="editor-actions">
                <button type="button" class="btn" disabled={!writable || busy() !== null} onClick={() => void runPreview()} data-testid="preview-button">{busy() === 'preview' ? t('editor.previewing') : t('editor.preview')}</button>
                <button type="submit" class="btn btn-primary" disabled={!writable || busy() !== null || !!nameProblem()} data-testid="save-button">{busy() === 'save' ? t('common.saving') : t('editor.save')}</button>
                <button type="button" class="btn btn-primary" disabled={!writable || !can('runs:write') || busy() !== null || !!nameProblem()} onClick={() => void save(true)} data-testid="save-run-button">{busy() === 'run' ? t('common.saving') : t('editor.saveRun')}</button>
                <Show when={saved()}><span role="status" class="ok">{t('editor.saved')}</span></Show>
              </div>
              <SaveAsTemplate spec={draft} jobName={name} disabled={!writable || issues().length > 0} describedBy={writable ? undefined : 'why-readonly'} />
              <Show when={failure()}><ErrorBox error={failure()} /></Show>
            </form>
            <aside class="editor-side">
              <JsonView value={draft()} onChange={replaceDraft} readOnly={!writable} issues={issues()} />
              <section aria-labelledby="preview-head">
                <h2 id="preview-head">{t('editor.previewHead')}</h2>
                <Show when={busy() === 'preview'}><p role="status" class="loading"><span class="spinner" aria-hidden="true" />{t('editor.previewing')}</p></Show>
                <Show when={preview()} fallback={<p class="muted">{t('editor.previewEmpty')}</p>}>{(p) => <PreviewPanel result={p()} />}</Show>
              </section>
            </aside>
          </div>
        </Editor.Provider>
      </Show>
    </Show>
  );
}
