// `depth-anything serve` as a user starts it: the bin launcher in a child process, models found
// recursively under a folder, the listening line, and SIGTERM finishing an in-flight request
// before the process exits 0. Flag and catalog mistakes exit 1 with one error line.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freshTempDir, removeTempDirs, repoPath, runCli } from './cli-run.ts';
import { base64, photo, until } from './helpers/serve.ts';

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => { for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL'); });
afterAll(removeTempDirs);

/** Starts the server on a free port and resolves once it prints where it listens. */
async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [repoPath('bin/depth-anything.js'), 'serve', '--port', '0', '--backend', 'wasm', '--threads', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await until(() => /listening on http:\/\/\S+\//.test(stderr) || child.exitCode !== null);
  const url = /listening on (http:\/\/\S+)\//.exec(stderr)?.[1];
  if (!url) throw new Error(`serve did not start: ${stderr}`);
  return { child, url, stderr: () => stderr, exit };
}

describe('depth-anything serve', () => {
  it('help shows the serve synopsis', () => {
    const run = runCli(['serve', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('depth-anything serve --models <dir|file.gguf ...> [--host 127.0.0.1] [--port 8080]');
    expect(runCli(['help']).stdout).toContain('depth-anything serve');
  });

  it.each([
    [[], 'serve: --models <dir|file.gguf ...> is required'],
    [['--models', 'fixtures/models', '--port', '99999'], '--port must be 0..65535'],
    [['--models', 'fixtures/models', '--max-body-mb', '-3'], '--max-body-mb must be a positive number, got "-3"'],
    [['--models', 'fixtures/models', '--timeout-s', 'soon'], '--timeout-s must be a positive number'],
    [['--models', 'fixtures/models', '--fast'], 'unknown flag: --fast'],
    [['--models', 'fixtures/no-such-folder'], '--models fixtures/no-such-folder: ENOENT'],
    [['--models', 'fixtures/photos'], 'no .gguf files found'],
    [['--models', 'fixtures/photos/desk.jpg'], 'not a .gguf file'],
  ])('%j → exit 1: %s', (args, message) => {
    const run = runCli(['serve', ...args]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr.split('\n')[0]).toMatch(/^error: /);
  });

  it('two models with one name are an error at start, naming both files', () => {
    const dir = freshTempDir();
    copyFileSync(repoPath('fixtures/models/da2/pack-da2-f32.gguf'), join(dir, 'pack-da2-f32.gguf'));
    const run = runCli(['serve', '--models', 'fixtures/models/da2', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('two models named "pack-da2-f32"');
    expect(run.stderr).toContain(join(dir, 'pack-da2-f32.gguf'));
  });

  it('--models takes several folders and files; folders are searched recursively', async () => {
    const served = await serve(['--models', 'fixtures/models/da3nested', 'fixtures/models/da2/pack-da2-f32.gguf']);
    const ids = ((await (await fetch(`${served.url}/v1/models`)).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids.sort()).toEqual(['pack-da2-f32', 'pack-da3nested-anyview-f32', 'pack-da3nested-metric-f32']);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // loopback unless --host says otherwise
    served.child.kill('SIGINT');
    expect(await served.exit).toBe(0);
    expect(served.stderr()).toContain('serve: stopped');
  });

  it('SIGTERM finishes the in-flight request, then exits 0', async () => {
    const served = await serve(['--models', 'fixtures/models']);
    const ids = ((await (await fetch(`${served.url}/v1/models`)).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids).toHaveLength(8);
    // Four views on the giant-style fixture, loaded cold: long enough to be caught in flight.
    const views = ['desk.jpg', 'street.jpg', 'canyon.jpg', 'mountains.jpg'].map((name) => base64(photo(name)));
    const inFlight = fetch(`${served.url}/v1/depth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'pack-da3-giant-aux-f32', srcs: views, include_pose: true }) });
    await until(async () => ((await (await fetch(`${served.url}/healthz`)).json()) as { in_flight: number }).in_flight === 1);
    served.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { views: unknown[] }).views).toHaveLength(4);
    expect(await served.exit).toBe(0);
    expect(served.stderr()).toContain('serve: SIGTERM: finishing 1 in-flight request(s), refusing new ones');
    expect(served.stderr()).toMatch(/serve: stopped\n$/);
  });
});
