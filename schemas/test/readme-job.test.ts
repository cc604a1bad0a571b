import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobInput } from '@trawl/schemas';

describe('the README', () => {
  it('shows a complete job that the API accepts as it is', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const block = /## A complete job\n```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBeTruthy();
    const parsed = JobInput.safeParse(JSON.parse(block!));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.spec.detail?.urlField).toBe('url');
  });
});
