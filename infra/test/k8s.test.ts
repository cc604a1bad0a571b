import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FleetMetrics } from '../../browser-fleet/src/metrics/fleet-metrics.ts';

/**
 * No cluster runs here, so the fleet's manifests are checked against the Kubernetes schemas by kubernetes-models
 * (typed models generated from the Kubernetes OpenAPI document, each with a JSON-schema validate()), and against
 * what the fleet really does: its port, its drain time, its metric, its user.
 */
const DIR = join(import.meta.dirname, '..', 'k8s');
interface Manifest { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown }
interface Model { validate(): void }

const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => d.toJSON() as Manifest));
/** The parts of each manifest the checks read (the schema check covers the rest). */
type Labels = Record<string, string>;
interface Container { env: Array<{ name: string; value?: string }>; ports: Array<{ containerPort: number }>;
  securityContext: { allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } } }
interface Shapes {
  Deployment: { metadata: { name: string }; spec: { template: { metadata: { labels: Labels }; spec: { securityContext: { runAsNonRoot: boolean; runAsUser: number };
    terminationGracePeriodSeconds: number; automountServiceAccountToken: boolean; containers: Container[] } } } };
  PodDisruptionBudget: { spec: { selector: { matchLabels: Labels } } };
  NetworkPolicy: { spec: { podSelector: { matchLabels: Labels } } };
  Service: { spec: { selector: Labels } };
  HorizontalPodAutoscaler: { spec: { scaleTargetRef: unknown; metrics: Array<{ pods: { metric: { name: string } } }> } };
}
const byKind = <K extends keyof Shapes>(kind: K): Shapes[K] => {
  const found = manifests.find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind} in infra/k8s`);
  return found as unknown as Shapes[K];
};

/** kubernetes-models lays its classes out as <group>/<version>/<Kind> ("v1/<Kind>" for the core group). */
async function modelOf(m: Manifest): Promise<new (data: unknown) => Model> {
  const mod = await import(`kubernetes-models/${m.apiVersion}/${m.kind}`) as Record<string, new (data: unknown) => Model>;
  const ctor = mod[m.kind];
  if (!ctor) throw new Error(`no model for ${m.apiVersion} ${m.kind}`);
  return ctor;
}

describe('fleet manifests (infra/k8s)', () => {
  it('lists every manifest in the directory in its kustomization', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    expect([...kustomization.resources].sort()).toEqual(files);
  });

  it('each manifest validates against its Kubernetes schema', async () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'NetworkPolicy',
      'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const m of manifests) {
      const Ctor = await modelOf(m);
      expect(() => new Ctor(m).validate(), `${m.kind} ${m.metadata.name}`).not.toThrow();
    }
  });

  it('the schema check catches a malformed manifest (it can fail)', async () => {
    const bad = structuredClone(byKind('Deployment')) as unknown as Manifest & { spec: { replicas: unknown } };
    bad.spec.replicas = 'two';
    const Ctor = await modelOf(bad);
    expect(() => new Ctor(bad).validate()).toThrow();
  });

  it('runs the fleet as a non-root user, sandboxed, drained before it is killed', () => {
    const d = byKind('Deployment');
    const pod = d.spec.template.spec;
    const c = pod.containers[0]!;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBe(10001);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    expect(env.FLEET_CHROMIUM_NO_SANDBOX).toBeUndefined();
    // The grace period outlasts the drain (FLEET_DRAIN_MS) with room for the hand-back and Chromium's exit.
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(Number(env.FLEET_DRAIN_MS) + 15_000);
    expect(c.ports[0]!.containerPort).toBe(8790);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('the disruption budget, the autoscaler and the service select the Deployment\'s pods', () => {
    const d = byKind('Deployment');
    const labels = d.spec.template.metadata.labels;
    const selectors = { PodDisruptionBudget: byKind('PodDisruptionBudget').spec.selector.matchLabels,
      NetworkPolicy: byKind('NetworkPolicy').spec.podSelector.matchLabels, Service: byKind('Service').spec.selector };
    for (const [kind, sel] of Object.entries(selectors)) for (const [k, v] of Object.entries(sel)) expect(labels[k], `${kind} selects ${k}`).toBe(v);
    expect(byKind('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name });
  });

  it('the autoscaler\'s metric is one the fleet exports, with the value the HPA expects', () => {
    const metric = byKind('HorizontalPodAutoscaler').spec.metrics[0]!.pods.metric.name;
    const text = new FleetMetrics({ inFlight: () => 3, slots: () => 4, browsers: () => 1, contexts: () => 3 }).render();
    expect(text).toContain(`\n${metric} 0.75\n`);
  });
});
