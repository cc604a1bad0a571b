/** The internal routes between the edge and the fleet, named once. */
export const fleetPaths = {
  /** On a node: accept a task. */
  tasks: '/v1/tasks',
  /** On a node: take what fits of several offered tasks (ADR 0064); answers which it took. */
  taskBatch: '/v1/tasks/batch',
  /** On a node: run one task synchronously and answer with items, fill rates, warnings and a screenshot. */
  preview: '/v1/preview',
  /** On a node: open a browser session (POST, signed); its CDP WebSocket is sessionCdp(id), opened once with its secret. */
  sessions: '/v1/sessions',
  sessionCdp: (id: string) => `/v1/sessions/${id}/cdp`,
  /** On a node: the live view of a task in flight (WebSocket, GET signed with an empty body; ADR 0044). */
  taskScreencast: (taskId: string, runId: string, orgId: string) =>
    `/v1/tasks/${taskId}/screencast?run=${encodeURIComponent(runId)}&org=${encodeURIComponent(orgId)}`,
  /** A `view` session's socket (the JSON view protocol, ADR 0043), opened once with its secret. */
  sessionView: (id: string) => `/v1/sessions/${id}/view`,
  health: '/health',
  metrics: '/metrics',
} as const;

export const edgeInternalPaths = {
  heartbeat: '/internal/fleet/heartbeat',
  taskStart: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/start`,
  taskHeartbeat: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/heartbeat`,
  taskEvents: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/events`,
  taskResult: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/result`,
  /** Several results of one run in one request (ResultBatch, ADR 0061). */
  runResults: (runId: string) => `/internal/runs/${runId}/results`,
  taskRelease: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/release`,
  taskLogin: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/login`,
  taskLoginState: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/login/state`,
  taskSession: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/session`,
  taskProxies: (runId: string, taskId: string) => `/internal/runs/${runId}/tasks/${taskId}/proxies`,
  /** PUT, raw bytes; the lease token travels in LEASE_HEADER. */
  taskArtifact: (runId: string, taskId: string, attempt: number, name: string) => `/internal/runs/${runId}/tasks/${taskId}/artifacts/${attempt}/${name}`,
} as const;

export const LEASE_HEADER = 'x-trawl-lease';
