import { t, type MessageKey } from '../i18n/index.ts';

/** A run's status as a labelled pill (text, not colour alone, carries the meaning). */
export function StatusPill(props: { status: string }) {
  return <span class={`pill pill-${props.status}`} data-status={props.status}>{t(`status.${props.status}` as MessageKey)}</span>;
}

/** Success trend: one bar per run, oldest first; the title and the text alternative say the figures. */
export function Trend(props: { statuses: string[] }) {
  const ok = () => props.statuses.filter((s) => s === 'succeeded').length;
  return (
    <span class="trend" role="img" aria-label={t('jobs.trend', { ok: ok(), total: props.statuses.length })}>
      {props.statuses.map((s) => <span class={`bar bar-${s}`} />)}
    </span>
  );
}
