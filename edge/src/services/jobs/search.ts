import { eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { jobs, runs } from '@trawl/db';
import { RUN_STATUSES } from '@trawl/schemas';
import { z } from 'zod';

/** GET /v1/jobs search: text in the name, the id or a start URL; the status of the job's last run (`never`: no run yet). */
export const JobSearch = z.object({
  q: z.string().trim().max(200).optional(),
  status: z.enum([...RUN_STATUSES, 'never']).optional(),
});
export type JobSearch = z.infer<typeof JobSearch>;

/** `%` and `_` typed by a person are matched as themselves. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The job's last run's status, by id (ids are time-sortable, so the greatest is the newest). */
const lastRunStatus = sql<string | null>`(select ${runs.status} from ${runs} where ${runs.jobId} = ${jobs.id} order by ${runs.id} desc limit 1)`;

/** Conditions added to the list query's where; none when the search is empty. */
export function jobSearchFilters(s: JobSearch): SQL[] {
  const out: SQL[] = [];
  if (s.q) {
    const like = likePattern(s.q);
    out.push(or(
      sql`lower(${jobs.name}) like ${like} escape '\\'`,
      sql`exists (select 1 from json_each(${jobs.spec}, '$.startUrls') where lower(json_each.value) like ${like} escape '\\')`,
      eq(jobs.id, s.q),
    )!);
  }
  if (s.status === 'never') out.push(isNull(lastRunStatus));
  else if (s.status) out.push(eq(lastRunStatus, s.status));
  return out;
}
