import { For, Show, batch, createContext, createEffect, createSignal, useContext, type JSX } from 'solid-js';
import { getIn, inputId, issueKey, type Json, type Path } from './draft.ts';

/** What every control of the job form shares: the draft, how to change it, and the problems at each path. */
export interface EditorCtx {
  draft: () => Json;
  update: (path: Path, value: Json | undefined) => void;
  issuesAt: (key: string) => string[];
}
export const Editor = createContext<EditorCtx>();
export const useEditor = (): EditorCtx => useContext(Editor)!;

/** Problems the validator reported at exactly this path, shown under the control and tied to it for screen readers. */
export function Problems(props: { path: Path }) {
  const ed = useEditor();
  return (
    <Show when={ed.issuesAt(issueKey(['spec', ...props.path])).length > 0}>
      <ul class="problems" id={`${inputId(props.path)}-problems`}>
        <For each={ed.issuesAt(issueKey(['spec', ...props.path]))}>{(m) => <li>{m}</li>}</For>
      </ul>
    </Show>
  );
}

function described(ed: EditorCtx, path: Path) {
  const bad = ed.issuesAt(issueKey(['spec', ...path])).length > 0;
  return { 'aria-invalid': bad ? ('true' as const) : undefined, 'aria-describedby': bad ? `${inputId(path)}-problems` : undefined };
}

export function TextInput(props: { path: Path; label: string; placeholder?: string; wide?: boolean }) {
  const ed = useEditor();
  const value = () => { const v = getIn(ed.draft(), props.path); return v === undefined || v === null ? '' : String(v); };
  return (
    <div class={props.wide ? 'ctl ctl-wide' : 'ctl'}>
      <label for={inputId(props.path)}>{props.label}</label>
      <input id={inputId(props.path)} type="text" value={value()} placeholder={props.placeholder} {...described(ed, props.path)}
        onInput={(e) => ed.update(props.path, e.currentTarget.value === '' ? undefined : e.currentTarget.value)} />
      <Problems path={props.path} />
    </div>
  );
}

export function NumberInput(props: { path: Path; label: string }) {
  const ed = useEditor();
  const value = () => { const v = getIn(ed.draft(), props.path); return typeof v === 'number' ? String(v) : ''; };
  return (
    <div class="ctl ctl-num">
      <label for={inputId(props.path)}>{props.label}</label>
      <input id={inputId(props.path)} type="number" inputmode="numeric" value={value()} {...described(ed, props.path)}
        onInput={(e) => { const raw = e.currentTarget.value; ed.update(props.path, raw === '' || Number.isNaN(Number(raw)) ? undefined : Number(raw)); }} />
      <Problems path={props.path} />
    </div>
  );
}

export function Checkbox(props: { path: Path; label: string }) {
  const ed = useEditor();
  return (
    <div class="ctl ctl-check">
      <input id={inputId(props.path)} type="checkbox" checked={getIn(ed.draft(), props.path) === true} {...described(ed, props.path)}
        onChange={(e) => ed.update(props.path, e.currentTarget.checked ? true : undefined)} />
      <label for={inputId(props.path)}>{props.label}</label>
      <Problems path={props.path} />
    </div>
  );
}

export function Select(props: { path: Path; label: string; choices: Array<{ value: string; label: string }>; onPick?: (v: string) => void }) {
  const ed = useEditor();
  const value = () => { const v = getIn(ed.draft(), props.path); return v === undefined || v === null ? '' : String(v); };
  return (
    <div class="ctl">
      <label for={inputId(props.path)}>{props.label}</label>
      <select id={inputId(props.path)} value={value()} {...described(ed, props.path)}
        onChange={(e) => (props.onPick ? props.onPick(e.currentTarget.value) : ed.update(props.path, e.currentTarget.value === '' ? undefined : e.currentTarget.value))}>
        <For each={props.choices}>{(c) => <option value={c.value} selected={c.value === value()}>{c.label}</option>}</For>
      </select>
      <Problems path={props.path} />
    </div>
  );
}

/** One value per line (start URLs, date formats): the draft holds the list. */
export function LinesInput(props: { path: Path; label: string; hint?: string }) {
  const ed = useEditor();
  const value = () => { const v = getIn(ed.draft(), props.path); return Array.isArray(v) ? v.join('\n') : ''; };
  const parse = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
  // The text keeps blank lines while typing; it follows the draft only when the draft changed elsewhere (JSON view).
  const [text, setText] = createSignal(value());
  createEffect(() => { const v = value(); if (parse(text()).join('\n') !== v) setText(v); });
  return (
    <div class="ctl ctl-wide">
      <label for={inputId(props.path)}>{props.label}</label>
      <Show when={props.hint}><span class="muted small">{props.hint}</span></Show>
      <textarea id={inputId(props.path)} rows={3} value={text()} {...described(ed, props.path)}
        onInput={(e) => { const raw = e.currentTarget.value; const lines = parse(raw); batch(() => { ed.update(props.path, lines.length ? lines : undefined); setText(raw); }); }} />
      <Problems path={props.path} />
    </div>
  );
}

export function Fieldset(props: { legend: string; children: JSX.Element; id?: string }) {
  return <fieldset class="group" id={props.id}><legend>{props.legend}</legend>{props.children}</fieldset>;
}
