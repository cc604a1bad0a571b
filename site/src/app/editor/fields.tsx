import { Index, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { Checkbox, Fieldset, Problems, Select, TextInput, useEditor } from './controls.tsx';
import { getIn, inputId, renameKey, setIn, type Json, type JsonObject, type Path } from './draft.ts';
import { CONTEXTS, FIELD_SOURCES, PROCESS_OPS, type OptionInput } from './options.ts';
import { LinesInput, NumberInput } from './controls.tsx';

/** The inputs of a step's options (a post-processing step, an action or a pagination kind). */
export function OptionInputs(props: { path: Path; inputs: OptionInput[] }) {
  return (
    <Index each={props.inputs}>{(o) => {
      const p = [...props.path, o().name];
      if (o().kind === 'number') return <NumberInput path={p} label={o().name} />;
      if (o().kind === 'bool') return <Checkbox path={p} label={o().name} />;
      if (o().kind === 'list') return <LinesInput path={p} label={o().name} />;
      if (o().kind === 'select') return <Select path={p} label={o().name} choices={[{ value: '', label: t('common.default') }, ...o().choices!.map((c) => ({ value: c, label: c }))]} />;
      return <TextInput path={p} label={o().name} />;
    }}</Index>
  );
}

/** A field's post-processing steps, in order; changing a step's op keeps only the op (its options differ). */
function ProcessSteps(props: { path: Path }) {
  const ed = useEditor();
  const steps = () => { const v = getIn(ed.draft(), props.path); return Array.isArray(v) ? v as JsonObject[] : []; };
  return (
    <div class="steps">
      <p class="steps-label">{t('editor.process')}</p>
      <Problems path={props.path} />
      <ol>
        <Index each={steps()}>{(step, i) => (
          <li class="step">
            <Select path={[...props.path, i, 'op']} label={t('editor.step', { n: i + 1 })} choices={Object.keys(PROCESS_OPS).map((op) => ({ value: op, label: op }))}
              onPick={(op) => ed.update([...props.path, i], { op })} />
            <OptionInputs path={[...props.path, i]} inputs={PROCESS_OPS[String(step().op)] ?? []} />
            <button type="button" class="btn btn-quiet" onClick={() => ed.update([...props.path, i], undefined)} aria-label={t('editor.removeStep', { n: i + 1 })}>✕</button>
          </li>
        )}</Index>
      </ol>
      <button type="button" class="btn btn-small" onClick={() => ed.update(props.path, [...steps(), { op: 'trim' }])}>{t('editor.addStep')}</button>
    </div>
  );
}

/** Fields of the listing (or of detail pages): name, selector, source, flags and post-processing per field. */
export function FieldsEditor(props: { path: Path; legend: string }) {
  const ed = useEditor();
  const fields = () => { const v = getIn(ed.draft(), props.path); return v && typeof v === 'object' && !Array.isArray(v) ? v as JsonObject : {}; };
  const entries = () => Object.entries(fields());
  const rename = (from: string, to: string) => ed.update(props.path, renameKey(fields(), from, to));
  const add = () => {
    let n = entries().length + 1;
    while (`field${n}` in fields()) n++;
    ed.update(props.path, { ...fields(), [`field${n}`]: {} });
  };
  return (
    <Fieldset legend={props.legend}>
      <Problems path={props.path} />
      <Index each={entries()}>{(entry, i) => {
        const name = () => entry()[0];
        const fp = () => [...props.path, name()];
        return (
          <div class="field-row" data-testid={`field-${i}`}>
            <div class="ctl">
              <label for={`${inputId(props.path)}--name-${i}`}>{t('editor.fieldName')}</label>
              <input id={`${inputId(props.path)}--name-${i}`} type="text" value={name()} onChange={(e) => rename(name(), e.currentTarget.value.trim())} />
            </div>
            <TextInput path={fp().concat('selector')} label={t('opt.selector')} placeholder=".price" />
            <Select path={fp().concat('source')} label={t('editor.source')} choices={[{ value: '', label: t('common.default') }, ...FIELD_SOURCES.map((s) => ({ value: s, label: s }))]} />
            <Show when={(entry()[1] as JsonObject)?.source === 'attr'}><TextInput path={fp().concat('attr')} label={t('editor.attr')} placeholder="href" /></Show>
            <Select path={fp().concat('context')} label={t('editor.context')} choices={CONTEXTS.map((c) => ({ value: c, label: c || t('common.none') }))} />
            <Checkbox path={fp().concat('required')} label={t('editor.required')} />
            <Checkbox path={fp().concat('all')} label={t('editor.all')} />
            <ProcessSteps path={fp().concat('process')} />
            <button type="button" class="btn btn-quiet" onClick={() => ed.update(props.path, setIn(fields(), [name()], undefined) as Json)}>{t('editor.removeField', { name: name() })}</button>
          </div>
        );
      }}</Index>
      <button type="button" class="btn" onClick={add} data-testid="add-field">{t('editor.addField')}</button>
    </Fieldset>
  );
}
