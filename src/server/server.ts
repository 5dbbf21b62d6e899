// `depth-anything serve`: the HTTP API (POST /v1/depth and its file variants, GET /v1/models,
// GET /healthz, model downloads for the page's in-browser mode) and the web page, on node:http.
// No framework: a handful of routes, a body reader and a multipart parser (the web-standard Response's)
// do not earn one, and every byte the server accepts stays visible here.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessLine, stderrLog, type LogSink } from './access-log.ts';
import { apiKeyCheck } from './api-key.ts';
import { checkCapabilities, type DepthOutput } from './capability-check.ts';
import { depthFile } from './depth-files.ts';
import { depthJson } from './depth-json.ts';
import { parseJsonRequest, parseMultipartRequest, type DepthRequest } from './depth-request.ts';
import { errorBody, HttpError } from './http-error.ts';
import type { CatalogModel } from './model-catalog.ts';
import { ModelCache } from './model-cache.ts';
import { PredictError } from './model-host.ts';
import { ModelLane } from './model-lane.ts';
import type { ModelWorkerData } from './model-worker.ts';
import { readBody } from './request-body.ts';
import type { WebAssets } from './web-assets.ts';

export interface ServeOptions {
  catalog: ReadonlyMap<string, CatalogModel>;
  /** Backend, threads and weight precision for every model. */
  loadOptions: ModelWorkerData['options'];
  apiKey?: string;
  maxBodyBytes: number;
  /** Decoded image size limit, checked from the header before decoding. */
  maxPixels: number;
  /** Whole request (queue + load + inference) limit → 504. */
  timeoutMs: number;
  /** Requests that may wait per model behind the one running. */
  maxQueued: number;
  memoryBudgetBytes: number;
  log?: LogSink;
  webAssets?: () => Promise<WebAssets>;
  /** Instrumentation hook awaited just before each inference, inside the model's lane (tests hold requests there). */
  beforeInference?: (modelId: string) => Promise<void>;
}

export interface DepthServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Refuses new requests (503), lets in-flight ones finish, then closes every connection. */
  shutdown(): Promise<void>;
  /** In-flight and queued counts, loaded models (also GET /healthz). */
  status(): { in_flight: number; queued: number; running: number; models_loaded: string[] };
}

// Sent with every response: COOP/COEP make the page crossOriginIsolated (SharedArrayBuffer, so
// the in-browser wasm backend runs on worker threads).
const COMMON_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'x-content-type-options': 'nosniff',
};

type Handler = (req: IncomingMessage, res: ServerResponse, context: RequestContext) => Promise<void>;

interface RequestContext {
  signal: AbortSignal;
  /** The model named by the request, for the access log. */
  model?: string;
}

const DEPTH_ROUTES: Record<string, DepthOutput> = { '/v1/depth': 'json', '/v1/depth/glb': 'glb', '/v1/depth/ply': 'ply', '/v1/depth/colmap': 'colmap' };

function send(res: ServerResponse, status: number, body: Uint8Array | string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...COMMON_HEADERS, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
}

function sendError(res: ServerResponse, error: HttpError): void {
  send(res, error.status, errorBody(error.code, error.message), { 'content-type': 'application/json', 'cache-control': 'no-store', ...error.headers });
}

/** Rejects with the signal's reason as soon as it aborts (the work itself may go on, unobserved). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The request field an image came from, for error messages. */
function imageField(request: DepthRequest, view: number): string {
  const uploaded = request.images[view]?.name !== undefined;
  if (!request.multiView) return uploaded ? 'image' : 'src';
  return uploaded ? `image[${view}]` : `srcs[${view}]`;
}

/** A failure in the model's worker as the client's answer. */
function predictHttpError(e: unknown, request: DepthRequest): unknown {
  if (!(e instanceof PredictError)) return e;
  const field = e.view !== undefined ? `${imageField(request, e.view)}: ` : '';
  switch (e.failure) {
    case 'image_too_large': return new HttpError(413, 'image_too_large', `${field}${e.message} (server option --max-megapixels)`);
    case 'invalid_image': return new HttpError(400, 'invalid_image', `${field}${e.message}`);
    case 'invalid_views': return new HttpError(400, 'invalid_views', e.message);
    default: return new HttpError(500, 'inference_failed', e.message);
  }
}

export function createDepthServer(options: ServeOptions): DepthServer {
  const log = options.log ?? stderrLog;
  const cache = new ModelCache(options.memoryBudgetBytes, options.loadOptions, log);
  const lanes = new Map([...options.catalog.keys()].map((id) => [id, new ModelLane(options.maxQueued)]));
  const checkKey = apiKeyCheck(options.apiKey);
  let inFlight = 0;
  let shuttingDown: Promise<void> | undefined;
  let drained: () => void = () => {};

  function catalogModel(id: string): CatalogModel {
    const model = options.catalog.get(id);
    if (!model) throw new HttpError(404, 'model_not_found', `no model "${id}"; GET /v1/models lists the models`);
    return model;
  }

  function status() {
    const all = [...lanes.values()];
    return { in_flight: inFlight, queued: all.reduce((n, l) => n + l.queued, 0), running: all.filter((l) => l.running).length, models_loaded: cache.loaded() };
  }

  async function depth(output: DepthOutput, req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void> {
    checkKey(req);
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const isJson = /^application\/json\s*(;|$)/.test(type);
    const isMultipart = /^multipart\/form-data\s*;/.test(type);
    if (!isJson && !isMultipart) {
      throw new HttpError(415, 'unsupported_media_type', `send application/json or multipart/form-data, got ${type === '' ? 'no Content-Type' : JSON.stringify(type)}`);
    }
    const body = await untilAborted(readBody(req, options.maxBodyBytes), context.signal);
    const request = isJson ? parseJsonRequest(body) : await parseMultipartRequest(body, req.headers['content-type']!);
    context.model = request.model;
    const model = catalogModel(request.model);
    checkCapabilities(model.id, model.info, request, output);

    const queued = performance.now();
    let queueMs = 0;
    let inferMs = 0;
    const lane = lanes.get(model.id)!;
    const { predictions, sizes, decodeMs } = await untilAborted(lane.run(async () => {
      queueMs = performance.now() - queued;
      await options.beforeInference?.(model.id);
      return cache.use(model, async (loaded) => {
        context.signal.throwIfAborted(); // loading may have outlasted the client
        const started = performance.now();
        try {
          const result = await loaded.predict({ images: request.images.map((image) => image.bytes), maxPixels: options.maxPixels, options: { rayPose: request.rayPose, resolution: request.resolution } });
          inferMs = performance.now() - started - result.decodeMs;
          return result;
        } catch (e) {
          throw predictHttpError(e, request);
        }
      });
    }, context.signal), context.signal);

    if (output === 'json') {
      const round = (ms: number) => Math.round(ms * 10) / 10;
      sendJson(res, 200, depthJson(model.id, request, predictions, { decode_ms: round(decodeMs), queue_ms: round(queueMs), infer_ms: round(inferMs) }));
    } else {
      const file = depthFile(output, request, sizes, predictions);
      send(res, 200, file.body, { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.fileName}"`, 'cache-control': 'no-store' });
    }
  }

  async function listModels(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkKey(req);
    const data = [...options.catalog.values()].map((m) => ({ id: m.id, object: 'model', family: m.info.family, capabilities: m.info.capabilities, quant: m.quant, bytes: m.bytes }));
    sendJson(res, 200, { object: 'list', data });
  }

  /** GET /models/<id>.gguf: a catalog file by its id (never a path), streamed for the page's in-browser mode. */
  async function downloadModel(req: IncomingMessage, res: ServerResponse, context: RequestContext, id: string): Promise<void> {
    checkKey(req);
    context.model = id;
    const model = catalogModel(id);
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'application/octet-stream', 'content-length': String(model.bytes), 'content-disposition': `attachment; filename="${model.id}.gguf"` });
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((resolve) => {
      const stream = createReadStream(model.path);
      stream.on('error', () => { res.destroy(); resolve(); });
      res.on('close', () => { stream.destroy(); resolve(); });
      stream.pipe(res);
    });
  }

  async function page(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!options.webAssets) throw new HttpError(404, 'not_found', 'this server has no web page');
    let assets: WebAssets;
    try {
      assets = await options.webAssets();
    } catch (e) {
      throw new HttpError(503, 'page_unavailable', e instanceof Error ? e.message : String(e));
    }
    const asset = assets.get(path);
    if (!asset) throw new HttpError(404, 'not_found', `no route ${req.method} ${path}`);
    send(res, 200, req.method === 'HEAD' ? '' : asset.body, { 'content-type': asset.type, 'cache-control': 'no-cache', ...(req.method === 'HEAD' && { 'content-length': String(asset.body.byteLength) }) });
  }

  /** The handler and allowed methods for a path; undefined for an unknown path. */
  function route(path: string): { methods: string[]; handler: Handler } | undefined {
    const output = DEPTH_ROUTES[path];
    if (output) return { methods: ['POST'], handler: (req, res, context) => depth(output, req, res, context) };
    if (path === '/v1/models') return { methods: ['GET', 'HEAD'], handler: listModels };
    if (path === '/healthz') {
      return { methods: ['GET', 'HEAD'], handler: async (_req, res) => sendJson(res, shuttingDown ? 503 : 200, { status: shuttingDown ? 'shutting_down' : 'ok', ...status(), in_flight: inFlight - 1 }) };
    }
    const download = /^\/models\/([^/]+)\.gguf$/.exec(path);
    if (download) {
      let id: string;
      try {
        id = decodeURIComponent(download[1]!);
      } catch {
        return undefined;
      }
      return { methods: ['GET', 'HEAD'], handler: (req, res, context) => downloadModel(req, res, context, id) };
    }
    if (!path.startsWith('/v1/') && !path.startsWith('/models/')) return { methods: ['GET', 'HEAD'], handler: (req, res) => page(req, res, path) };
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const remote = req.socket.remoteAddress ?? '-';
    const controller = new AbortController();
    const context: RequestContext = { signal: controller.signal };
    let errorCode: string | undefined;
    let errorStatus: number | undefined;
    inFlight++;
    // A client that leaves frees its place in the queue; a slow request times out with 504.
    res.on('close', () => { if (!res.writableFinished) controller.abort(new HttpError(499, 'client_closed', 'the client closed the connection')); });
    const timer = setTimeout(() => controller.abort(new HttpError(504, 'timeout', `the request took longer than ${options.timeoutMs} ms (server option --timeout-s)`)), options.timeoutMs);
    try {
      if (shuttingDown) throw new HttpError(503, 'shutting_down', 'the server is shutting down', { connection: 'close' });
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const found = route(path);
      if (!found) throw new HttpError(404, 'not_found', `no route ${req.method} ${path}`);
      if (!found.methods.includes(req.method ?? '')) throw new HttpError(405, 'method_not_allowed', `${path} takes ${found.methods.filter((m) => m !== 'HEAD').join(', ')}`, { allow: found.methods.join(', ') });
      await found.handler(req, res, context);
    } catch (e) {
      const error = e instanceof HttpError ? e : new HttpError(500, 'internal', e instanceof Error ? e.message : String(e));
      errorCode = error.code;
      errorStatus = error.status;
      if (error.status === 500) log(`internal error: ${JSON.stringify(e instanceof Error ? e.stack ?? e.message : String(e))}`);
      if (error.status === 413 || error.status === 499) res.setHeader('connection', 'close'); // the rest of the body is not read
      sendError(res, error);
    } finally {
      clearTimeout(timer);
      inFlight--;
      log(accessLine({ remote, method: req.method ?? '', url: req.url ?? '', status: res.headersSent || errorStatus === undefined ? res.statusCode : errorStatus, ms: performance.now() - started, model: context.model, error: errorCode }));
      if (inFlight === 0) drained();
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  // `Expect: 100-continue` (curl sends it for bodies over 1 MB): a body declared too large is
  // refused before the client sends it; any other request is told to go on.
  server.on('checkContinue', (req, res) => {
    if (!(Number(req.headers['content-length']) > options.maxBodyBytes)) res.writeContinue();
    void handle(req, res);
  });
  server.requestTimeout = options.timeoutMs + 5_000; // receiving a request (slow senders) is bounded too
  server.headersTimeout = Math.min(60_000, server.requestTimeout);

  return {
    server,
    status,
    listen: (port, host) => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => { server.off('error', reject); resolve(server.address() as AddressInfo); });
    }),
    shutdown() {
      shuttingDown ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) await new Promise<void>((resolve) => { drained = resolve; });
        server.closeAllConnections();
        await closed;
        cache.disposeAll();
      })();
      return shuttingDown;
    },
  };
}
