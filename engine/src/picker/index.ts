export * from './types.ts';
export * from './score.ts';
export * from './stability.ts';
export { pickerSource } from './in-page-pick.ts';
export * from './detail-test.ts';
export * from './control-test.ts';
