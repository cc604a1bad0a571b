import { For, Show, createResource, createSignal } from 'solid-js';
import type { NotificationEventName } from '@trawl/schemas';
import { api, call, type ApiData } from '../api.ts';
import { t } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { GuardedButton } from '../ui/guarded.tsx';
import { can } from '../session.ts';

type Job = ApiData<'/v1/jobs/{id}', 'get'>;
type Endpoints = ApiData<'/v1/notifications/endpoints', 'get'>;
type Subs = ApiData<'/v1/jobs/{id}/notifications', 'get'>;
type Event = NotificationEventName;
// A type-only import keeps zod out of the app bundle; the Record makes the compiler insist on every event.
const EVENTS = Object.keys({ 'run.finished': 1, 'run.failed': 1, 'run.warnings': 1, 'changes.found': 1, 'drift.detected': 1, 'freshness.missed': 1, 'login.stale': 1 } satisfies Record<Event, 1>) as Event[];

/**
 * A job's notifications (ADR 0046, screen ADR 0059): a grid of events × endpoints; saving PUTs the whole set, as the
 * API takes it. The API checks each endpoint belongs to the organization; this page only shows its answer.
 */
export function JobNotificationsPage() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const path = { params: { path: { id } } };
  const [job] = createResource(() => call<Job>(api.GET('/v1/jobs/{id}', path)));
  const [endpoints] = createResource(() => (can('notifications:read') ? call<Endpoints>(api.GET('/v1/notifications/endpoints')) : Promise.resolve({ data: [] })));
  const [subs, { mutate }] = createResource(() => call<Subs>(api.GET('/v1/jobs/{id}/notifications', path)));
  const [chosen, setChosen] = createSignal<Set<string> | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  const [done, setDone] = createSignal('');
  // Owners and admins see endpoint names; other roles may not read endpoints (ADR 0046), so they see the ids subscribed.
  const columns = () => (can('notifications:read') ? endpoints()?.data ?? [] : [...new Set((subs()?.subscriptions ?? []).map((s) => s.endpointId))].map((id) => ({ id, name: id })));
  const key = (event: string, endpointId: string) => `${event} ${endpointId}`;
  const current = () => chosen() ?? new Set((subs()?.subscriptions ?? []).map((s) => key(s.event, s.endpointId)));
  const toggle = (k: string, on: boolean) => { const next = new Set(current()); if (on) next.add(k); else next.delete(k); setChosen(next); };
  const save = async () => {
    setFailure(null); setDone('');
    const subscriptions = [...current()].map((k) => { const [event, endpointId] = k.split(' ') as [Event, string]; return { event, endpointId }; });
    try { mutate(await call<Subs>(api.PUT('/v1/jobs/{id}/notifications', { ...path, body: { subscriptions } }))); setChosen(null); setDone(t('notify.saved')); } catch (err) { setFailure(err); }
  };
  return (
    <section>
      <div class="page-head">
        <h1>{t('notify.jobTitle', { name: job()?.name ?? '…' })}</h1>
        <a class="btn" href="/app/jobs/">{t('schedule.back')}</a>
      </div>
      <Show when={!job.error && !subs.error && !endpoints.error} fallback={<ErrorBox error={job.error ?? subs.error ?? endpoints.error} />}>
        <Show when={job() && subs() && endpoints()} fallback={<Loading />}>
          <form class="card" data-testid="job-notify-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
            <p class="muted small">{t('notify.jobIntro')} <a href="/app/settings/#notify-head">{t('notify.manage')}</a></p>
            <Show when={!can('notifications:read')}><p class="why-disabled">{t('settings.needs', { permission: 'notifications:read' })}</p></Show>
            <Show when={columns().length > 0} fallback={<p>{t('notify.none')}</p>}>
              <div class="table-wrap" tabindex="0" role="region" aria-label={t('notify.events')}><table class="table">
                <thead><tr><th scope="col">{t('notify.event')}</th><For each={columns()}>{(ep) => <th scope="col">{ep.name}</th>}</For></tr></thead>
                <tbody><For each={EVENTS}>{(ev) => (
                  <tr><th scope="row"><code>{ev}</code><div class="muted small">{t(`notify.ev.${ev}`)}</div></th>
                    <For each={columns()}>{(ep) => (
                      <td><input type="checkbox" data-testid={`sub-${ev}-${ep.id}`} aria-label={t('notify.sendTo', { event: ev, name: ep.name })} checked={current().has(key(ev, ep.id))}
                        disabled={!can('jobs:write')} onChange={(e) => toggle(key(ev, ep.id), e.currentTarget.checked)} /></td>
                    )}</For></tr>
                )}</For></tbody>
              </table></div>
            </Show>
            <div class="actions"><GuardedButton permission="jobs:write" type="submit" class="btn btn-primary" testId="job-notify-save" onClick={() => undefined}>{t('notify.save')}</GuardedButton></div>
            <Show when={done()}><p role="status" class="ok">{done()}</p></Show>
          </form>
          <Show when={failure()}><ErrorBox error={failure()} /></Show>
        </Show>
      </Show>
    </section>
  );
}
