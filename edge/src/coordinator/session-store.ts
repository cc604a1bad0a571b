/**
 * Kept sessions (ADR 0041) in the coordinator's SQLite: for each next page of a nextLink chain, the page it was
 * found on (the last good page, where a retry restarts) and the storage state that page left, sealed with the
 * credentials key (secret-box.ts) so no session sits in the clear at rest. Only the signed, leased session call
 * opens it (services/sessions/task-session.ts).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS task_sessions (task_id TEXT PRIMARY KEY, from_task TEXT NOT NULL, from_url TEXT NOT NULL, state_enc TEXT);
`;

export interface KeptSession {
  fromTask: string;
  fromUrl: string;
  stateEnc: string | null;
}

/** Binds a sealed session to its organization, run and the page that left it: copied elsewhere, it does not open. */
export const sessionAad = (orgId: string, runId: string, fromTask: string): string => `${orgId}/${runId}/${fromTask}/session`;

export class SessionStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** The next pages found on `fromTask` start with the state it left (null: none could be kept). */
  link(taskIds: readonly string[], fromTask: string, fromUrl: string, stateEnc: string | null): void {
    for (const id of taskIds) {
      this.sql.exec('INSERT OR IGNORE INTO task_sessions (task_id, from_task, from_url, state_enc) VALUES (?, ?, ?, ?)', id, fromTask, fromUrl, stateEnc);
    }
  }

  get(taskId: string): KeptSession | null {
    const row = this.sql.exec<{ from_task: string; from_url: string; state_enc: string | null }>(
      'SELECT from_task, from_url, state_enc FROM task_sessions WHERE task_id = ?', taskId).toArray()[0];
    return row ? { fromTask: row.from_task, fromUrl: row.from_url, stateEnc: row.state_enc } : null;
  }
}
