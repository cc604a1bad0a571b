/**
 * CodeMirror 6 for the job editor's JSON view, in its own chunk: the editor page imports it when the JSON view mounts,
 * so no other page (and not the form's first paint) waits for it. JSON syntax, a parse linter, and the API validator's
 * problems (`spec.fields.price.process.0.op`) shown at the text they name.
 */
import { Compartment, EditorState, StateEffect, type Text } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { lintGutter, linter, type Diagnostic } from '@codemirror/lint';
import type { Issue } from './draft.ts';

type SyntaxNode = ReturnType<typeof syntaxTree>['topNode'];
const PUNCTUATION = new Set(['{', '}', '[', ']', ',', ':', '⚠']);
const valuesOf = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!PUNCTUATION.has(c.name)) out.push(c);
  return out;
};

/**
 * Where a problem's path is in the text: the value it names, or, when that key is missing, the name of the nearest
 * property that is there (the object the problem is about). Paths start at the spec (`spec.` is dropped first).
 */
export function locate(state: EditorState, path: string[]): { from: number; to: number } {
  let node: SyntaxNode | null = valuesOf(syntaxTree(state).topNode)[0] ?? null;
  let nearest = { from: 0, to: Math.min(1, state.doc.length) };
  for (const seg of path) {
    if (!node) break;
    let next: SyntaxNode | null = null;
    if (node.name === 'Object') {
      for (const prop of valuesOf(node)) {
        const name = prop.getChild('PropertyName');
        if (!name || unquote(state.doc, name) !== seg) continue;
        nearest = { from: name.from, to: name.to };
        next = valuesOf(prop).find((c) => c.name !== 'PropertyName') ?? null;
      }
    } else if (node.name === 'Array') next = valuesOf(node)[Number(seg)] ?? null;
    if (!next) return nearest;
    node = next;
    nearest = { from: node.from, to: node.to };
  }
  return nearest;
}

function unquote(doc: Text, node: SyntaxNode): string {
  try { return JSON.parse(doc.sliceString(node.from, node.to)) as string; } catch { return doc.sliceString(node.from + 1, node.to - 1); }
}

const SYNC = 'trawl.sync';
/** New problems from the validator: the linter runs again though the text did not change. */
const issuesChanged = StateEffect.define<null>();

export interface JsonEditor { view: EditorView; setText: (text: string) => void; setReadOnly: (readOnly: boolean) => void; refreshIssues: () => void }

/** Mounts the editor in `parent`; `issues()` is read on each lint pass, `onText` gets every change the person makes. */
export function mountJsonEditor(parent: HTMLElement, opts: { text: string; readOnly: boolean; labelledBy: string; describedBy: string; issues: () => Issue[]; onText: (text: string) => void }): JsonEditor {
  const readOnly = new Compartment();
  const parseLint = jsonParseLinter();
  const problems = linter((view) => {
    const parsed = parseLint(view);
    if (parsed.length) return parsed;
    return opts.issues().map((i): Diagnostic => ({ ...locate(view.state, i.path.split('.').slice(1)), severity: 'error', message: `${i.path}: ${i.message}`, source: 'POST /v1/jobs/validate' }));
  }, { delay: 150, needsRefresh: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(issuesChanged))) });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.text,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle), json(), problems, lintGutter(),
        // Tab is left to the browser, so a keyboard user can leave the editor (no focus trap).
        keymap.of([...defaultKeymap, ...historyKeymap]),
        readOnly.of(EditorState.readOnly.of(opts.readOnly)),
        EditorView.contentAttributes.of({ tabindex: '0', 'aria-labelledby': opts.labelledBy, 'aria-describedby': opts.describedBy, 'aria-multiline': 'true', role: 'textbox', id: 'spec-json' }),
        // Every change but the form's own rewrite (marked SYNC) goes back to the draft.
        EditorView.updateListener.of((u) => { if (u.docChanged && !u.transactions.some((tr) => tr.isUserEvent(SYNC))) opts.onText(u.state.doc.toString()); }),
      ],
    }),
  });
  return {
    view,
    setText: (text) => { if (text !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: SYNC }); },
    setReadOnly: (ro) => view.dispatch({ effects: readOnly.reconfigure(EditorState.readOnly.of(ro)) }),
    refreshIssues: () => view.dispatch({ effects: issuesChanged.of(null) }),
  };
}
