/** Tables for the terminal (cli-table3), with long cells cut so a row stays on one line. */
import Table from 'cli-table3';

const cell = (v: unknown, max: number): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

export function table(head: string[], rows: unknown[][], maxCell = 40): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map((v) => cell(v, maxCell)));
  return t.toString();
}

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '');
