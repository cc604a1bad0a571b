/** Stops what the benchmark started when it is interrupted (its children run in their own process groups). */
const stoppers = new Set<() => Promise<void> | void>();

export function onInterrupt(stop: () => Promise<void> | void): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

let installed = false;
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: stopping the fixture, the edge, fleet nodes and browsers\n`);
      const all = [...stoppers].map((s) => Promise.resolve().then(s).catch(() => undefined));
      const timer = setTimeout(() => process.exit(130), 15_000);
      void Promise.all(all).then(() => { clearTimeout(timer); process.exit(130); });
    });
  }
}
