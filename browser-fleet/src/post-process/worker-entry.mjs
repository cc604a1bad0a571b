// Worker entry (plain JavaScript, so it runs before any TypeScript loads): the lowest priority first, then the
// worker. On Linux each thread has its own nice value and setpriority(0) sets the calling thread's, so the node's
// main thread (HTTP, heartbeats, leases) and the browsers get the CPU first while a pattern keeps this one busy.
import { setPriority } from 'node:os';

try {
  setPriority(19);
} catch {
  // not allowed here: isolation and the budget still hold, only the priority is the default
}
await import('./worker.ts');
