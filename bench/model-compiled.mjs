// Peak RSS and forward time of the compiled package (dist/, what npm users run): bench/model.ts
// runs the TypeScript sources, whose type stripping and module graph add ≈ 28 MiB of RSS.
//   npm run build && node bench/model-compiled.mjs /tmp/da3-base.gguf [threads]
import { fileSource, loadModel } from '../dist/src/node.js';

const [path, threadArg = '2'] = process.argv.slice(2);
if (!path) throw new Error('usage: node bench/model-compiled.mjs <model.gguf> [threads]');
const start = performance.now();
const source = await fileSource(path);
const model = await loadModel(source, { threads: Number(threadArg) });
const loadMs = performance.now() - start;
const [H, W] = [336, 504];
const data = new Float32Array(3 * H * W).map((_, i) => Math.sin(i * 0.001));
const times = [];
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  await model.forward({ data, views: 1, height: H, width: W });
  times.push(performance.now() - t);
}
const runs = times.slice(1).sort((a, b) => a - b); // first run packs the weights
console.log(`${model.info.checkpointName}, ${model.threads} threads: load ${loadMs.toFixed(0)} ms, forward median ${runs[2].toFixed(0)} ms (min ${runs[0].toFixed(0)}), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
model.dispose();
await source.close();
