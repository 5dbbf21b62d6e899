// Spawns the CLI the way a user does (bin launcher, same Node as the test runner).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoPath = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  /** stderr without the `backend: …` report (in `backend`) and Dawn's adapter warnings. */
  stderr: string;
  /** The `backend: …` lines the run printed (one per loaded model). */
  backend: string[];
}

/** Dawn's notices when it opens a Vulkan adapter (lavapipe prints them): not ours, not errors. */
const DAWN_NOTICE = /^Warning: maxDynamic\w+PerPipelineLayout artificially reduced/;

export function runCli(args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [repoPath('bin/depth-anything.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const lines = result.stderr.split(/(?<=\n)/);
  const backend = lines.filter((l) => l.startsWith('backend: ')).map((l) => l.trimEnd());
  const stderr = lines.filter((l) => !l.startsWith('backend: ') && !DAWN_NOTICE.test(l)).join('');
  return { code: result.status, stdout: result.stdout, stderr, backend };
}

const tempDirs: string[] = [];

/** A new empty directory under os.tmpdir(); removed by removeTempDirs (call it in afterAll). */
export function freshTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'depth-anything-cli-'));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}
