// Bundlers and browsers: the packed package imported by a tiny app (test/smoke/browser-app),
// built for production by esbuild and by Vite, each bundle opened in headless Chromium (Debian's
// `chromium`, driven by playwright-core) twice — served with COOP/COEP (crossOriginIsolated:
// the wasm backend must use worker threads) and without (one thread) — and its depth and camera
// compared with Node's prediction from the same files. Needs /usr/bin/chromium.
//
//   node test/smoke/bundlers-smoke.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bundlers-'));
const bin = (name) => join(repo, 'node_modules/.bin', name);
const { chromium } = await import(join(repo, 'node_modules/playwright-core/index.mjs'));

try {
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: repo });
  const app = join(work, 'app');
  cpSync(join(repo, 'test/smoke/browser-app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), '{"type":"module","private":true}');
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--omit=optional', tarball], { cwd: app });
  const assets = { 'model.gguf': 'fixtures/models/da3/pack-da3-aux-f32.gguf', 'photo.png': 'fixtures/photos/preprocessed/desk.r112.step2.png' };

  // esbuild: one bundle next to the page.
  const esbuildOut = join(work, 'dist-esbuild');
  execFileSync(bin('esbuild'), ['main.js', '--bundle', '--format=esm', '--platform=browser', '--minify', `--outfile=${join(esbuildOut, 'main.js')}`, '--log-level=warning'], { cwd: app });
  cpSync(join(app, 'index.html'), join(esbuildOut, 'index.html'));
  // Vite: its production build of the same page.
  const viteOut = join(work, 'dist-vite');
  execFileSync(bin('vite'), ['build', '--outDir', viteOut, '--emptyOutDir', '--logLevel', 'warn'], { cwd: app });
  for (const dir of [esbuildOut, viteOut]) for (const [name, path] of Object.entries(assets)) cpSync(join(repo, path), join(dir, name));

  // Node's answer for the same files.
  const { bytesSource, decodeImage, loadModel } = await import(join(app, 'node_modules/depth-anything-ts/dist/src/node.js'));
  const model = await loadModel(bytesSource(readFileSync(join(repo, assets['model.gguf']))), { threads: 1 });
  const expected = await model.predict(decodeImage(readFileSync(join(repo, assets['photo.png']))));
  model.dispose();
  let sum = 0;
  for (const v of expected.depth) sum += v;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    for (const [name, dir] of [['esbuild', esbuildOut], ['vite', viteOut]]) {
      for (const isolated of [true, false]) {
        const server = createServer((req, res) => {
          const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html'));
          try {
            const body = readFileSync(path);
            const type = { '.html': 'text/html', '.js': 'text/javascript', '.png': 'image/png' }[extname(path)] ?? 'application/octet-stream';
            res.writeHead(200, { 'content-type': type, ...(isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}) });
            res.end(body);
          } catch {
            res.writeHead(404).end();
          }
        });
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        const page = await browser.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        try {
          await page.goto(`http://127.0.0.1:${server.address().port}/`);
          await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 120_000 });
          const result = await page.evaluate(() => window.__result);
          if (result.error || errors.length) throw new Error(`${name}: ${result.error ?? errors.join('; ')}`);
          const rel = Math.abs(result.sum - sum) / sum;
          const camera = result.extrinsics.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.extrinsics[i])), 0);
          if (result.width !== expected.width || !(rel < 1e-5) || !(camera < 1e-5)) throw new Error(`${name}: depth/camera differ from Node (sum rel ${rel}, camera ${camera})`);
          if (result.crossOriginIsolated !== isolated) throw new Error(`${name}: crossOriginIsolated is ${result.crossOriginIsolated}`);
          if (isolated ? result.threads < 2 : result.threads !== 1) throw new Error(`${name}: ${result.threads} threads with crossOriginIsolated=${isolated}`);
          console.log(`bundler smoke ok: ${name}, crossOriginIsolated=${isolated}, ${result.backend}, same depth and camera as Node (sum rel ${rel.toExponential(1)})`);
        } finally {
          await page.close();
          server.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
