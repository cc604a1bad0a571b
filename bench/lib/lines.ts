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

/** The JSON object in a log line (wrangler prefixes warnings and errors and wraps them in ANSI colours), or null. */
export function jsonOf(text: string): Record<string, unknown> | null {
  // oxlint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  const i = plain.indexOf('{');
  const j = plain.lastIndexOf('}');
  if (i < 0 || j < i) return null;
  try {
    const v: unknown = JSON.parse(plain.slice(i, j + 1));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
