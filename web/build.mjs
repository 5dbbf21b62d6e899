// Bundles the web page that `depth-anything serve` shows at `/`: web/app.ts (and the library it
// imports, kernels inlined) into one ES module next to index.html. `npm run build:web` (run by
// prepack) writes dist/web/ for the published package; the server calls bundlePage() directly
// when it runs from a checkout, so the page there is never stale.
//
//   node web/build.mjs [outdir]     (default dist/web)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The page's files, name → bytes: index.html and app.js. */
export async function bundlePage() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(here, 'app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outfile: 'app.js',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map([['index.html', readFileSync(join(here, 'index.html'))]]);
  for (const file of result.outputFiles) files.set(file.path.split(/[\\/]/).pop(), file.contents);
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outdir = process.argv[2] ?? join(here, '..', 'dist', 'web');
  mkdirSync(outdir, { recursive: true });
  const files = await bundlePage();
  for (const [name, bytes] of files) writeFileSync(join(outdir, name), bytes);
  console.log(`web page: ${[...files].map(([name, bytes]) => `${name} (${Math.round(bytes.length / 1024)} KiB)`).join(', ')} in ${outdir}`);
}
