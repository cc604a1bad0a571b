import { Counter, Gauge, Histogram, Registry } from './registry.ts';

/** What the node's scrape reads live (the limiter and the pool own these numbers). */
export interface LiveFigures {
  inFlight(): number;
  slots(): number;
  browsers(): number;
  contexts(): number;
}

const SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const WAIT_SECONDS = [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

/** The fleet's metrics, named `trawl_fleet_*`; infra/ dashboards and alerts use these names. */
export class FleetMetrics {
  readonly registry = new Registry();
  readonly tasks = this.registry.add(new Counter('trawl_fleet_tasks_total', 'Tasks finished on this node, by outcome and error code ("none" on success).'));
  readonly taskDuration = this.registry.add(new Histogram('trawl_fleet_task_duration_seconds', 'Time from accepting a task to posting its result.', SECONDS));
  readonly slotWait = this.registry.add(new Histogram('trawl_fleet_slot_wait_seconds', 'Time a task waited between acceptance and its browser work.', WAIT_SECONDS));
  readonly artifactBytes = this.registry.add(new Counter('trawl_fleet_artifact_bytes_total', 'Bytes of artifacts uploaded to the edge, by kind.'));

  constructor(live: LiveFigures) {
    const r = this.registry;
    r.add(new Gauge('trawl_fleet_tasks_in_flight', 'Tasks running now.', live.inFlight));
    r.add(new Gauge('trawl_fleet_slots', 'Task slots this node offers.', live.slots));
    // The autoscaler's signal (infra/k8s/hpa.yaml): one ratio per pod, averaged over the fleet.
    r.add(new Gauge('trawl_fleet_busy_slots_ratio', 'Share of this node\'s task slots in use (0 to 1).', () => live.slots() > 0 ? live.inFlight() / live.slots() : 0));
    r.add(new Gauge('trawl_fleet_browsers_open', 'Browsers connected in the pool.', live.browsers));
    r.add(new Gauge('trawl_fleet_contexts_open', 'Browser contexts open (one per running task).', live.contexts));
    r.add(new Gauge('trawl_fleet_memory_bytes', 'Memory of the node process, by type.', () => {
      const m = process.memoryUsage();
      return [{ labels: { type: 'rss' }, value: m.rss }, { labels: { type: 'heap_used' }, value: m.heapUsed }, { labels: { type: 'external' }, value: m.external }];
    }));
  }

  /** `seconds` is null for a task dropped before it ran (a stale delivery): counted, but it has no duration. */
  taskFinished(outcome: 'succeeded' | 'failed' | 'dropped', code: string | undefined, seconds: number | null): void {
    this.tasks.inc({ outcome, code: code ?? 'none' });
    if (seconds !== null) this.taskDuration.observe(seconds, { outcome });
  }

  render(): string {
    return this.registry.render();
  }
}
