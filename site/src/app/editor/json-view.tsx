import { Show, createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { Issue, Json } from './draft.ts';
import type { JsonEditor } from './codemirror.ts';

declare global { interface Window { __trawlJsonEditor?: JsonEditor } }

/**
 * The spec as JSON beside the form, in a CodeMirror 6 editor (loaded when this view mounts), in sync both ways: the
 * form's changes rewrite the text unless the person is typing in it; text that parses to an object replaces the draft,
 * text that does not is kept as typed and the linter marks where it breaks. The API validator's problems show at the
 * text they name, as in the form.
 */
export function JsonView(props: { value: Json; onChange: (v: Json) => void; readOnly: boolean; issues: Issue[] }) {
  const pretty = () => JSON.stringify(props.value, null, 2);
  const [parseError, setParseError] = createSignal<string | null>(null);
  const [failed, setFailed] = createSignal<unknown>(null);
  const [editor, setEditor] = createSignal<JsonEditor | null>(null);
  let box: HTMLDivElement | undefined;
  let typing = false;

  onMount(() => {
    import('./codemirror.ts').then(({ mountJsonEditor }) => {
      if (!box) return;
      const ed = mountJsonEditor(box, {
        text: pretty(), readOnly: props.readOnly, labelledBy: 'spec-json-label', describedBy: 'spec-json-help',
        issues: () => props.issues,
        onText: (text) => {
          try {
            const v = JSON.parse(text) as Json;
            if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(t('editor.jsonObject'));
            setParseError(null);
            typing = true;
            props.onChange(v);
            typing = false;
          } catch (err) { setParseError((err as Error).message); }
        },
      });
      // Leaving the editor tidies valid text to the draft's own layout.
      ed.view.contentDOM.addEventListener('blur', () => { if (!parseError()) ed.setText(pretty()); });
      setEditor(ed);
      window.__trawlJsonEditor = ed;
    }).catch(setFailed);
  });
  onCleanup(() => { editor()?.view.destroy(); if (window.__trawlJsonEditor === editor()) delete window.__trawlJsonEditor; });

  // The form changed the draft: rewrite the text, unless the change came from this editor (the person's layout stays).
  createEffect(on(pretty, (p) => { const ed = editor(); if (ed && !typing && !ed.view.hasFocus) { ed.setText(p); setParseError(null); } }));
  createEffect(on(() => props.readOnly, (ro) => editor()?.setReadOnly(ro), { defer: true }));
  createEffect(on(() => props.issues, () => editor()?.refreshIssues(), { defer: true }));

  return (
    <div class="json-view">
      <span class="label" id="spec-json-label">{t('editor.json')}</span>
      <p id="spec-json-help" class="muted small">{t('editor.jsonHelp')}</p>
      <div class="cm-box" ref={(el) => { box = el; }} data-testid="json-editor" />
      <Show when={!editor() && !failed()}><p class="loading" role="status"><span class="spinner" aria-hidden="true" />{t('common.loading')}</p></Show>
      <Show when={failed()}><p class="problems" role="alert">{t('editor.jsonLoadFailed')}</p></Show>
      <Show when={parseError()}><p id="spec-json-error" class="problems" role="status" data-testid="json-parse-error">{parseError()}</p></Show>
    </div>
  );
}
