// `depth-anything serve`'s API over real HTTP on loopback (an in-process server, see
// helpers/serve.ts): every route, its answers compared with the library and the CLI for the same
// photo, and every error status; limits, auth, timeout, queueing, disconnects, shutdown.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesSource, decodeImage, loadModel, type DepthModel } from '../src/index.ts';
import { freshTempDir, removeTempDirs, runCli } from './cli-run.ts';
import { base64, DA2, DA3, gate, MODELS, MONO, photo, postJson, rawRequest, startTestServer, until, type TestServer } from './helpers/serve.ts';

const DESK = photo('desk.jpg');
const STREET = photo('street.jpg');
const f32 = (text: string) => { const b = Buffer.from(text, 'base64'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); };
const bytesOf = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function errorOf(res: Response | { status: number; body: string }) {
  const text = 'body' in res && typeof res.body === 'string' ? res.body : await (res as Response).text();
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

/** Untar an uncompressed ustar archive: name → bytes. */
function untar(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (let at = 0; at + 512 <= bytes.length && bytes[at] !== 0;) {
    const header = bytes.subarray(at, at + 512);
    const name = new TextDecoder().decode(header.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = parseInt(new TextDecoder().decode(header.subarray(124, 136)).replace(/\0.*$/s, ''), 8);
    const sum = header.reduce((s, b, i) => s + (i >= 148 && i < 156 ? 32 : b), 0);
    expect(parseInt(new TextDecoder().decode(header.subarray(148, 155)), 8)).toBe(sum);
    files.set(name, bytes.slice(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

let server: TestServer;
let da3: DepthModel;

beforeAll(async () => {
  server = await startTestServer();
  da3 = await loadModel(bytesSource(readFileSync(MODELS.da3)), { backend: 'wasm', threads: 1 });
});

afterAll(async () => {
  await server?.close();
  da3?.dispose();
  removeTempDirs();
});

describe('routes', () => {
  it('GET /v1/models lists every model with family, capabilities, quant and size', async () => {
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { id: string; family: string; capabilities: string[]; quant: string; bytes: number }[] };
    expect(data.map((m) => m.id).sort()).toEqual([DA2, DA3, MONO].sort());
    const d = data.find((m) => m.id === DA3)!;
    expect(d).toMatchObject({ family: 'da3', capabilities: ['depth', 'confidence', 'pose', 'rays'], quant: 'f32', bytes: readFileSync(MODELS.da3).length });
    expect(data.find((m) => m.id === MONO)!.capabilities).toEqual(['depth', 'sky']);
  });

  it('GET /healthz answers ok with the queue state', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', in_flight: 0, queued: 0 });
  });

  it('POST /v1/depth (JSON, base64) returns exactly the library prediction for the photo', async () => {
    const expected = await da3.predict(decodeImage(DESK));
    const res = await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(DESK), include_conf: true, include_pose: true, include_points: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body).toMatchObject({ model: DA3, width: 504, height: 336, depth_format: 'f32' });
    expect(bytesOf(f32(body.depth))).toEqual(bytesOf(expected.depth));
    expect(bytesOf(f32(body.confidence))).toEqual(bytesOf(expected.confidence!));
    expect(body.extrinsics).toEqual([0, 1, 2].map((r) => Array.from(expected.extrinsics!.subarray(r * 4, r * 4 + 4))));
    expect(body.intrinsics).toEqual([0, 1, 2].map((r) => Array.from(expected.intrinsics!.subarray(r * 3, r * 3 + 3))));
    expect(body.points.count).toBeGreaterThan(1000);
    expect(f32(body.points.xyz).length).toBe(body.points.count * 3);
    expect(Buffer.from(body.points.rgb, 'base64').length).toBe(body.points.count * 3);
    expect(Object.keys(body.timings).sort()).toEqual(['decode_ms', 'infer_ms', 'queue_ms']);
    expect(body.sky).toBeUndefined();
  });

  it('a data: URL, a line-wrapped base64 and a multipart upload give the same depth', async () => {
    const json = await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(STREET) })).json();
    const dataUrl = await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: `data:image/jpeg;base64,${base64(STREET)}` })).json();
    const wrapped = await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(STREET).replace(/.{76}/g, '$&\n') })).json();
    const form = new FormData();
    form.append('model', DA3);
    form.append('image', new Blob([STREET], { type: 'image/jpeg' }), 'street.jpg');
    const multipartRes = await fetch(`${server.url}/v1/depth`, { method: 'POST', body: form });
    expect(multipartRes.status).toBe(200);
    const multipart = await multipartRes.json();
    expect(json.depth.length).toBeGreaterThan(1000);
    for (const other of [dataUrl, wrapped, multipart]) expect(other.depth).toBe(json.depth);
    expect(json.confidence).toBeUndefined(); // include_conf defaults to false
  });

  it('depth_format png16 is a 16-bit PNG with the range to map it back', async () => {
    const expected = (await da3.predict(decodeImage(DESK))).depth;
    const body = await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(DESK), depth_format: 'png16' })).json();
    expect(body.depth_format).toBe('png16');
    const png = decodePng(Buffer.from(body.depth, 'base64'));
    expect([png.width, png.height, png.depth, png.channels]).toEqual([504, 336, 16, 1]);
    const [min, max] = body.depth_range as [number, number];
    let worst = 0;
    png.data.forEach((level, i) => { worst = Math.max(worst, Math.abs(min + (level / 65535) * (max - min) - expected[i]!)); });
    expect(worst).toBeLessThanOrEqual((max - min) / 65535);
  });

  it('include_depth false leaves the depth out; include_sky on a mono model returns the sky map', async () => {
    const body = await (await postJson(`${server.url}/v1/depth`, { model: MONO, src: base64(DESK), include_depth: false, include_sky: true })).json();
    expect(body.depth).toBeUndefined();
    expect(f32(body.sky).length).toBe(body.width * body.height);
  });

  it('several views (srcs) answer views[] in one world frame, as predictViews', async () => {
    const expected = await da3.predictViews([decodeImage(DESK), decodeImage(STREET)], { resolution: 112 });
    const body = await (await postJson(`${server.url}/v1/depth`, { model: DA3, srcs: [base64(DESK), base64(STREET)], resolution: 112, include_pose: true, include_points: true })).json();
    expect(body.views).toHaveLength(2);
    body.views.forEach((view: { depth: string; extrinsics: number[][] }, i: number) => {
      expect(bytesOf(f32(view.depth))).toEqual(bytesOf(expected[i]!.depth));
      expect(view.extrinsics.flat()).toEqual(Array.from(expected[i]!.extrinsics!));
    });
    expect(body.points.count).toBeGreaterThan(0);
    expect(body.depth).toBeUndefined();
  });

  it('ray_pose takes the camera from the ray map', async () => {
    const expected = await da3.predict(decodeImage(DESK), { rayPose: true, resolution: 112 });
    const body = await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(DESK), ray_pose: true, include_pose: true, resolution: 112 })).json();
    expect(body.extrinsics.flat()).toEqual(Array.from(expected.extrinsics!));
  });

  it('/v1/depth/glb and /v1/depth/colmap are byte for byte the CLI\'s --glb and --colmap files; /ply has every point', async () => {
    // The CLI on the same photo, under the name the upload gives it (COLMAP stores image names).
    const dir = freshTempDir();
    writeFileSync(join(dir, 'desk.jpg'), DESK);
    const ok = runCli(['depth', '--model', MODELS.da3, '--input', join(dir, 'desk.jpg'), '--backend', 'wasm', '--threads', '1', '--glb', join(dir, 'cli.glb'), '--colmap', join(dir, 'colmap')]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);

    const upload = (route: string) => {
      const form = new FormData();
      form.append('model', DA3);
      form.append('image', new Blob([DESK], { type: 'image/jpeg' }), 'desk.jpg');
      return fetch(`${server.url}${route}`, { method: 'POST', body: form });
    };
    const glb = await upload('/v1/depth/glb');
    expect(glb.status).toBe(200);
    expect(glb.headers.get('content-type')).toBe('model/gltf-binary');
    expect(Buffer.from(await glb.arrayBuffer())).toEqual(readFileSync(join(dir, 'cli.glb')));

    const colmap = await upload('/v1/depth/colmap');
    expect(colmap.headers.get('content-type')).toBe('application/x-tar');
    const files = untar(new Uint8Array(await colmap.arrayBuffer()));
    expect([...files.keys()]).toEqual(['cameras.bin', 'images.bin', 'points3D.bin']);
    for (const [name, bytes] of files) expect(Buffer.from(bytes)).toEqual(readFileSync(join(dir, 'colmap', name)));

    const ply = Buffer.from(await (await upload('/v1/depth/ply')).arrayBuffer());
    const points = (await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(DESK), include_depth: false, include_points: true })).json()).points;
    const header = ply.subarray(0, ply.indexOf('end_header\n') + 11).toString('latin1');
    expect(header).toContain(`format binary_little_endian 1.0\nelement vertex ${points.count}\n`);
    expect(ply.length - header.length).toBe(points.count * 15);
    expect(ply.readFloatLE(header.length)).toBe(f32(points.xyz)[0]);
  });

  it('colmap_format txt puts the text model in the tar', async () => {
    const res = await postJson(`${server.url}/v1/depth/colmap`, { model: DA3, src: base64(DESK), colmap_format: 'txt', resolution: 112 });
    const files = untar(new Uint8Array(await res.arrayBuffer()));
    expect([...files.keys()]).toEqual(['cameras.txt', 'images.txt', 'points3D.txt']);
    expect(new TextDecoder().decode(files.get('images.txt')!)).toContain('image0.jpg');
  });

  it('GET /models/<id>.gguf streams the model file; only catalog ids, never paths', async () => {
    const res = await fetch(`${server.url}/models/${DA2}.gguf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(readFileSync(MODELS.da2).length));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(readFileSync(MODELS.da2));
    for (const path of ['/models/..%2F..%2Fpackage.json.gguf', '/models/%2Fetc%2Fpasswd.gguf', '/models/nope.gguf']) {
      const other = await fetch(`${server.url}${path}`);
      expect(other.status).toBe(404);
      expect((await errorOf(other)).code).toMatch(/^(model_not_found|not_found)$/);
    }
  });

  it('GET / serves the page (COOP/COEP for threads) and its script', async () => {
    const res = await fetch(`${server.url}/`);
    // The in-process test server has no page unless asked for one (the page test covers it).
    expect(res.status).toBe(404);
    const { startTestServer: start } = await import('./helpers/serve.ts');
    const { webAssetLoader } = await import('../src/server/web-assets.ts');
    const withPage = await start({ webAssets: webAssetLoader() });
    try {
      const html = await fetch(`${withPage.url}/`);
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(html.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(html.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await html.text()).toContain('<script type="module" src="app.js">');
      const js = await fetch(`${withPage.url}/app.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect((await js.text()).length).toBeGreaterThan(10_000);
    } finally {
      await withPage.close();
    }
  });
});

describe('bad requests get { error: { code, message } } with the right status', () => {
  const cases: [string, number, string, unknown, string][] = [
    ['not JSON', 400, '/v1/depth', '{"model": ', 'invalid_json'],
    ['a JSON array', 400, '/v1/depth', [1, 2], 'invalid_json'],
    ['no model', 400, '/v1/depth', { src: 'AAAA' }, 'invalid_field'],
    ['an unknown field', 400, '/v1/depth', { model: DA3, src: 'AAAA', include_everything: true }, 'invalid_field'],
    ['both src and srcs', 400, '/v1/depth', { model: DA3, src: 'AAAA', srcs: ['AAAA'] }, 'invalid_field'],
    ['a non-boolean flag', 400, '/v1/depth', { model: DA3, src: 'AAAA', include_conf: 'yes' }, 'invalid_field'],
    ['a bad depth_format', 400, '/v1/depth', { model: DA3, src: 'AAAA', depth_format: 'f16' }, 'invalid_field'],
    ['a bad resolution', 400, '/v1/depth', { model: DA3, src: 'AAAA', resolution: 100000 }, 'invalid_field'],
    ['a server path as src', 400, '/v1/depth', { model: DA3, src: '/etc/passwd' }, 'invalid_src'],
    ['a file: URL as src', 400, '/v1/depth', { model: DA3, src: 'file:///etc/passwd' }, 'invalid_src'],
    ['a data: URL that is not base64', 400, '/v1/depth', { model: DA3, src: 'data:image/png,abc' }, 'invalid_src'],
    ['bytes that are no image', 400, '/v1/depth', { model: DA3, src: base64(new TextEncoder().encode('hello, world')) }, 'invalid_image'],
    ['a truncated JPEG', 400, '/v1/depth', { model: DA3, src: base64(DESK.subarray(0, 2000)) }, 'invalid_image'],
    ['an unknown model', 404, '/v1/depth', { model: 'nope', src: base64(DESK) }, 'model_not_found'],
    ['a camera from a mono model', 400, '/v1/depth', { model: MONO, src: base64(DESK), include_pose: true }, 'unsupported_by_model'],
    ['confidence from DA2', 400, '/v1/depth', { model: DA2, src: base64(DESK), include_conf: true }, 'unsupported_by_model'],
    ['several views on DA2', 400, '/v1/depth', { model: DA2, srcs: [base64(DESK), base64(DESK)] }, 'unsupported_by_model'],
    ['a GLB from a model without camera', 400, '/v1/depth/glb', { model: DA2, src: base64(DESK) }, 'unsupported_by_model'],
    ['views of different shapes', 400, '/v1/depth', { model: DA3, srcs: [base64(DESK), base64(photo('quadrants-32x16.jpg'))] }, 'invalid_views'],
  ];
  it.each(cases)('%s → %i', async (_name, status, route, body, code) => {
    const res = await postJson(`${server.url}${route}`, body as string);
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
  });

  it('a URL as src is refused and never fetched', async () => {
    let hits = 0;
    const { createServer } = await import('node:http');
    const bait = createServer((_req, res) => { hits++; res.end(); });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(bait.address() as { port: number }).port}/photo.jpg`;
      for (const src of [url, `data:text/uri-list;base64,${base64(new TextEncoder().encode(url))}`]) {
        const res = await postJson(`${server.url}/v1/depth`, { model: DA3, src });
        expect(res.status).toBe(400);
        expect((await errorOf(res)).code).toMatch(/^invalid_(src|image)$/);
      }
      expect(hits).toBe(0);
    } finally {
      bait.close();
    }
  });

  it('unknown route → 404, wrong method → 405 with Allow, other content types → 415', async () => {
    const missing = await fetch(`${server.url}/v1/nope`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
    const get = await fetch(`${server.url}/v1/depth`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await errorOf(get)).code).toBe('method_not_allowed');
    const put = await fetch(`${server.url}/v1/models`, { method: 'PUT' });
    expect(put.status).toBe(405);
    const text = await fetch(`${server.url}/v1/depth`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).code).toBe('unsupported_media_type');
  });

  it('multipart mistakes: no image, a text image field', async () => {
    const noImage = new FormData();
    noImage.append('model', DA3);
    const a = await fetch(`${server.url}/v1/depth`, { method: 'POST', body: noImage });
    expect(a.status).toBe(400);
    expect((await errorOf(a)).message).toContain('image');
    const textImage = new FormData();
    textImage.append('model', DA3);
    textImage.append('image', 'not a file');
    const b = await fetch(`${server.url}/v1/depth`, { method: 'POST', body: textImage });
    expect(b.status).toBe(400);
  });

  it('client strings reach the log escaped, on one line', async () => {
    const evil = 'x"\n\u001b[31mFAKE 200 line\r';
    const res = await postJson(`${server.url}/v1/depth`, { model: evil, src: base64(DESK) });
    expect(res.status).toBe(404);
    const line = server.logs.find((l) => l.includes('FAKE 200 line'))!;
    expect(line).toContain(JSON.stringify(evil));
    expect(line).not.toMatch(/[\n\r\u001b]/);
    expect(server.logs.every((l) => !/[\n\r\u001b]/.test(l))).toBe(true);
  });
});

describe('limits', () => {
  let small: TestServer;
  beforeAll(async () => { small = await startTestServer({ maxBodyBytes: 1000, maxPixels: 10_000 }); });
  afterAll(async () => { await small?.close(); });

  it('a declared body over --max-body-mb → 413 before the body is read', async () => {
    const res = await rawRequest(`${small.url}/v1/depth`, { headers: { 'content-type': 'application/json', 'content-length': String(50 * 2 ** 20) }, body: '{"model":', end: false });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('body_too_large');
  });

  it('Expect: 100-continue with a body over the limit → 413 instead of 100', async () => {
    let continued = false;
    const res = await rawRequest(`${small.url}/v1/depth`, { headers: { 'content-type': 'application/json', 'content-length': String(50 * 2 ** 20), expect: '100-continue' }, end: false, onContinue: () => { continued = true; } });
    expect(res.status).toBe(413);
    expect(continued).toBe(false);
  });

  it('a chunked body that grows past the limit → 413', async () => {
    const res = await rawRequest(`${small.url}/v1/depth`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: DA3, src: 'A'.repeat(1800) }), chunks: 3 });
    expect(res.status).toBe(413);
  });

  it('an image over the pixel limit → 413, from its header', async () => {
    const big = await startTestServer({ maxPixels: 10_000 });
    try {
      const res = await postJson(`${big.url}/v1/depth`, { model: DA3, src: base64(DESK) });
      expect(res.status).toBe(413);
      const error = await errorOf(res);
      expect(error.code).toBe('image_too_large');
      expect(error.message).toContain('1024x680');
      const fits = await postJson(`${big.url}/v1/depth`, { model: DA3, src: base64(photo('quadrants-32x16.jpg')) });
      expect(fits.status).toBe(200);
    } finally {
      await big.close();
    }
  });
});

describe('auth', () => {
  let locked: TestServer;
  beforeAll(async () => { locked = await startTestServer({ apiKey: 's3cret' }); });
  afterAll(async () => { await locked?.close(); });

  it('--api-key: missing or wrong key → 401 on /v1 and /models; health stays open', async () => {
    const body = { model: DA3, src: base64(photo('quadrants-32x16.jpg')) };
    const none = await postJson(`${locked.url}/v1/depth`, body);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await errorOf(none)).code).toBe('missing_api_key');
    const wrong = await postJson(`${locked.url}/v1/depth`, body, { authorization: 'Bearer s3cre' });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe('invalid_api_key');
    expect((await fetch(`${locked.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${locked.url}/models/${DA2}.gguf`)).status).toBe(401);
    expect((await fetch(`${locked.url}/healthz`)).status).toBe(200);
    const right = await postJson(`${locked.url}/v1/depth`, body, { authorization: 'Bearer s3cret' });
    expect(right.status).toBe(200);
    expect((await fetch(`${locked.url}/v1/models`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });
});

describe('queueing, timeout, disconnect, shutdown', () => {
  const tiny = { model: DA3, src: base64(photo('quadrants-32x16.jpg')) };

  it('a request past --timeout-s → 504, and the lane goes on serving', async () => {
    const held = gate();
    const slow = await startTestServer({ timeoutMs: 300, beforeInference: held.wait });
    try {
      const res = await postJson(`${slow.url}/v1/depth`, tiny);
      expect(res.status).toBe(504);
      expect((await errorOf(res)).code).toBe('timeout');
      held.open();
      await until(() => slow.app.status().running === 0);
    } finally {
      held.open();
      await slow.close();
    }
  });

  it('a full queue → 503 with Retry-After; a client that leaves frees its place', async () => {
    const held = gate();
    // Only DA3 requests are held: DA2 shows that another model's lane is not blocked.
    const busy = await startTestServer({ maxQueued: 1, beforeInference: (id) => (id === DA3 ? held.wait() : Promise.resolve()) });
    try {
      const first = postJson(`${busy.url}/v1/depth`, tiny); // runs (held at the gate)
      await until(() => held.held === 1);
      let leave!: () => void;
      const second = rawRequest(`${busy.url}/v1/depth`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(tiny), onSocket: (destroy) => { leave = destroy; } });
      await until(() => busy.app.status().queued === 1);
      const third = await postJson(`${busy.url}/v1/depth`, tiny);
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('1');
      expect((await errorOf(third)).code).toBe('queue_full');
      // Another model has its own lane.
      expect((await postJson(`${busy.url}/v1/depth`, { ...tiny, model: DA2 })).status).toBe(200);

      leave();
      expect((await second).status).toBe(0);
      await until(() => busy.app.status().queued === 0);
      expect(busy.logs.some((l) => l.includes('499') && l.includes('client_closed'))).toBe(true);
      const fourth = postJson(`${busy.url}/v1/depth`, tiny); // takes the freed place
      await until(() => busy.app.status().queued === 1);
      held.open();
      expect((await first).status).toBe(200);
      expect((await fourth).status).toBe(200);
      expect(held.held).toBe(2); // first and fourth: the client that left never ran
    } finally {
      held.open();
      await busy.close();
    }
  });

  it('shutdown lets in-flight requests finish and refuses new ones', async () => {
    const held = gate();
    const app = await startTestServer({ beforeInference: held.wait });
    const inFlight = postJson(`${app.url}/v1/depth`, tiny);
    await until(() => held.held === 1);
    let stopped = false;
    const shutdown = app.close().then(() => { stopped = true; });
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow(); // no new connections
    expect(stopped).toBe(false);
    held.open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await res.json()).width).toBeGreaterThan(0);
    await shutdown;
    expect(stopped).toBe(true);
  });

  it('a model that fails to load → 500 model_load_failed, and the next request tries again', async () => {
    const dir = freshTempDir();
    const path = join(dir, 'shrinking.gguf');
    writeFileSync(path, readFileSync(MODELS.da2));
    const { scanModels } = await import('../src/server/model-catalog.ts');
    const broken = await startTestServer({ catalog: await scanModels([path]) });
    try {
      truncateSync(path, 5000); // the file changes after the server described it
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await postJson(`${broken.url}/v1/depth`, { ...tiny, model: 'shrinking' });
        expect(res.status).toBe(500);
        const error = await errorOf(res);
        expect(error.code).toBe('model_load_failed');
        expect(error.message).toContain('cannot load model "shrinking"');
      }
      expect(broken.app.status().models_loaded).toEqual([]);
    } finally {
      await broken.close();
    }
  });

  it('models load lazily and the least recently used is unloaded past the memory budget', async () => {
    // Costs (file size, or 4 bytes a parameter when larger): DA3 3.27 MB, mono 0.83 MB, DA2 1.29 MB;
    // a 4.3 MB budget holds DA3 + mono, but not all three.
    const lru = await startTestServer({ memoryBudgetBytes: 4_300_000 });
    try {
      expect(lru.app.status().models_loaded).toEqual([]);
      expect((await postJson(`${lru.url}/v1/depth`, tiny)).status).toBe(200);
      expect(lru.app.status().models_loaded).toEqual([DA3]);
      expect((await postJson(`${lru.url}/v1/depth`, { ...tiny, model: MONO })).status).toBe(200);
      expect(lru.app.status().models_loaded).toEqual([DA3, MONO]); // both fit
      expect((await postJson(`${lru.url}/v1/depth`, { ...tiny, model: DA2 })).status).toBe(200);
      expect(lru.app.status().models_loaded).toEqual([MONO, DA2]); // DA3, least recently used, went
      expect(lru.logs.filter((l) => l.startsWith('evicted model'))).toEqual([`evicted model "${DA3}" (memory budget)`]);
      expect((await postJson(`${lru.url}/v1/depth`, tiny)).status).toBe(200); // loads again
      expect(lru.app.status().models_loaded).toEqual([DA3]);
    } finally {
      await lru.close();
    }
  });
});

describe('concurrency', () => {
  it('8 clients × 5 requests across 2 models: each answer is byte-identical to the same request made alone', async () => {
    const images = ['desk.jpg', 'street.jpg', 'canyon.jpg', 'mountains.jpg'].map(photo);
    const requests = [
      ...images.map((img) => ({ route: '/v1/depth', body: { model: DA3, src: base64(img), resolution: 112, include_conf: true, include_pose: true, include_points: true } })),
      ...images.map((img) => ({ route: '/v1/depth', body: { model: DA2, src: base64(img), resolution: 70 } })),
      { route: '/v1/depth/glb', body: { model: DA3, src: base64(images[1]!), resolution: 112 } },
    ];
    const ask = async (i: number) => {
      const res = await postJson(`${server.url}${requests[i]!.route}`, requests[i]!.body);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      if (requests[i]!.route !== '/v1/depth') return bytes;
      const json = JSON.parse(bytes.toString('utf8'));
      delete json.timings; // the only part that may differ
      return Buffer.from(JSON.stringify(json));
    };
    const alone: Buffer[] = [];
    for (let i = 0; i < requests.length; i++) alone.push(await ask(i));
    expect(new Set(alone.map((b) => b.toString('base64'))).size).toBe(requests.length); // distinct answers: a mix-up would show

    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let k = 0; k < 5; k++) {
        const i = (client * 5 + k * 3) % requests.length;
        expect((await ask(i)).equals(alone[i]!), `client ${client} request ${k} (#${i})`).toBe(true);
      }
    });
    await Promise.all(clients);
    expect(server.app.status()).toMatchObject({ queued: 0, running: 0 });
  });
});
