/** Keeps every output line of a child process (Proc.output() keeps only a 200 kB tail), stamped on arrival. */
import type { ChildProcess } from 'node:child_process';

export interface Line { t: number; text: string }

export function captureLines(child: ChildProcess): { lines: Line[]; since(i: number): Line[] } {
  const lines: Line[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      const t = Date.now();
      for (const text of parts) if (text.trim()) lines.push({ t, text });
    });
  }
  return { lines, since: (i) => lines.slice(i) };
}

/** The JSON object in a log line (wrangler may prefix worker output), or null. */
export function jsonOf(text: string): Record<string, unknown> | null {
  const i = text.indexOf('{');
  if (i < 0) return null;
  try {
    const v: unknown = JSON.parse(text.slice(i));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
