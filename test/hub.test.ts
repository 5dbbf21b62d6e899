// hf: models against a loopback server that behaves like the Hugging Face hub: HEAD on
// /<repo>/resolve/<rev>/<path> answers with X-Repo-Commit, X-Linked-Etag (the LFS sha256) and
// X-Linked-Size and redirects to a CDN path that serves the bytes with Range support; gated
// repos answer 401, missing files 404. Checked: the huggingface_hub cache layout, reuse of the
// cache, a corrupted download caught by the hash, an interrupted download resumed, offline mode,
// HF_TOKEN, and the CLI's --model hf:….
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadHubFile } from '../src/hub/hub-node.ts';
import { parseHubSpec, resolveUrl } from '../src/hub/hub-spec.ts';
import { readFixture } from './helpers/fixtures.ts';
import { promisify } from 'node:util';
import { repoPath } from './cli-run.ts';

const run = promisify(execFile);

const model = readFixture('models/da3/pack-da3-aux-f32.gguf');
const sha = createHash('sha256').update(model).digest('hex');
const COMMIT = 'a'.repeat(40);

let server: Server;
let endpoint: string;
let cache: string;
const log: string[] = [];
/** Behaviour switches for the next requests. */
const mode = { corrupt: false, dropAfter: 0, token: undefined as string | undefined };

function handle(req: IncomingMessage, res: ServerResponse): void {
  log.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`.trim());
  const url = req.url ?? '';
  if (url.startsWith('/gated/')) { res.writeHead(401).end(); return; }
  if (mode.token && req.headers.authorization !== `Bearer ${mode.token}`) { res.writeHead(401).end(); return; }
  if (url === '/org/models/resolve/main/da3/tiny.gguf' || url === `/org/models/resolve/${COMMIT}/da3/tiny.gguf`) {
    res.writeHead(302, { location: `/cdn/${sha}`, 'x-repo-commit': COMMIT, 'x-linked-etag': `"${sha}"`, 'x-linked-size': String(model.length) }).end();
    return;
  }
  if (url === `/cdn/${sha}`) {
    const body = mode.corrupt ? model.map((b, i) => (i === 100 ? b ^ 1 : b)) : model;
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': String(body.length - start), ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
    if (mode.dropAfter > 0) {
      const cut = mode.dropAfter;
      mode.dropAfter = 0;
      res.write(body.subarray(start, start + cut), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => { server.close(); });

function freshCache(): Record<string, string> {
  cache = mkdtempSync(join(tmpdir(), 'hf-cache-'));
  return { HF_ENDPOINT: endpoint, HF_HUB_CACHE: cache };
}
afterAll(() => { if (cache) rmSync(cache, { recursive: true, force: true }); });

describe('hub references', () => {
  it('parse like huggingface_hub paths, with an optional @revision', () => {
    expect(parseHubSpec('hf:org/models/da3/tiny.gguf')).toEqual({ repo: 'org/models', path: 'da3/tiny.gguf', revision: 'main' });
    expect(parseHubSpec('org/models/x.gguf@v1.0')).toEqual({ repo: 'org/models', path: 'x.gguf', revision: 'v1.0' });
    expect(resolveUrl(parseHubSpec('org/models/a b.gguf'))).toBe('https://huggingface.co/org/models/resolve/main/a%20b.gguf');
    for (const bad of ['hf:org/x.gguf', 'org//x.gguf', 'org/models/../x.gguf', 'org/models/x.gguf@']) expect(() => parseHubSpec(bad)).toThrow(/is not <owner>\/<repo>\/<path/);
  });
});

describe('downloading into the huggingface_hub cache', () => {
  it('follows the redirect, verifies the sha256, lays out blobs/snapshots/refs, then reuses the cache', async () => {
    const env = freshCache();
    const path = await downloadHubFile('org/models/da3/tiny.gguf', { env });
    expect(path).toBe(join(cache, 'models--org--models', 'snapshots', COMMIT, 'da3', 'tiny.gguf'));
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path)).toBe(join('..', '..', '..', 'blobs', sha));
    expect(readFileSync(path).equals(model)).toBe(true);
    expect(readFileSync(join(cache, 'models--org--models', 'refs', 'main'), 'utf8')).toBe(COMMIT);
    log.length = 0;
    expect(await downloadHubFile('hf:org/models/da3/tiny.gguf', { env })).toBe(path);
    expect(log).toEqual(['HEAD /org/models/resolve/main/da3/tiny.gguf']); // no second download
  });

  it('catches a corrupted download by its hash and keeps nothing', async () => {
    const env = freshCache();
    mode.corrupt = true;
    try {
      await expect(downloadHubFile('org/models/da3/tiny.gguf', { env })).rejects.toThrow(/sha256 .* is not the hub's .*corrupted download, removed/);
    } finally {
      mode.corrupt = false;
    }
    await expect(downloadHubFile('org/models/da3/tiny.gguf', { env: { ...env, HF_HUB_OFFLINE: '1' } })).rejects.toThrow(/not in the cache/);
  });

  it('retries a dropped connection, and resumes a download a previous run left behind with a Range request', async () => {
    const env = freshCache();
    mode.dropAfter = 10_000;
    expect(readFileSync(await downloadHubFile('org/models/da3/tiny.gguf', { env })).equals(model)).toBe(true);

    const env2 = freshCache();
    const blobs = join(cache, 'models--org--models', 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${sha}.incomplete`), model.subarray(0, 12_345)); // a killed earlier run
    log.length = 0;
    const path = await downloadHubFile('org/models/da3/tiny.gguf', { env: env2 });
    expect(readFileSync(path).equals(model)).toBe(true);
    expect(log).toContain(`GET /cdn/${sha} bytes=12345-`);
  });

  it('offline mode uses only the cache; gated, missing and unreachable say so', async () => {
    const env = freshCache();
    const path = await downloadHubFile('org/models/da3/tiny.gguf', { env });
    log.length = 0;
    expect(await downloadHubFile('org/models/da3/tiny.gguf', { env: { ...env, HF_HUB_OFFLINE: '1' } })).toBe(path);
    expect(log).toEqual([]);
    await expect(downloadHubFile('gated/repo/x.gguf', { env })).rejects.toThrow(/gated or private \(HTTP 401\).*HF_TOKEN/);
    await expect(downloadHubFile('org/models/missing.gguf', { env })).rejects.toThrow(/was not found on the hub \(HTTP 404\)/);
    await expect(downloadHubFile('org/models/x.gguf', { env: { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' } })).rejects.toThrow(/cannot reach .*HF_HUB_OFFLINE=1/);
  });

  it('sends HF_TOKEN', async () => {
    const env = freshCache();
    mode.token = 'secret';
    try {
      await expect(downloadHubFile('org/models/da3/tiny.gguf', { env })).rejects.toThrow(/HTTP 401/);
      expect(readFileSync(await downloadHubFile('org/models/da3/tiny.gguf', { env: { ...env, HF_TOKEN: 'secret' } })).equals(model)).toBe(true);
    } finally {
      mode.token = undefined;
    }
  });

  it('the CLI takes --model hf:…', async () => {
    const env = freshCache();
    // Spawned asynchronously: the fake hub runs in this process and must keep answering.
    const { stdout, stderr } = await run(process.execPath, [repoPath('bin/depth-anything.js'), 'info', '--model', 'hf:org/models/da3/tiny.gguf'], { env: { ...process.env, ...env } });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^checkpoint: DA3-PACK-RANDOM/);
  });
});
