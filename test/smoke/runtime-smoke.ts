// Runtime smoke test: the package's runtime-agnostic entry loads a tiny model from bytes, decodes
// a PNG and predicts depth. Runs unchanged under Node, Deno and Bun (files are read through
// node:fs, which all three provide) on the default wasm backend; prints "smoke ok <runtime> …" or
// exits non-zero.
//
//   node_modules/.bin/node test/smoke/runtime-smoke.ts
//   npx deno run --allow-read test/smoke/runtime-smoke.ts
//   npx bun test/smoke/runtime-smoke.ts
import { readFile } from 'node:fs/promises';
import { bytesSource, decodeImage, loadModel } from '../../src/index.ts';

const fixture = (path: string) => new URL(`../../fixtures/${path}`, import.meta.url);

function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string }; process?: { versions?: { node?: string } } };
  if (g.Deno) return `deno-${g.Deno.version.deno}`;
  if (g.Bun) return `bun-${g.Bun.version}`;
  return `node-${g.process?.versions?.node ?? 'unknown'}`;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`smoke: ${message}`);
}

const start = performance.now();
const model = await loadModel(bytesSource(new Uint8Array(await readFile(fixture('models/da3/pack-da3-aux-f32.gguf')))));
const image = decodeImage(new Uint8Array(await readFile(fixture('photos/preprocessed/desk.r112.step2.png'))));
check(image.width === 112 && image.height === 70, `decoded ${image.width}x${image.height}, expected 112x70`);
const prediction = await model.predict(image);
// DA3 resizes the long side to 504 and the short one to a multiple of 14 near 504 · 70 / 112 = 315.
const { width, height, depth } = prediction;
check(width === 504 && height % 14 === 0 && Math.abs(height - 315) <= 14, `predicted ${width}x${height}, expected 504 x (308 or 322)`);
check(depth.length === width * height, `depth has ${depth.length} values for ${width}x${height}`);
check(depth.every((v) => Number.isFinite(v) && v > 0), 'depth has non-finite or non-positive values');
check(depth.some((v) => v !== depth[0]), 'depth is constant');
check(prediction.confidence?.length === width * height, 'no confidence map');
check(model.backend === 'wasm', `ran on the ${model.backend} backend, expected wasm (the default)`);
model.dispose();
console.log(`smoke ok ${runtimeName()} wasm threads=${model.threads} ${Math.round(performance.now() - start)} ms`);
