#!/usr/bin/env bash
# Cloudflare's workerd (npm `workerd`) running the packed package: `npm pack`, install it, bundle
# test/smoke/workerd/worker.js with esbuild (the .wasm and data files stay separate modules, as
# wrangler's module rules keep them), serve it and check the depth and camera it answers with
# against the Node run of the same files.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
mkdir -p "$work/app/build" && cd "$work/app"
echo '{"type":"module","private":true}' > package.json
npm install --silent --no-audit --no-fund --omit=optional "$work"/depth-anything-ts-*.tgz
cp "$repo/test/smoke/workerd/worker.js" "$repo/test/smoke/workerd/config.capnp" .
"$repo/node_modules/.bin/esbuild" worker.js --bundle --format=esm --platform=browser --conditions=workerd,worker,browser \
  --external:./kernels.wasm --external:./model.gguf --external:./photo.png --outfile=build/worker.js --log-level=warning
cp node_modules/depth-anything-ts/src/backend/wasm/kernels-simd-single.wasm build/kernels.wasm
cp "$repo/fixtures/models/da3/pack-da3-aux-f32.gguf" build/model.gguf
cp "$repo/fixtures/photos/preprocessed/desk.r112.step2.png" build/photo.png
"$repo/node_modules/.bin/workerd" serve config.capnp > workerd.log 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18787/ 2>/dev/null && break; sleep 0.2; done
curl -sS http://127.0.0.1:18787/ > answer.json
cat > compare.mjs <<JS
import { readFileSync } from 'node:fs';
import { bytesSource, decodeImage, loadModel } from 'depth-anything-ts';
const answer = JSON.parse(readFileSync('answer.json', 'utf8'));
// The same kernel build as the Worker (simd-single), so the two must agree exactly.
const model = await loadModel(bytesSource(readFileSync('build/model.gguf')), { wasmModule: new WebAssembly.Module(readFileSync('build/kernels.wasm')) });
const p = await model.predict(decodeImage(readFileSync('build/photo.png')));
let min = Infinity, max = -Infinity;
for (const v of p.depth) { min = Math.min(min, v); max = Math.max(max, v); }
if (answer.width !== p.width || answer.height !== p.height) throw new Error('workerd size ' + answer.width + 'x' + answer.height);
if (answer.min !== min || answer.max !== max) throw new Error('workerd depth range ' + answer.min + '..' + answer.max + ' vs ' + min + '..' + max);
const camera = answer.extrinsics.map((v, i) => Math.abs(v - p.extrinsics[i])).reduce((a, b) => Math.max(a, b), 0);
if (camera !== 0 || answer.extrinsics.length !== 12) throw new Error('workerd camera differs by ' + camera);
console.log('workerd smoke ok: ' + answer.backend + ', ' + answer.width + 'x' + answer.height + ', depth ' + answer.min.toFixed(4) + '..' + answer.max.toFixed(4) + ' (same as Node)');
model.dispose();
JS
node compare.mjs || { echo "workerd answered:"; cat answer.json; echo; cat workerd.log; exit 1; }
