export * from './organizations.ts';
export * from './api-keys.ts';
export * from './jobs.ts';
export * from './fleet.ts';
export * from './policy.ts';
export * from './observability.ts';
export * from './auth.ts';
export * from './logins.ts';
