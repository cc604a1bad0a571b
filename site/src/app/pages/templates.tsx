import { For } from 'solid-js';
import { t, type MessageKey } from '../i18n/index.ts';
import { TEMPLATES } from '../templates.ts';
import { can } from '../session.ts';

/** The template gallery: a new job starts from one (the editor opens with its spec). */
export function TemplatesPage() {
  return (
    <section>
      <div class="page-head"><h1>{t('templates.title')}</h1></div>
      <p>{t('templates.intro')}</p>
      <ul class="cards plain-list">
        <For each={TEMPLATES}>{(tpl) => (
          <li class="card">
            <h2>{t(`templates.${tpl.id}` as MessageKey)}</h2>
            <p class="muted">{t(`templates.${tpl.id}.about` as MessageKey)}</p>
            {can('jobs:write')
              ? <a class="btn" href={`/app/jobs/edit/?template=${tpl.id}`} data-testid={`use-${tpl.id}`}>{t('templates.use')}</a>
              : <span class="why-disabled">{t('jobs.newDisabled')}</span>}
          </li>
        )}</For>
      </ul>
    </section>
  );
}
