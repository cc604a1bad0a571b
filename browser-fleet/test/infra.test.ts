import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FleetMetrics } from '../src/metrics/fleet-metrics.ts';

const INFRA = join(import.meta.dirname, '..', '..', 'infra');
const read = (f: string) => readFileSync(join(INFRA, f), 'utf8');

/** Every metric infra/ refers to must be one the fleet exports (a renamed metric would silently empty a panel). */
function exported(): Set<string> {
  const m = new FleetMetrics({ inFlight: () => 0, slots: () => 1, browsers: () => 1, contexts: () => 0 });
  m.taskFinished('failed', 'HTTP_5XX', 1);
  m.slotWait.observe(0.1);
  m.artifactBytes.inc({ kind: 'trace' }, 10);
  const names = new Set<string>();
  for (const line of m.render().split('\n')) {
    const name = /^([a-z_:]+)[{ ]/.exec(line)?.[1];
    if (name) names.add(name);
  }
  return names;
}
const referenced = (text: string) => new Set(text.match(/trawl_fleet_[a-z_]+/g) ?? []);

describe('infra/', () => {
  it('prometheus.yml and alerts.yml are valid YAML with the expected shape', () => {
    const prom = parse(read('prometheus.yml')) as { scrape_configs: Array<{ job_name: string; metrics_path: string }>; rule_files: string[] };
    expect(prom.scrape_configs[0]).toMatchObject({ job_name: 'trawl-fleet', metrics_path: '/metrics' });
    expect(prom.rule_files).toContain('alerts.yml');
    const alerts = parse(read('alerts.yml')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const names = alerts.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(names).toEqual(expect.arrayContaining(['TrawlTaskFailureRateHigh', 'TrawlTaskDurationP95High', 'TrawlQueueBacklog', 'TrawlPoolSaturated']));
  });

  it('the Grafana dashboard is valid JSON and every metric it and the alerts use is exported by the fleet', () => {
    const dash = JSON.parse(read('grafana-dashboard.json')) as { panels: Array<{ title: string }> };
    expect(dash.panels.length).toBeGreaterThan(5);
    const have = exported();
    for (const name of [...referenced(read('grafana-dashboard.json')), ...referenced(read('alerts.yml'))]) {
      const family = name.replace(/_(bucket|sum|count)$/, '');
      expect(have.has(name) || have.has(family), name).toBe(true);
    }
  });
});
