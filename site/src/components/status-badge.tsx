import { createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { CHECKING, fetchHealth, type HealthSummary } from './health.ts';

const POLL_MS = 5_000;

/**
 * Live API status, polled from the same origin. The server-rendered HTML shows "Checking API…"
 * until the first answer; a slow answer never stacks polls because the next one is scheduled
 * only after the previous one settles.
 */
export default function StatusBadge(props: { url?: string }): JSX.Element {
  const [health, setHealth] = createSignal<HealthSummary>(CHECKING);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const poll = async (): Promise<void> => {
    const next = await fetchHealth(props.url ?? '/health', POLL_MS - 1_000);
    if (stopped) return;
    setHealth(next);
    timer = setTimeout(() => void poll(), POLL_MS);
  };

  onMount(() => void poll());
  onCleanup(() => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  });

  return (
    <p
      class="status-badge"
      data-state={health().state}
      role="status"
      aria-live="polite"
      title={health().version ? `Edge version ${health().version}` : undefined}
    >
      <span class="status-dot" aria-hidden="true" />
      {health().label}
    </p>
  );
}
