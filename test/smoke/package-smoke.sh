#!/usr/bin/env bash
# The published package, as a user gets it: `npm pack`, install into an empty project, then import
# it by name (the `node` export condition), run the CLI bin, and load the kernels from the exported
# raw .wasm as a precompiled WebAssembly.Module (what edge runtimes require); with DA_REQUIRE_WEBGPU=1
# also predict on the webgpu backend through the optional `webgpu` dependency.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
mkdir "$work/app" && cd "$work/app"
echo '{"type":"module","private":true}' > package.json
npm install --silent --no-audit --no-fund "$work"/depth-anything-ts-*.tgz
cat > check.mjs <<JS
import { readFileSync } from 'node:fs';
import { bytesSource, decodeImage, loadModel } from 'depth-anything-ts';
const gguf = bytesSource(readFileSync('$repo/fixtures/models/da3/pack-da3-aux-f32.gguf'));
const wasm = readFileSync(new URL(import.meta.resolve('depth-anything-ts/wasm/simd-single.wasm')));
const model = await loadModel(gguf, { wasmModule: new WebAssembly.Module(wasm) });
const out = await model.predict(decodeImage(readFileSync('$repo/fixtures/photos/desk.jpg')));
if (out.width !== 504 || out.height !== 336 || !out.depth.every(Number.isFinite)) throw new Error('bad prediction');
console.log('package smoke ok (Node ' + process.version + '): import, precompiled module,', model.backend, out.width + 'x' + out.height);
if (process.env.DA_REQUIRE_WEBGPU === '1') {
  // The optional Dawn dependency came with the install: the same prediction on WebGPU.
  const gpu = await loadModel(gguf, { backend: 'webgpu' });
  const g = await gpu.predict(decodeImage(readFileSync('$repo/fixtures/photos/desk.jpg')));
  const worst = g.depth.reduce((m, v, i) => Math.max(m, Math.abs(v - out.depth[i]) / Math.abs(out.depth[i])), 0);
  if (!(worst < 1e-3)) throw new Error('webgpu depth differs from wasm by ' + worst);
  console.log('package smoke ok:', gpu.backendDescription, 'max rel vs wasm', worst.toExponential(1));
  gpu.dispose();
}
JS
node check.mjs
# …and on Node 22, the minimum in `engines`.
npx -y -p node@22.23.3 node check.mjs
node_modules/.bin/depth-anything info --model "$repo/fixtures/models/da3/pack-da3-aux-f32.gguf" | head -1
# `serve` from the package: the page comes from dist/web (built at prepack; no esbuild here).
cat > serve-check.mjs <<JS
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const child = spawn('node_modules/.bin/depth-anything', ['serve', '--models', '$repo/fixtures/models/da2', '--port', '0', '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (c) => { stderr += c; });
const exit = new Promise((resolve) => child.on('exit', resolve));
while (!/listening on (http:\S+)\//.test(stderr)) { if (child.exitCode !== null) throw new Error(stderr); await new Promise((r) => setTimeout(r, 20)); }
const url = /listening on (http:\S+)\//.exec(stderr)[1];
const page = await fetch(url + '/');
const script = await fetch(url + '/app.js');
if (page.status !== 200 || script.status !== 200 || (await script.text()).length < 10000) throw new Error('page: ' + page.status + ' ' + script.status);
const res = await fetch(url + '/v1/depth', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'pack-da2-f32', src: readFileSync('$repo/fixtures/photos/desk.jpg').toString('base64') }) });
const body = await res.json();
if (res.status !== 200 || body.width !== 784) throw new Error('depth: ' + JSON.stringify(body).slice(0, 200));
child.kill('SIGTERM');
if ((await exit) !== 0) throw new Error('exit: ' + stderr);
console.log('package smoke ok: serve (page from dist/web, POST /v1/depth', body.width + 'x' + body.height + ', SIGTERM exit 0)');
JS
node serve-check.mjs
