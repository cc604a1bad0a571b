import { z } from 'zod';

export const ItemData = z.record(z.string(), z.unknown());
export type ItemData = z.infer<typeof ItemData>;

/** One collected record as stored by the coordinator. */
export const Item = z.object({
  key: z.string(),
  data: ItemData,
  url: z.string(),
  taskId: z.string(),
});
export type Item = z.infer<typeof Item>;
