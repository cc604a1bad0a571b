import { For, Show, createResource, createSignal } from 'solid-js';
import { api, call, type ApiData } from '../api.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { ErrorBox, Loading } from '../ui/error-box.tsx';
import { GuardedButton } from '../ui/guarded.tsx';
import { can } from '../session.ts';

type Policy = ApiData<'/v1/policy', 'get'>;
const KEYS = ['siteMaxConcurrent', 'siteMinDelayMs', 'maxTasksInFlight', 'maxConcurrentRuns'] as const;
type LimitKey = (typeof KEYS)[number];
const EFFECTIVE: Record<LimitKey, keyof Policy['effective']> = {
  siteMaxConcurrent: 'siteMaxConcurrent', siteMinDelayMs: 'siteMinDelayMs', maxTasksInFlight: 'orgMaxTasksInFlight', maxConcurrentRuns: 'maxConcurrentRuns',
};

/**
 * The organization's politeness limits: every role sees the override and the value in effect; Owner and Admin change
 * them (PUT /v1/policy/limits, which leaves the domain lists alone). An empty box is the deployment default.
 */
export function LimitsSection() {
  const [policy, { refetch }] = createResource(() => call<Policy>(api.GET('/v1/policy')));
  const [edits, setEdits] = createSignal<Partial<Record<LimitKey, string>>>({});
  const [failure, setFailure] = createSignal<unknown>(null);
  const [saved, setSaved] = createSignal(false);
  const text = (k: LimitKey) => edits()[k] ?? String(policy()?.limits[k] ?? '');
  const save = async () => {
    setFailure(null); setSaved(false);
    // Sent as typed: the API validates (a number in range, or null) and answers 400 INVALID_REQUEST naming the key.
    const body = Object.fromEntries(KEYS.map((k) => [k, text(k).trim() === '' ? null : Number(text(k))]));
    try {
      await call(api.PUT('/v1/policy/limits', { body: body as never }));
      await refetch(); setEdits({}); setSaved(true);
    } catch (err) { setFailure(err); }
  };
  return (
    <section aria-labelledby="limits-head" class="card" data-testid="limits">
      <h2 id="limits-head">{t('limits.title')}</h2>
      <p class="muted small">{t('limits.intro')}</p>
      <Show when={!policy.error} fallback={<ErrorBox error={policy.error} />}>
        <Show when={policy()} fallback={<Loading />}>{(p) => (
          <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
            <div class="table-wrap" tabindex="0" role="region" aria-label={t('limits.title')}><table class="table">
              <thead><tr><th scope="col">{t('limits.title')}</th><th scope="col">{t('limits.override')}</th><th scope="col">{t('limits.effective')}</th></tr></thead>
              <tbody><For each={KEYS}>{(k) => (
                <tr>
                  <th scope="row"><label for={`limit-${k}`}>{t(`limits.${k}` as MessageKey)}</label></th>
                  <td><input id={`limit-${k}`} type="number" inputmode="numeric" min="0" placeholder={t('limits.default')} value={text(k)}
                    onInput={(e) => { const v = e.currentTarget.value; setEdits({ ...edits(), [k]: v }); }}
                    readOnly={!can('policy:write')} aria-describedby={can('policy:write') ? undefined : 'limits-why'} /></td>
                  <td data-testid={`effective-${k}`}>{p().effective[EFFECTIVE[k]]}</td>
                </tr>
              )}</For></tbody>
            </table></div>
            <Show when={!can('policy:write')}><p id="limits-why" class="why-disabled">{t('limits.readOnly')}</p></Show>
            <GuardedButton permission="policy:write" type="submit" onClick={() => undefined} testId="save-limits">{t('limits.save')}</GuardedButton>
            <Show when={saved()}><span role="status" class="ok">{t('limits.saved')}</span></Show>
          </form>
        )}</Show>
      </Show>
      <Show when={failure()}><ErrorBox error={failure()} /></Show>
    </section>
  );
}
