/**
 * Names for the API's request and answer shapes, read off the generated OpenAPI types (client/src/schema.ts),
 * so the SDK's signatures change when the API does and a mismatch is a compile error.
 */
import type { inputPaths, paths } from '@trawl/client';

type Json<C> = C extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body a route takes, as written (fields with defaults may be left out). */
export type BodyOf<P extends keyof inputPaths, M extends keyof inputPaths[P]> = inputPaths[P][M] extends { requestBody?: infer R } ? Json<NonNullable<R>> : never;
/** The JSON answer of a route's success status. */
export type AnswerOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  paths[P][M] extends { responses: infer R } ? (S extends keyof R ? Json<R[S]> : never) : never;
/** The query a route takes. */
export type QueryOf<P extends keyof inputPaths, M extends keyof inputPaths[P]> = inputPaths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type JobInput = BodyOf<'/v1/jobs', 'post'>;
export type JobSpec = JobInput['spec'];
/** A job spec as the API answers it: every default filled in. */
export type SavedJobSpec = Job['spec'];
export type JobPatch = BodyOf<'/v1/jobs/{id}', 'patch'>;
export type Job = AnswerOf<'/v1/jobs', 'post', 201>;
export type JobList = AnswerOf<'/v1/jobs', 'get'>;
export type JobQuery = QueryOf<'/v1/jobs', 'get'>;
export type Validation = AnswerOf<'/v1/jobs/validate', 'post'>;
export type PreviewInput = BodyOf<'/v1/preview', 'post'>;
export type Preview = AnswerOf<'/v1/preview', 'post'>;

export type Run = AnswerOf<'/v1/runs/{id}', 'get'>;
export type RunList = AnswerOf<'/v1/runs', 'get'>;
export type RunQuery = QueryOf<'/v1/runs', 'get'>;
export type ArtifactList = AnswerOf<'/v1/runs/{id}/artifacts', 'get'>;

export type KeyInput = BodyOf<'/v1/keys', 'post'>;
export type KeyWithSecret = AnswerOf<'/v1/keys', 'post', 201>;
export type KeyList = AnswerOf<'/v1/keys', 'get'>;
export type Key = AnswerOf<'/v1/keys/{id}', 'delete'>;
export type LoginInput = BodyOf<'/v1/logins', 'post'>;
export type Login = AnswerOf<'/v1/logins', 'post', 201>;
export type LoginList = AnswerOf<'/v1/logins', 'get'>;
export type Policy = AnswerOf<'/v1/policy', 'get'>;
export type PolicyInput = BodyOf<'/v1/policy', 'put'>;
export type PolicyLimits = BodyOf<'/v1/policy/limits', 'put'>;
export type PolicyDryRunInput = BodyOf<'/v1/policy/dry-run', 'post'>;
export type PolicyDryRun = AnswerOf<'/v1/policy/dry-run', 'post'>;

export type ResultFormat = 'jsonl' | 'json' | 'csv';
/** A collected record: the job's fields by name. */
export type ResultRecord = Record<string, unknown>;
