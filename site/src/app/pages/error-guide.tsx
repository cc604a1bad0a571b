import { For, Show } from 'solid-js';
import { errorHint, t, type MessageKey } from '../i18n/index.ts';

export interface ErrorEntry { code: string; status: number; retryable: boolean; hint: string; look: string[] }

/** The error guide: one page per code of schemas/src/errors.ts (built into the pages at build time). */
export function ErrorGuidePage(props: { errors: ErrorEntry[]; code?: string }) {
  const entry = () => props.errors.find((e) => e.code === props.code);
  return (
    <section>
      <Show when={entry()} fallback={(
        <>
          <div class="page-head"><h1>{t('guide.title')}</h1></div>
          <p>{t('guide.intro')}</p>
          <div class="table-wrap" tabindex="0" role="region" aria-label={t('common.table')}><table class="table">
            <thead><tr><th scope="col">{t('guide.code')}</th><th scope="col">HTTP</th><th scope="col">{t('guide.retried')}</th><th scope="col">{t('guide.hint')}</th></tr></thead>
            <tbody><For each={props.errors}>{(e) => <tr><td><a href={`/app/errors/${e.code}/`}><code>{e.code}</code></a></td><td>{e.status}</td><td>{e.retryable ? t('common.yes') : t('common.no')}</td><td>{errorHint(e.code, e.hint)}</td></tr>}</For></tbody>
          </table></div>
        </>
      )}>{(e) => (
        <article>
          <p><a href="/app/errors/">{t('guide.all')}</a></p>
          <h1><code>{e().code}</code></h1>
          <dl class="kv">
            <dt>HTTP</dt><dd>{e().status}</dd>
            <dt>{t('guide.retried')}</dt><dd>{e().retryable ? t('guide.retriedYes') : t('guide.retriedNo')}</dd>
          </dl>
          <h2>{t('guide.whatToDo')}</h2>
          <p data-testid="guide-hint">{errorHint(e().code, e().hint)}</p>
          <Show when={e().look.filter((l) => l !== 'none').length > 0}>
            <h2>{t('guide.whereToLook')}</h2>
            <ul><For each={e().look.filter((l) => l !== 'none')}>{(l) => <li>{t(`guide.look.${l}` as MessageKey)}</li>}</For></ul>
          </Show>
        </article>
      )}</Show>
    </section>
  );
}
