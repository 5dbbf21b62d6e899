// The web hub source under Deno (fetch, Cache API, crypto.subtle) against a loopback fake hub
// served by Deno itself: the first call downloads through the redirect and verifies the sha256,
// the second comes from the Cache API without a request, a corrupted CDN answer is refused.
//
//   npx deno run --allow-read --allow-net test/smoke/hub-web-smoke.ts
import { readFile } from 'node:fs/promises';
import { hubSource, readGguf } from '../../src/index.ts';

declare const Deno: { serve(options: { port: number; hostname: string; onListen?: () => void }, handler: (req: Request) => Response): { shutdown(): Promise<void>; addr: { port: number } } };

const model = new Uint8Array(await readFile(new URL('../../fixtures/models/da3/pack-da3-aux-f32.gguf', import.meta.url)));
const sha = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', model)), (b) => b.toString(16).padStart(2, '0')).join('');
const requests: string[] = [];
let corrupt = false;
const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, (req) => {
  const path = new URL(req.url).pathname;
  requests.push(path);
  if (path.includes('/resolve/')) return new Response(null, { status: 302, headers: { location: `/cdn/${sha}` } });
  const body = corrupt ? model.map((b, i) => (i === 7 ? b ^ 1 : b)) : model;
  return new Response(body, { headers: { etag: `"${sha}"`, 'content-length': String(body.length) } });
});
const endpoint = `http://127.0.0.1:${server.addr.port}`;
const check = (ok: boolean, what: string) => { if (!ok) throw new Error(`hub web smoke: ${what}`); };
try {
  await caches.delete('hub-web-smoke');
  const first = await hubSource('org/models/tiny.gguf', { endpoint, cacheName: 'hub-web-smoke' });
  check((await readGguf(first)).tensors.size > 0, 'not a GGUF');
  check(requests.length === 2, `expected resolve + CDN requests, saw ${requests.join(', ')}`);
  await hubSource('org/models/tiny.gguf', { endpoint, cacheName: 'hub-web-smoke' });
  check(requests.length === 2, 'the second call did not come from the Cache API');
  corrupt = true;
  let refused = false;
  try { await hubSource('org/models/other.gguf', { endpoint, cacheName: 'hub-web-smoke' }); } catch (e) { refused = /sha256/.test(String(e)); }
  check(refused, 'a corrupted download was accepted');
  console.log('hub web smoke ok: downloaded, verified, cached, corruption refused');
} finally {
  await caches.delete('hub-web-smoke');
  await server.shutdown();
}
