// An in-process `depth-anything serve` on a loopback port for the API and page tests: real HTTP,
// the fixture models, one wasm thread per model (results then equal the library's in this process).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { scanModels } from '../../src/server/model-catalog.ts';
import { createDepthServer, type DepthServer, type ServeOptions } from '../../src/server/server.ts';
import { repoPath } from '../cli-run.ts';

export const MODELS = {
  da3: repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf'),
  da2: repoPath('fixtures/models/da2/pack-da2-f32.gguf'),
  mono: repoPath('fixtures/models/da3mono/pack-da3mono-f32.gguf'),
};
export const DA3 = 'pack-da3-aux-f32';
export const DA2 = 'pack-da2-f32';
export const MONO = 'pack-da3mono-f32';

export const photo = (name: string) => new Uint8Array(readFileSync(repoPath(`fixtures/photos/${name}`)));
export const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export interface TestServer {
  app: DepthServer;
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<ServeOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const app = createDepthServer({
    catalog: await scanModels(Object.values(MODELS)),
    loadOptions: { backend: 'wasm', threads: 1 },
    maxBodyBytes: 8 * 2 ** 20,
    maxPixels: 40e6,
    timeoutMs: 120_000,
    maxQueued: 8,
    memoryBudgetBytes: 2 ** 30,
    log: (line) => logs.push(line),
    ...options,
  });
  const address = await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${address.port}`, logs, close: () => app.shutdown() };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A request over a fresh socket with exactly the headers given (fetch would fix Content-Length);
 * `end: false` leaves the body unfinished; `onSocket` gets a function that destroys the socket
 * (a client that leaves), after which the promise resolves with status 0.
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string; chunks?: number; end?: boolean; onContinue?: () => void; onSocket?: (destroy: () => void) => void }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    if (options.onContinue) req.on('continue', options.onContinue);
    let destroyed = false;
    req.on('error', (e) => (destroyed ? resolve({ status: 0, headers: {}, body: '' }) : reject(e)));
    options.onSocket?.(() => { destroyed = true; req.destroy(); });
    if (options.body !== undefined) {
      // Several writes make a chunked body when no Content-Length was given.
      const body = typeof options.body === 'string' ? Buffer.from(options.body) : Buffer.from(options.body);
      const parts = options.chunks ?? 1;
      const size = Math.ceil(body.length / parts);
      for (let i = 0; i < body.length; i += size) req.write(body.subarray(i, i + size));
    }
    if (!destroyed && options.end !== false) req.end();
  });
}

/** Resolves when `check()` holds, polling (a hang is caught by the test timeout, not a clock). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A gate the test opens: requests held in `beforeInference` wait for it. */
export function gate(): { wait: () => Promise<void>; open: () => void; held: number } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  const g = { held: 0, open: () => open(), wait: async () => { g.held++; await opened; } };
  return g;
}
