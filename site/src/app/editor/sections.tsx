import { For, Index, Show, createResource } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { t } from '../i18n/index.ts';
import { Fieldset, NumberInput, Problems, Select, TextInput, useEditor } from './controls.tsx';
import { getIn, type JsonObject, type Path } from './draft.ts';
import { FieldsEditor, OptionInputs } from './fields.tsx';
import { ACTIONS, PAGINATION, RETRY_CODES } from './options.ts';

/** Steps run after load (waits, clicks, forms, cookie banners). */
export function ActionsEditor(props: { path: Path; legend: string }) {
  const ed = useEditor();
  const list = () => { const v = getIn(ed.draft(), props.path); return Array.isArray(v) ? v as JsonObject[] : []; };
  return (
    <Fieldset legend={props.legend}>
      <Problems path={props.path} />
      <ol class="steps">
        <Index each={list()}>{(a, i) => (
          <li class="step">
            <Select path={[...props.path, i, 'do']} label={t('editor.action', { n: i + 1 })} choices={Object.keys(ACTIONS).map((d) => ({ value: d, label: d }))}
              onPick={(d) => ed.update([...props.path, i], { do: d })} />
            <OptionInputs path={[...props.path, i]} inputs={ACTIONS[String(a().do)] ?? []} />
            <button type="button" class="btn btn-quiet" onClick={() => { const next = list().filter((_, j) => j !== i); ed.update(props.path, next.length ? next : undefined); }}>{t('editor.removeAction', { n: i + 1 })}</button>
          </li>
        )}</Index>
      </ol>
      <button type="button" class="btn btn-small" onClick={() => ed.update(props.path, [...list(), { do: 'waitFor', selector: '' }])}>{t('editor.addAction')}</button>
    </Fieldset>
  );
}

export function PaginationEditor() {
  const ed = useEditor();
  const type = () => String(getIn(ed.draft(), ['pagination', 'type']) ?? '');
  return (
    <Fieldset legend={t('editor.pagination')}>
      <Select path={['pagination', 'type']} label={t('editor.paginationType')} choices={[{ value: '', label: t('common.none') }, ...Object.keys(PAGINATION).map((p) => ({ value: p, label: p }))]}
        onPick={(v) => ed.update(['pagination'], v ? { type: v } : undefined)} />
      <Show when={type()}><OptionInputs path={['pagination']} inputs={PAGINATION[type()] ?? []} /></Show>
      <Problems path={['pagination']} />
    </Fieldset>
  );
}

export function DetailEditor() {
  const ed = useEditor();
  const on = () => getIn(ed.draft(), ['detail']) !== undefined;
  const names = () => Object.keys((getIn(ed.draft(), ['fields']) as JsonObject | undefined) ?? {});
  return (
    <Fieldset legend={t('editor.detail')}>
      <div class="ctl ctl-check">
        <input id="detail-on" type="checkbox" checked={on()} onChange={(e) => ed.update(['detail'], e.currentTarget.checked ? { urlField: names()[0] ?? '', fields: { description: { selector: '' } } } : undefined)} />
        <label for="detail-on">{t('editor.detailOn')}</label>
      </div>
      <Show when={on()}>
        <Select path={['detail', 'urlField']} label={t('editor.urlField')} choices={names().map((n) => ({ value: n, label: n }))} />
        <TextInput path={['detail', 'waitFor']} label={t('editor.waitFor')} />
        <FieldsEditor path={['detail', 'fields']} legend={t('editor.detailFields')} />
        <ActionsEditor path={['detail', 'actions']} legend={t('editor.detailActions')} />
      </Show>
    </Fieldset>
  );
}

type Logins = ApiData<'/v1/logins', 'get'>;

export function RunSettings() {
  const ed = useEditor();
  const [logins] = createResource(() => call<Logins>(api.GET('/v1/logins')).catch(() => ({ data: [], nextCursor: null })));
  const codes = () => { const v = getIn(ed.draft(), ['retry', 'codes']); return Array.isArray(v) ? v as string[] : null; };
  return (
    <>
      <Fieldset legend={t('editor.limits')}>
        <div class="row">
          <NumberInput path={['limits', 'maxPages']} label="maxPages" />
          <NumberInput path={['limits', 'maxItems']} label="maxItems" />
          <NumberInput path={['limits', 'taskTimeoutMs']} label="taskTimeoutMs" />
          <NumberInput path={['limits', 'runTimeoutMs']} label="runTimeoutMs" />
          <NumberInput path={['wait', 'timeoutMs']} label={t('editor.waitTimeout')} />
        </div>
      </Fieldset>
      <Fieldset legend={t('editor.retry')}>
        <NumberInput path={['retry', 'maxAttempts']} label={t('editor.maxAttempts')} />
        <p class="muted small">{codes() === null ? t('editor.retryDefault') : <button type="button" class="btn btn-small" onClick={() => ed.update(['retry', 'codes'], undefined)}>{t('editor.retryReset')}</button>}</p>
        <div class="check-grid" role="group" aria-label={t('editor.retryCodes')}>
          <For each={RETRY_CODES}>{(code) => (
            <label class="check"><input type="checkbox" checked={codes() === null || codes()!.includes(code)}
              onChange={(e) => { const cur = codes() ?? RETRY_CODES; ed.update(['retry', 'codes'], e.currentTarget.checked ? [...cur, code] : cur.filter((c) => c !== code)); }} /> {code}</label>
          )}</For>
        </div>
        <Problems path={['retry', 'codes']} />
      </Fieldset>
      <Fieldset legend={t('editor.artifacts')}>
        <div class="row">
          <Select path={['artifacts', 'trace']} label={t('editor.trace')} choices={['', 'off', 'on-retry', 'on-failure', 'always'].map((v) => ({ value: v, label: v || t('common.default') }))} />
          <Select path={['artifacts', 'har']} label="HAR" choices={['', 'off', 'on-failure', 'always'].map((v) => ({ value: v, label: v || t('common.default') }))} />
          <Select path={['artifacts', 'screenshots']} label={t('editor.screenshots')} choices={['', 'off', 'final', 'each-step', 'on-failure'].map((v) => ({ value: v, label: v || t('common.default') }))} />
        </div>
      </Fieldset>
      <Fieldset legend={t('editor.login')}>
        <Select path={['login', 'id']} label={t('editor.storedLogin')} choices={[{ value: '', label: t('common.none') }, ...(logins()?.data ?? []).map((l) => ({ value: String(l.id), label: String(l.name) }))]}
          onPick={(v) => ed.update(['login'], v ? { id: v } : undefined)} />
      </Fieldset>
    </>
  );
}
