// JPEG decoding speed: our decoder (src/image/jpeg) against jpeg-js (the decoder it replaced)
// and libjpeg-turbo's djpeg (native, SIMD), in megapixels per second, on the bundled 1024×680
// photo and, when cjpeg/djpeg are installed, a 6.3 MP baseline and progressive 4:2:0 photo.
//
//   node bench/jpeg.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as jpegJsDecode } from 'jpeg-js';
import { Bench } from 'tinybench';
import { decodeJpeg } from '../src/image/jpeg/decode-jpeg.ts';
import { cjpeg, photoCrop, readPnm, toolsAvailable } from '../test/helpers/jpeg-tools.ts';

const photo = readFileSync(new URL('../fixtures/photos/desk.jpg', import.meta.url));
const inputs: { name: string; bytes: Uint8Array; mp: number }[] = [{ name: 'desk.jpg 1024×680 (4:2:0 baseline)', bytes: photo, mp: 1024 * 680 / 1e6 }];
const scratch = mkdtempSync(join(tmpdir(), 'jpeg-bench-'));

if (toolsAvailable()) {
  // 3×3 tiles of the canyon photo (mirrored so the seams stay smooth) → 3072×2040.
  const tile = readPnm(photoCrop(1024, 680, 0, 0));
  const w = 3 * tile.width, h = 3 * tile.height;
  const header = new TextEncoder().encode(`P6\n${w} ${h}\n255\n`);
  const ppm = new Uint8Array(header.length + w * h * 3);
  ppm.set(header);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const tx = Math.floor(x / tile.width) % 2 ? tile.width - 1 - (x % tile.width) : x % tile.width;
      const ty = Math.floor(y / tile.height) % 2 ? tile.height - 1 - (y % tile.height) : y % tile.height;
      ppm.set(tile.rgb.subarray((ty * tile.width + tx) * 3, (ty * tile.width + tx) * 3 + 3), header.length + (y * w + x) * 3);
    }
  }
  for (const [label, opts] of [['baseline', []], ['progressive', ['-progressive']]] as const) {
    const bytes = cjpeg(ppm, ['-quality', '90', '-sample', '2x2', ...opts]);
    writeFileSync(join(scratch, `${label}.jpg`), bytes);
    inputs.push({ name: `3072×2040 q90 4:2:0 ${label}`, bytes, mp: w * h / 1e6 });
  }
}

const bench = new Bench({ time: 1500, warmupTime: 300 });
for (const input of inputs) {
  bench.add(`ours     ${input.name}`, () => { decodeJpeg(input.bytes); });
  bench.add(`jpeg-js  ${input.name}`, () => { jpegJsDecode(input.bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 200, maxMemoryUsageInMB: 2048 }); });
}
await bench.run();
console.log(`machine: ${process.platform} ${process.arch}, Node ${process.version}\n`);
console.log('| decoder · image | median ms | MP/s |\n|---|---:|---:|');
for (const task of bench.tasks) {
  const input = inputs.find((i) => task.name.endsWith(i.name))!;
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  const ms = result.latency.p50;
  console.log(`| ${task.name.replace(/\s+/, ' · ')} | ${ms.toFixed(1)} | ${(input.mp / ms * 1e3).toFixed(1)} |`);
}
if (toolsAvailable()) {
  // djpeg: wall time of 20 runs in one shell (process start included, ≈ 1–2 ms each).
  for (const input of inputs.slice(1)) {
    const file = join(scratch, `${input.name.includes('progressive') ? 'progressive' : 'baseline'}.jpg`);
    const start = performance.now();
    spawnSync('sh', ['-c', `for i in $(seq 20); do djpeg -pnm "${file}" > /dev/null; done`]);
    const ms = (performance.now() - start) / 20;
    console.log(`| djpeg (libjpeg-turbo, native SIMD) · ${input.name} | ${ms.toFixed(1)} | ${(input.mp / ms * 1e3).toFixed(1)} |`);
  }
}
rmSync(scratch, { recursive: true, force: true });
