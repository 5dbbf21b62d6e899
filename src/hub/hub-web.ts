// Hub models in browsers, Deno and workers: fetched from the hub's resolve URL (the browser
// follows the redirect to the CDN), verified against the sha256 the CDN names in its ETag when it
// names one, and kept in the Cache API so the next visit does not download again.
import { bytesSource, type ByteSource } from '../../gguf/source.ts';
import { DEFAULT_ENDPOINT, describeHttpFailure, linkedEtag, parseHubSpec, resolveUrl } from './hub-spec.ts';

export interface WebHubOptions {
  /** Default: the hub (HF_ENDPOINT's default). */
  endpoint?: string;
  /** A user access token, for gated or private repositories. */
  token?: string;
  /** Cache API store name (default "depth-anything-ts-hub"); null: do not cache. */
  cacheName?: string | null;
  onProgress?: (done: number, total: number) => void;
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** A hub file (`<owner>/<repo>/<path>[@revision]`) as a byte source, cached with the Cache API. */
export async function hubSource(spec: string, options: WebHubOptions = {}): Promise<ByteSource> {
  const file = parseHubSpec(spec);
  const url = resolveUrl(file, options.endpoint ?? DEFAULT_ENDPOINT);
  const store = options.cacheName === null || typeof caches === 'undefined' ? undefined : await caches.open(options.cacheName ?? 'depth-anything-ts-hub');
  const cached = await store?.match(url);
  if (cached) return bytesSource(new Uint8Array(await cached.arrayBuffer()));
  const response = await fetch(url, { headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
  if (!response.ok || !response.body) throw new Error(`hub: ${describeHttpFailure(response.status, file)}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const chunks: Uint8Array[] = [];
  let done = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    done += chunk.byteLength;
    options.onProgress?.(done, total);
  }
  const bytes = new Uint8Array(done);
  chunks.reduce((offset, c) => { bytes.set(c, offset); return offset + c.byteLength; }, 0);
  const etag = linkedEtag(response.headers);
  if (etag && /^[0-9a-f]{64}$/.test(etag)) {
    const actual = hex(await crypto.subtle.digest('SHA-256', bytes));
    if (actual !== etag) throw new Error(`hub: the downloaded file's sha256 ${actual} is not the hub's ${etag} (corrupted download; try again)`);
  }
  await store?.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytesSource(bytes);
}
