// Compares depth maps written as PFM (ours, depth-anything.cpp's, any tool's) pair by pair with
// the tests' parity metrics: how close a quantized run is to its float32 run, and to another
// implementation's run on the same file.
//
//   node bench/compare-depth.ts ours-q8_0.pfm ours-f32.pfm  ggml-q8_0.pfm ggml-f32.pfm  ours-q8_0.pfm ggml-q8_0.pfm
import { readFile } from 'node:fs/promises';
import { decodePfm } from '../src/export/pfm.ts';
import { parity } from '../test/helpers/parity.ts';

const files = process.argv.slice(2);
if (files.length < 2 || files.length % 2 !== 0) {
  console.error('usage: node bench/compare-depth.ts <a.pfm> <b.pfm> [<a.pfm> <b.pfm> ...]   (each a compared against its b)');
  process.exit(2);
}
for (let i = 0; i < files.length; i += 2) {
  const [a, b] = await Promise.all([files[i]!, files[i + 1]!].map(async (f) => decodePfm(new Uint8Array(await readFile(f)))));
  if (a!.width !== b!.width || a!.height !== b!.height) throw new Error(`${files[i]} is ${a!.width}×${a!.height}, ${files[i + 1]} is ${b!.width}×${b!.height}`);
  const p = parity(a!.values, b!.values);
  console.log(`${files[i]} vs ${files[i + 1]}: pearson ${p.pearson.toFixed(6)}, nrmse ${p.nrmse.toExponential(2)}, max|d| ${p.maxAbs.toExponential(2)}, max rel ${p.maxRel.toExponential(2)}`);
}
