/** Turns openapi-fetch's `{data, error, response}` into a value or a thrown TrawlError. */
import { errorFromAnswer, networkError } from './errors.ts';

interface Answer<T> { data?: T; error?: unknown; response: Response }

export async function unwrap<T>(pending: Promise<Answer<T>>): Promise<NonNullable<T>> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch (e) {
    throw networkError(e);
  }
  if (answer.error !== undefined || !answer.response.ok) throw errorFromAnswer(answer.response.status, answer.error);
  return answer.data as NonNullable<T>;
}

/** Follows `nextCursor` through every page of a list route. */
export async function* everyPage<T>(page: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const got = await page(cursor);
    yield* got.data;
    cursor = got.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * A request body typed by the requests view (defaults optional) handed to openapi-fetch, whose types come from the
 * answers view (defaults present): the same document, so the shapes agree except for fields the API fills in.
 */
export const asBody = <T>(body: T): never => body as never;
