/** The usage report's figures and their estimated cost at the operator's unit prices (pure, unit-tested). */
export interface UsageFigures { runs: number; pages: number; browserSeconds: number; bytesStored: number }
export interface Prices { perRun: number; perPage: number; perBrowserHour: number; perGbMonth: number; currency: string }

const GB = 1e9;

export const emptyFigures = (): UsageFigures => ({ runs: 0, pages: 0, browserSeconds: 0, bytesStored: 0 });

export function addFigures(a: UsageFigures, b: Partial<UsageFigures>): UsageFigures {
  return { runs: a.runs + (b.runs ?? 0), pages: a.pages + (b.pages ?? 0), browserSeconds: a.browserSeconds + (b.browserSeconds ?? 0), bytesStored: a.bytesStored + (b.bytesStored ?? 0) };
}

/**
 * Cost per line and in all, rounded to 1/10 000 of the currency. Storage is priced per GB-month as stored now (one
 * month's worth): the report says what the window's data costs to keep, not what it cost in the past.
 */
export function estimateCost(f: UsageFigures, p: Prices) {
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const lines = {
    runs: round(f.runs * p.perRun),
    pages: round(f.pages * p.perPage),
    browser: round((f.browserSeconds / 3600) * p.perBrowserHour),
    storage: round((f.bytesStored / GB) * p.perGbMonth),
  };
  return { currency: p.currency, ...lines, total: round(lines.runs + lines.pages + lines.browser + lines.storage) };
}
