import { register } from 'node:module';
register('./workers-stub.mjs', import.meta.url);
