/** The edge logs with the shared logger (schemas/src/log.ts): JSON lines to workerd's console, joined by request and run ids. */
export { createLogger, type LogFields, type Logger } from '@trawl/schemas/log';
