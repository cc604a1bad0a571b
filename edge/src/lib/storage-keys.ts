/** R2 object keys, named in one place. */
export const resultsKey = (runId: string) => `results/${runId}.jsonl`;
export const logsKey = (runId: string) => `logs/${runId}.jsonl`;
