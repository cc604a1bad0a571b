/**
 * A table read by its header (ADR 0040): rowspan and colspan are expanded into a grid first, so a cell spanning
 * rows or columns counts in each of them, and a column is named by its header cells from top to bottom ("Price
 * USD" under a "Price" cell spanning two columns). Self-contained: it runs in the page through inPageSource.
 */
export interface TableRowsArgs {
  /** A CSS selector for the table (the first match is read). */
  table: string;
  /** Output field -> header text, compared case- and whitespace-insensitively. */
  columns: Record<string, string>;
}

export interface TableRows {
  /** Whether the selector matched a table. */
  found: boolean;
  rows: Array<Record<string, string | null>>;
  /** Header texts of `columns` no column carries (reported, never guessed by position). */
  missing: string[];
}

export function tableRowsInPage(args: TableRowsArgs): TableRows {
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const el = document.querySelector(args.table);
  const table = el instanceof HTMLTableElement ? el : el?.querySelector('table') ?? null;
  if (!table) return { found: false, rows: [], missing: Object.values(args.columns) };
  type Cell = { text: string; head: boolean };
  const grid: Cell[][] = [];
  const trs = [...table.rows];
  trs.forEach((tr, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of tr.cells) {
      while (grid[r]![c]) c++;
      const head = cell.tagName === 'TH' || tr.parentElement?.tagName === 'THEAD';
      const text = (cell as HTMLElement).innerText.replace(/\s+/g, ' ').trim();
      for (let i = 0; i < Math.max(1, cell.rowSpan); i++) {
        for (let j = 0; j < Math.max(1, cell.colSpan); j++) (grid[r + i] ??= [])[c + j] = { text, head };
      }
      c += Math.max(1, cell.colSpan);
    }
  });
  // Header rows: the leading rows in which every cell is a header cell.
  let headRows = 0;
  while (headRows < grid.length && (grid[headRows] ?? []).length > 0 && grid[headRows]!.every((x) => x?.head)) headRows++;
  const width = Math.max(0, ...grid.map((g) => g.length));
  const names: string[] = [];
  for (let c = 0; c < width; c++) {
    const parts: string[] = [];
    for (let r = 0; r < headRows; r++) {
      const cell = grid[r]?.[c];
      if (cell && cell.text && parts.at(-1) !== cell.text) parts.push(cell.text);
    }
    names.push(norm(parts.join(' ')));
  }
  const index = Object.entries(args.columns).map(([field, header]) => [field, names.indexOf(norm(header))] as const);
  const missing = index.filter(([, i]) => i < 0).map(([f]) => args.columns[f]!);
  const rows = grid.slice(headRows).filter((g) => g.some((x) => x?.text))
    .map((g) => Object.fromEntries(index.map(([f, i]) => [f, i < 0 ? null : g[i]?.text || null])));
  return { found: true, rows, missing };
}
