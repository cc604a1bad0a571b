/**
 * Where the CLI keeps its API key: `$TRAWL_CONFIG_DIR/config.json` (default `~/.config/trawl/`), file mode 600 in
 * a 700 directory, since the key is a secret. TRAWL_API_KEY and TRAWL_API_URL override the file (CI, scripts).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './output.ts';

export interface CliConfig { apiKey: string; baseUrl: string }

export const DEFAULT_URL = 'http://127.0.0.1:8787';

export function configDir(): string {
  return process.env.TRAWL_CONFIG_DIR || join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'trawl');
}

export const configPath = () => join(configDir(), 'config.json');

function readStored(): Partial<CliConfig> {
  try {
    return JSON.parse(readFileSync(configPath(), 'utf8')) as Partial<CliConfig>;
  } catch {
    return {};
  }
}

/** The key and URL to use: flags, then environment, then the stored login. */
export function loadConfig(flags: { url?: string } = {}): CliConfig {
  const stored = readStored();
  const apiKey = process.env.TRAWL_API_KEY || stored.apiKey;
  if (!apiKey) throw new UsageError('NOT_LOGGED_IN', 'No API key: run `trawl login` or set TRAWL_API_KEY', 3);
  return { apiKey, baseUrl: flags.url || process.env.TRAWL_API_URL || stored.baseUrl || DEFAULT_URL };
}

export function saveConfig(config: CliConfig): string {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = configPath();
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already existed; make sure an older, wider file is narrowed.
  chmodSync(path, 0o600);
  return path;
}
