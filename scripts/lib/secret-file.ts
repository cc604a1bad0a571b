import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file only its owner may read. Secrets on this machine live in such files, never in a command line
 * (which any local user can read in /proc): the fleet's browsers run as another, unprivileged user (ADR 0023).
 */
export function writeSecretFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
  // The mode above applies only when the file is created.
  chmodSync(path, 0o600);
}
