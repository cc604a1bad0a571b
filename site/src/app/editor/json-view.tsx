import { Show, createEffect, createSignal } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { Json } from './draft.ts';

/**
 * The spec as JSON beside the form, in sync both ways: the form's changes rewrite the text; text that parses to an
 * object replaces the draft, text that does not is kept as typed and says where it breaks.
 */
export function JsonView(props: { value: Json; onChange: (v: Json) => void; readOnly: boolean }) {
  const pretty = () => JSON.stringify(props.value, null, 2);
  const [text, setText] = createSignal(pretty());
  const [parseError, setParseError] = createSignal<string | null>(null);
  let editing = false;
  createEffect(() => { const p = pretty(); if (!editing) { setText(p); setParseError(null); } });
  return (
    <div class="json-view">
      <label for="spec-json">{t('editor.json')}</label>
      <textarea id="spec-json" spellcheck={false} rows={30} value={text()} readOnly={props.readOnly} aria-describedby={parseError() ? 'spec-json-error' : undefined}
        onFocus={() => { editing = true; }} onBlur={() => { editing = false; if (!parseError()) setText(pretty()); }}
        onInput={(e) => {
          setText(e.currentTarget.value);
          try {
            const v = JSON.parse(e.currentTarget.value) as Json;
            if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(t('editor.jsonObject'));
            setParseError(null);
            props.onChange(v);
          } catch (err) { setParseError((err as Error).message); }
        }} />
      <Show when={parseError()}><p id="spec-json-error" class="problems" role="status">{parseError()}</p></Show>
    </div>
  );
}
