import type { Page } from 'playwright-core';
import type { ViewClientMessage, ViewServerMessage } from '@trawl/schemas';

type PickerMessage = Extract<ViewClientMessage, { type: 'hover' | 'pick' | 'test' }>;

/** The element under a point and its box, in viewport CSS pixels (what the viewer's frame shows). */
function boxAt(p: { x: number; y: number }): { x: number; y: number; width: number; height: number }[] {
  const el = document.elementFromPoint(p.x, p.y);
  if (!el) return [];
  const r = el.getBoundingClientRect();
  return [{ x: r.x, y: r.y, width: r.width, height: r.height }];
}

/** The picker's commands on the session's page (ADR 0043). */
export async function pickerCommand(page: Page, m: PickerMessage, send: (m: ViewServerMessage) => void): Promise<void> {
  if (m.type === 'hover') return send({ type: 'highlight', rects: await page.evaluate(boxAt, { x: m.x, y: m.y }), item: [] });
  send({ type: 'error', id: m.id, message: 'not yet' });
}
