import { Show } from 'solid-js';
import { ApiFailure } from '../api.ts';
import { errorHint, t } from '../i18n/index.ts';

const KNOWN_CODE = /^[A-Z][A-Z0-9_]+$/;

/** A link to the error guide's page for a code, wherever a code shows. */
export function CodeLink(props: { code: string }) {
  return (
    <Show when={KNOWN_CODE.test(props.code) && !props.code.startsWith('HTTP_') || ['HTTP_4XX', 'HTTP_5XX'].includes(props.code)} fallback={<code>{props.code}</code>}>
      <a href={`/app/errors/${props.code}/`} class="code-link"><code>{props.code}</code></a>
    </Show>
  );
}

/** Every failed request shows the API's code, message and hint, and the request id to quote. */
export function ErrorBox(props: { error: unknown; title?: string }) {
  const body = () => (props.error instanceof ApiFailure ? props.error.body : { code: 'CLIENT', message: String((props.error as Error)?.message ?? props.error) });
  // The table's hint in the UI's language (Korean from the app's catalogue); a code the table lacks keeps the API's.
  const hint = () => errorHint(body().code, (body() as { hint?: string }).hint);
  return (
    <div class="error-box" role="alert" data-code={body().code}>
      <p class="error-title"><strong>{props.title ?? t('error.title')}</strong> <CodeLink code={body().code} /></p>
      <p class="error-message">{body().message}</p>
      <Show when={hint()}><p class="error-hint" data-testid="error-hint">{t('error.hint')}: {hint()}</p></Show>
      <Show when={'requestId' in body() && body().requestId}><p class="error-meta">{t('error.requestId')}: <code>{(body() as { requestId?: string }).requestId}</code></p></Show>
    </div>
  );
}

/** Shown while anything waits on the network. */
export function Loading(props: { label?: string }) {
  return <p class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true" />{props.label ?? t('common.loading')}</p>;
}

/** A control the person's role may not use: disabled, with the reason next to it. */
export function reasonId(name: string): string {
  return `why-${name}`;
}
