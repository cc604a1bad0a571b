import { For, Show, createEffect, type JSX } from 'solid-js';
import { postSession } from '../api.ts';
import { lang, setLang, t, type Lang, type MessageKey } from '../i18n/index.ts';
import { keepSessionAlive, me } from '../session.ts';
import { ErrorBox, Loading } from './error-box.tsx';

export type Section = 'dashboard' | 'jobs' | 'runs' | 'settings' | 'errors' | 'insight' | 'templates' | 'usage';
const NAV: Array<{ section: Section; href: string; label: MessageKey }> = [
  { section: 'dashboard', href: '/app/', label: 'nav.dashboard' },
  { section: 'jobs', href: '/app/jobs/', label: 'nav.jobs' },
  { section: 'templates', href: '/app/templates/', label: 'nav.templates' },
  { section: 'insight', href: '/app/insight/', label: 'nav.insight' },
  { section: 'usage', href: '/app/usage/', label: 'nav.usage' },
  { section: 'settings', href: '/app/settings/', label: 'nav.settings' },
  { section: 'errors', href: '/app/errors/', label: 'nav.errors' },
];

async function switchOrg(orgId: string) {
  await postSession('/auth/org', { orgId });
  location.assign('/app/');
}

async function signOut() {
  await postSession('/auth/logout').catch(() => undefined);
  location.assign('/');
}

/** The app's frame: navigation, organization and language switchers, sign-out; the page renders once /v1/me answers. */
export function Shell(props: { section: Section; title: MessageKey; children: () => JSX.Element }) {
  createEffect(() => { document.title = `${t(props.title)} · Trawl`; document.documentElement.lang = lang(); });
  createEffect(() => keepSessionAlive(me()?.sessionTtlMs ?? null));
  return (
    <div class="app">
      <a class="skip-link" href="#app-main">{t('nav.skip')}</a>
      <header class="app-header">
        <a class="brand" href="/app/">Trawl</a>
        <nav aria-label={t('nav.label')} class="app-nav">
          <ul>
            <For each={NAV}>{(item) => (
              <li><a href={item.href} aria-current={item.section === props.section ? 'page' : undefined}>{t(item.label)}</a></li>
            )}</For>
          </ul>
        </nav>
        <div class="app-tools">
          <Show when={me()}>{(who) => (
            <label class="org-switch">
              <span class="sr-only">{t('org.switch')}</span>
              <select aria-label={t('org.switch')} value={who().org.id} onChange={(e) => void switchOrg(e.currentTarget.value)} data-testid="org-switch">
                <For each={who().memberships}>{(m) => <option value={m.orgId}>{m.name} ({t(`role.${m.role}` as MessageKey)})</option>}</For>
              </select>
            </label>
          )}</Show>
          <label>
            <span class="sr-only">{t('lang.label')}</span>
            <select aria-label={t('lang.label')} value={lang()} onChange={(e) => setLang(e.currentTarget.value as Lang)} data-testid="lang-switch">
              <option value="en">English</option>
              <option value="ko">한국어</option>
            </select>
          </label>
          <Show when={me()?.user}>{(u) => <span class="who" title={u().email}>{u().name}</span>}</Show>
          <button type="button" class="btn btn-quiet" onClick={() => void signOut()}>{t('nav.signOut')}</button>
        </div>
      </header>
      <main id="app-main" tabindex="-1" class="app-main">
        <Show when={!me.error} fallback={<ErrorBox error={me.error} />}>
          <Show when={me()} fallback={<Loading />}>{props.children()}</Show>
        </Show>
      </main>
    </div>
  );
}
