import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { can } from '../session.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { GuardedButton } from '../ui/guarded.tsx';

type TemplatePage = ApiData<'/v1/templates', 'get'>;
export type Template = TemplatePage['data'][number];

/** Every template: the API's built-in gallery, then the organization's own (followed page by page). */
async function loadAll(): Promise<Template[]> {
  const out: Template[] = [];
  let cursor: string | undefined;
  do {
    const page = await call<TemplatePage>(api.GET('/v1/templates', { params: { query: { limit: 200, cursor } } }));
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** A built-in template's name and description come from the catalogue (translated); a saved one's are as typed. */
export const templateName = (tpl: Pick<Template, 'id' | 'name' | 'builtIn'>) => (tpl.builtIn ? t(`templates.${tpl.id}` as MessageKey) : tpl.name);
const templateAbout = (tpl: Template) => (tpl.builtIn ? t(`templates.${tpl.id}.about` as MessageKey) : tpl.description);

/** The template gallery: a new job starts from any template; the organization's own can be deleted by its editors. */
export function TemplatesPage() {
  const [templates, { refetch }] = createResource(loadAll);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);

  async function remove(id: string) {
    setFailure(null);
    try {
      await call(api.DELETE('/v1/templates/{id}', { params: { path: { id } } }));
      setConfirming(null);
      await refetch();
    } catch (err) { setFailure(err); }
  }

  const card = (tpl: Template) => (
    <li class="card" data-testid={`template-${tpl.id}`}>
      <h3>{templateName(tpl)}</h3>
      <Show when={templateAbout(tpl)}><p class="muted">{templateAbout(tpl)}</p></Show>
      {can('jobs:write')
        ? <a class="btn" href={`/app/jobs/edit/?template=${encodeURIComponent(tpl.id)}`} data-testid={`use-${tpl.id}`}>{t('templates.use')}</a>
        : <span class="why-disabled">{t('jobs.newDisabled')}</span>}
      <Show when={!tpl.builtIn}>
        <Show when={confirming() === tpl.id} fallback={<GuardedButton permission="jobs:write" onClick={() => setConfirming(tpl.id)} testId={`delete-${tpl.id}`}>{t('templates.delete')}</GuardedButton>}>
          <p role="status">{t('templates.confirmDelete', { name: tpl.name })}</p>
          <button type="button" class="btn" onClick={() => void remove(tpl.id)} data-testid={`confirm-delete-${tpl.id}`}>{t('templates.delete')}</button>
          <button type="button" class="btn" onClick={() => setConfirming(null)}>{t('templates.cancel')}</button>
        </Show>
      </Show>
    </li>
  );

  return (
    <section>
      <div class="page-head"><h1>{t('templates.title')}</h1></div>
      <p>{t('templates.intro')}</p>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
      <Show when={!templates.error} fallback={<ErrorBox error={templates.error} />}>
        <Show when={templates()} fallback={<Loading />}>{(all) => (
          <>
            <h2>{t('templates.gallery')}</h2>
            <ul class="cards plain-list"><For each={all().filter((x) => x.builtIn)}>{card}</For></ul>
            <h2>{t('templates.own')}</h2>
            <Show when={all().some((x) => !x.builtIn)} fallback={<p class="muted" data-testid="no-own-templates">{t('templates.noneOwn')}</p>}>
              <ul class="cards plain-list"><For each={all().filter((x) => !x.builtIn)}>{card}</For></ul>
            </Show>
          </>
        )}</Show>
      </Show>
    </section>
  );
}
