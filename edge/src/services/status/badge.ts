import type { JobStatus } from './job-status.ts';

/**
 * The status badge as SVG (ADR 0047): "<job name> | <status>", and "stale" when the data misses its freshness
 * target. Text is escaped and measured roughly (Verdana 11px averages ~6.5px a glyph); the result is the same
 * bytes for the same status, so its ETag holds until something changes.
 */
const COLORS: Record<string, string> = {
  succeeded: '#1f7a4d', partial: '#9a6700', failed: '#b42318', cancelled: '#56627a', running: '#2454b3', queued: '#56627a', 'never run': '#56627a', stale: '#b42318',
};

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const widthOf = (s: string) => Math.round(s.length * 6.5) + 12;

export function badgeValue(status: JobStatus): string {
  const run = status.lastRun ? status.lastRun.status : 'never run';
  return status.freshness && !status.freshness.fresh ? `${run}, stale` : run;
}

export function renderBadge(status: JobStatus): string {
  const label = status.name.length > 40 ? `${status.name.slice(0, 39)}…` : status.name;
  const value = badgeValue(status);
  const color = COLORS[status.freshness && !status.freshness.fresh ? 'stale' : status.lastRun?.status ?? 'never run'] ?? '#56627a';
  const lw = widthOf(label);
  const vw = widthOf(value);
  const title = escapeXml(`${label}: ${value}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + vw}" height="20" role="img" aria-label="${title}">`
    + `<title>${title}</title>`
    + `<rect width="${lw}" height="20" fill="#3b4252"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/>`
    + '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
    + `<text x="${lw / 2}" y="14">${escapeXml(label)}</text><text x="${lw + vw / 2}" y="14">${escapeXml(value)}</text></g></svg>`;
}
