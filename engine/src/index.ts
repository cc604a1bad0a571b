export * from './collect.ts';
export * from './process.ts';
export * from './extract.ts';
export * from './keys.ts';
export * from './in-page.ts';
export * from './report.ts';
export * from './unparsed.ts';
export * from './labels.ts';
