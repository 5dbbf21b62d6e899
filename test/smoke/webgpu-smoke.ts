// WebGPU smoke test through the runtime's own navigator.gpu (Deno's built-in wgpu): the
// runtime-agnostic entry loads the tiny model on the webgpu backend and must predict what the
// wasm backend predicts. Prints "webgpu smoke ok …" or exits non-zero.
//
//   npx deno run --allow-read test/smoke/webgpu-smoke.ts
import { readFile } from 'node:fs/promises';
import { bytesSource, decodeImage, loadModel } from '../../src/index.ts';

const fixture = (path: string) => new URL(`../../fixtures/${path}`, import.meta.url);
const gguf = new Uint8Array(await readFile(fixture('models/da3/pack-da3-aux-f32.gguf')));
const image = decodeImage(new Uint8Array(await readFile(fixture('photos/preprocessed/desk.r112.step2.png'))));

const start = performance.now();
const gpu = await loadModel(bytesSource(gguf), { backend: 'webgpu' });
const cpu = await loadModel(bytesSource(gguf), { backend: 'wasm' });
const [a, b] = [await gpu.predict(image, { resolution: 112 }), await cpu.predict(image, { resolution: 112 })];
let worst = 0;
for (let i = 0; i < b.depth.length; i++) worst = Math.max(worst, Math.abs(a.depth[i] - b.depth[i]) / Math.abs(b.depth[i]));
if (!(worst < 1e-4) || a.depth.length !== b.depth.length) throw new Error(`webgpu smoke: depth differs from wasm by ${worst}`);
if (!gpu.backendDescription.startsWith('webgpu')) throw new Error(`webgpu smoke: ran on ${gpu.backendDescription}`);
gpu.dispose();
cpu.dispose();
console.log(`webgpu smoke ok ${gpu.backendDescription}, depth max rel vs wasm ${worst.toExponential(1)}, ${Math.round(performance.now() - start)} ms`);
