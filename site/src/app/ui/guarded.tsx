import { Show, type Accessor, type JSX, type Resource } from 'solid-js';
import { ErrorBox, Loading } from './error-box.tsx';
import { can, me } from '../session.ts';
import { t } from '../i18n/index.ts';

let seq = 0;

/** A button the role may not use is disabled and says why (the reason is its accessible description). */
export function GuardedButton(props: { permission: string; onClick: () => void; children: JSX.Element; class?: string; type?: 'button' | 'submit'; disabled?: boolean; testId?: string }) {
  const id = `why-${++seq}`;
  const allowed = () => can(props.permission);
  return (
    <span class="guarded">
      <button type={props.type ?? 'button'} class={props.class ?? 'btn'} disabled={!allowed() || props.disabled} aria-describedby={allowed() ? undefined : id} onClick={() => props.onClick()} data-testid={props.testId}>
        {props.children}
      </button>
      <Show when={!allowed()}>
        <span id={id} class="why-disabled">{t('role.cannot', { role: t(`role.${me()?.role ?? 'viewer'}` as 'role.viewer'), permission: props.permission })}</span>
      </Show>
    </span>
  );
}

/**
 * A section's data: the reason when the role may not read it, else the API's error, progress while it loads, then the
 * data (an accessor, so a refetch re-renders what depends on it).
 */
export function GuardedData<T>(props: { permission: string; resource: Resource<T | null>; children: (data: Accessor<T>) => JSX.Element }) {
  return (
    <Show when={can(props.permission)} fallback={<p class="why-disabled">{t('settings.needs', { permission: props.permission })}</p>}>
      <Show when={!props.resource.error} fallback={<ErrorBox error={props.resource.error} />}>
        <Show when={props.resource()} fallback={<Loading />}>{(data) => props.children(data)}</Show>
      </Show>
    </Show>
  );
}
