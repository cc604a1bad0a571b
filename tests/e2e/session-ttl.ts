/**
 * How long a session lasts on the test edge (SESSION_TTL_MS): short, so auth.test.ts sees a rotation and an expiry
 * in seconds, yet longer than an app request on a loaded machine (a preview can take 10 s and more). With 6 s, a
 * session rotated at a long preview's start had expired by its answer, and the app's next call went to sign-in.
 */
export const TEST_SESSION_TTL_MS = 24_000;
