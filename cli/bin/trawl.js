#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx (in the workspace); a published build points here at dist/.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
