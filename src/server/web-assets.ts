// The web page and its script. From a checkout (this file runs as .ts) the page is bundled by
// esbuild (a devDependency) on first request, so it is never stale; the published package has no
// esbuild and serves the bundle `npm pack` built into dist/web/ (web/build.mjs). Without either,
// the page answers 503 saying how to build it, and the API works regardless.
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';

export interface WebAsset {
  body: Uint8Array;
  type: string;
}

export type WebAssets = Map<string, WebAsset>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.map': 'application/json',
};

function asset(name: string, body: Uint8Array): WebAsset {
  return { body, type: TYPES[extname(name)] ?? 'application/octet-stream' };
}

/** Files of a built page folder (dist/web), keyed by URL path; "/" is index.html. */
function readBuiltPage(dir: URL): WebAssets {
  const assets: WebAssets = new Map();
  for (const name of readdirSync(dir)) assets.set(`/${name}`, asset(name, readFileSync(new URL(name, dir))));
  const index = assets.get('/index.html');
  if (!index) throw new Error(`no index.html in ${dir.pathname}`);
  assets.set('/', index);
  return assets;
}

async function bundleFromSources(): Promise<WebAssets> {
  const build = new URL('../../web/build.mjs', import.meta.url);
  const { bundlePage } = (await import(build.href)) as { bundlePage(): Promise<Map<string, Uint8Array>> };
  const files = await bundlePage();
  const assets: WebAssets = new Map();
  for (const [name, body] of files) assets.set(`/${name}`, asset(name, body));
  assets.set('/', assets.get('/index.html')!);
  return assets;
}

/** Loads the page once, on first use; a failure is kept and reported on every page request. */
export function webAssetLoader(): () => Promise<WebAssets> {
  let loading: Promise<WebAssets> | undefined;
  return () => {
    loading ??= import.meta.url.endsWith('.ts')
      ? bundleFromSources().catch((e: unknown) => {
        throw new Error(`cannot bundle the web page from web/ (${e instanceof Error ? e.message : String(e)}); the API still works`);
      })
      : Promise.resolve().then(() => readBuiltPage(new URL('../../web/', import.meta.url))).catch((e: unknown) => {
        throw new Error(`the web page was not built into dist/web (${e instanceof Error ? e.message : String(e)}); run \`npm run build:web\`; the API still works`);
      });
    return loading;
  };
}
