import { z } from 'zod';

/**
 * The JSON "view" protocol of an interactive browser session for people in the app (ADR 0043), instead of raw CDP:
 * the node screencasts the session's page and turns these few messages into input, so the app never holds a CDP
 * handle to the browser. The edge relays the messages as they are.
 */
const Coord = z.number().finite().min(-10_000).max(100_000);
export const VIEW_MODIFIERS = { alt: 1, ctrl: 2, meta: 4, shift: 8 } as const;

export const ViewClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mouse'), action: z.enum(['move', 'down', 'up', 'click']), x: Coord, y: Coord,
    button: z.enum(['left', 'middle', 'right']).default('left'), modifiers: z.number().int().min(0).max(15).default(0) }).strict(),
  z.object({ type: z.literal('wheel'), x: Coord, y: Coord, dx: z.number().finite().min(-10_000).max(10_000), dy: z.number().finite().min(-10_000).max(10_000) }).strict(),
  /** `press` a named key ("Enter", "Backspace", "ArrowDown"), or `type` text as a person would. */
  z.object({ type: z.literal('key'), action: z.enum(['press', 'down', 'up']), key: z.string().min(1).max(40) }).strict(),
  z.object({ type: z.literal('text'), text: z.string().min(1).max(2000) }).strict(),
  z.object({ type: z.literal('navigate'), url: z.string().min(1).max(4000) }).strict(),
  z.object({ type: z.literal('back') }).strict(),
  /** Picker (ADR 0043): outline what is under the point; `pick` answers with `picked` for the request `id`. */
  /** `scope: 'page'` on a detail page: a field is read from the whole page (its one item), not a repeating item (ADR 0053). */
  z.object({ type: z.literal('hover'), x: Coord, y: Coord, scope: z.enum(['items', 'page']).default('items') }).strict(),
  z.object({ type: z.literal('pick'), id: z.number().int().min(0), x: Coord, y: Coord, kind: z.enum(['field', 'next', 'more', 'detail', 'tab']),
    /** Other pages (start URLs, next pages) the field's selectors are scored on besides this one. */
    samples: z.array(z.url({ protocol: /^https?$/ })).max(5).default([]), scope: z.enum(['items', 'page']).default('items') }).strict(),
  /** Runs a picker test on the page as it is (the draft's selectors), answered by `tested` with the same `id`. */
  z.object({ type: z.literal('test'), id: z.number().int().min(0), spec: z.record(z.string(), z.unknown()) }).strict(),
  /** Login hand-off (ADR 0044): the person is signed in; the node hands the session's state to the edge, never to the viewer. */
  z.object({ type: z.literal('save') }).strict(),
]);
export type ViewClientMessage = z.infer<typeof ViewClientMessage>;
export type ViewClientInput = z.input<typeof ViewClientMessage>;

export interface ViewRect { x: number; y: number; width: number; height: number }

/** What the node sends the viewer. Frames are JPEG (base64) of the viewport, with its size and scroll offset in CSS pixels. */
export type ViewServerMessage =
  | { type: 'frame'; data: string; width: number; height: number; scrollX: number; scrollY: number }
  | { type: 'navigated'; url: string; title: string }
  | { type: 'highlight'; rects: ViewRect[]; item: ViewRect[] }
  | { type: 'picked'; id: number; result: unknown }
  | { type: 'tested'; id: number; result: unknown }
  | { type: 'error'; message: string; id?: number }
  /** Edge only: the BrowserSession object seals it into the stored login and never relays it (ADR 0044). */
  | { type: 'state'; storageState: { cookies: unknown[]; origins: unknown[] } }
  /** From the edge after a hand-off's state was sealed into the login. */
  | { type: 'saved'; loginId: string };

/** The viewport of a view session's page (CSS pixels); frames come at this size. */
export const VIEW_VIEWPORT = { width: 1280, height: 800 } as const;
