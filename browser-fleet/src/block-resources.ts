import type { CDPSession, Page } from 'playwright-core';
import type { TaskSpec } from '@trawl/schemas';

export type BlockedType = TaskSpec['browser']['blockResources'][number];
export type BlockStrategy = 'fetch' | 'urls' | 'route';

const CDP_TYPE = { image: 'Image', font: 'Font', media: 'Media', stylesheet: 'Stylesheet' } as const;

/** File extensions per type, for the URL-pattern strategy (misses extension-less URLs). */
const EXTENSIONS: Record<BlockedType, string[]> = {
  image: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp'],
  font: ['woff', 'woff2', 'ttf', 'otf', 'eot'],
  media: ['mp4', 'webm', 'ogg', 'mp3', 'wav', 'm4a', 'mov'],
  stylesheet: ['css'],
};

/**
 * Keeps the page from fetching the given resource types. The default, 'urls', hands Chromium a
 * list of URL patterns (Network.setBlockedURLs) that it applies in the network stack with no
 * round trip to Node. Measured on a 20-image listing (bench/task-timing.ts, interleaved rounds,
 * shared 2-core machine under load, two runs): navigate p50 128/87 ms with 'urls', 199/147 ms
 * with 'route', 222/140 ms with 'fetch' (CDP Fetch pausing by resourceType), 183/192 ms with no
 * blocking; task p50 636/425 ms with 'urls', the lowest of all. Its blind spot: images served from URLs without
 * a file extension still load; 'fetch' catches those and stays selectable.
 */
export async function blockResources(page: Page, types: readonly BlockedType[], strategy: BlockStrategy = 'urls'): Promise<void> {
  if (types.length === 0) return;
  if (strategy === 'route') {
    const blocked = new Set<string>(types);
    await page.route('**/*', (route) => (blocked.has(route.request().resourceType())
      ? route.abort('blockedbyclient')
      : route.continue()));
    return;
  }
  const session = await page.context().newCDPSession(page);
  if (strategy === 'urls') {
    await session.send('Network.enable');
    const urls = types.flatMap((t) => EXTENSIONS[t].flatMap((ext) => [`*.${ext}`, `*.${ext}?*`]));
    await session.send('Network.setBlockedURLs', { urls });
    return;
  }
  await failPausedRequests(session, types);
}

async function failPausedRequests(session: CDPSession, types: readonly BlockedType[]): Promise<void> {
  session.on('Fetch.requestPaused', (e) => {
    // Only blocked types are paused, so every paused request is failed; a closing page may reject.
    session.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'BlockedByClient' }).catch(() => undefined);
  });
  await session.send('Fetch.enable', {
    patterns: types.map((t) => ({ resourceType: CDP_TYPE[t], requestStage: 'Request' as const })),
  });
}
