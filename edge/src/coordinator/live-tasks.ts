/** A task in flight that can be watched live (issue #13 §2, ADR 0044): where it runs, for the edge only. */
export interface LiveTask {
  taskId: string;
  url: string;
  attempt: number;
  /** The node that announced the current attempt's start (never shown to users). */
  nodeId: string;
  startedAt: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS task_nodes (
  task_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, lease_token TEXT NOT NULL, started_at INTEGER NOT NULL)`;

/**
 * Which node runs each task's current attempt, in the run coordinator's SQLite beside its tasks. A row is current
 * only while its lease token is the task's and the task is running, so a re-dispatched task never points at the
 * node that lost it.
 */
export class LiveTaskStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  started(taskId: string, nodeId: string, leaseToken: string, now: number): void {
    this.sql.exec('INSERT OR REPLACE INTO task_nodes (task_id, node_id, lease_token, started_at) VALUES (?, ?, ?, ?)', taskId, nodeId, leaseToken, now);
  }

  /** The node that announced this lease's start, if any. */
  nodeOf(taskId: string, leaseToken: string): string | undefined {
    return this.sql.exec<{ node_id: string }>('SELECT node_id FROM task_nodes WHERE task_id = ? AND lease_token = ?', taskId, leaseToken).toArray()[0]?.node_id;
  }

  running(): LiveTask[] {
    return this.sql.exec<{ task_id: string; url: string; attempt: number; node_id: string; started_at: number }>(
      `SELECT t.task_id, t.url, t.attempt, n.node_id, n.started_at FROM tasks t JOIN task_nodes n ON n.task_id = t.task_id AND n.lease_token = t.lease_token
       WHERE t.status = 'running' ORDER BY t.seq`,
    ).toArray().map((r) => ({ taskId: r.task_id, url: r.url, attempt: r.attempt, nodeId: r.node_id, startedAt: r.started_at }));
  }
}
