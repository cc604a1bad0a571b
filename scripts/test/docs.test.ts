import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../docs/generate.ts';
import { fixtureJobs } from '../../fixtures/src/jobs.ts';
import { JobSpec } from '../../schemas/src/job-spec.ts';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

describe('generated docs', () => {
  for (const [file, make] of Object.entries(GENERATED)) {
    it(`docs/${file} is what the generator makes of the current schemas and fixtures`, () => {
      // On failure: node --import tsx scripts/docs/generate.ts
      expect(readFileSync(join(DOCS, file), 'utf8')).toBe(make());
    });
  }

  it('every cookbook recipe is a valid job whose spec is the fixture job the end-to-end tests run', () => {
    const text = readFileSync(join(DOCS, 'cookbook.md'), 'utf8');
    const jobs = [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as { name: string; spec: unknown });
    expect(jobs.length).toBe(17);
    const fixture = Object.values(fixtureJobs('http://127.0.0.1:8789', 'cookbook')).map((j) => JSON.stringify(j.spec));
    for (const job of jobs) {
      expect(JobSpec.safeParse(job.spec).success, job.name).toBe(true);
      expect(fixture, job.name).toContain(JSON.stringify(job.spec));
    }
  });
});
