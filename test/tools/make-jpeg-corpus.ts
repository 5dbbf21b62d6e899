// Rebuilds fixtures/jpeg: crops of the bundled canyon photo encoded by libjpeg-turbo's cjpeg with
// every option set of CJPEG_OPTIONS at sizes that are not multiples of the MCU, each with the
// RGB djpeg makes of it (the expected decode). Needs libjpeg-turbo-progs; the files are committed.
//
//   node test/tools/make-jpeg-corpus.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { CJPEG_OPTIONS, cjpeg, photoCrop, djpeg, readPnm } from '../helpers/jpeg-tools.ts';

const dir = new URL('../../fixtures/jpeg/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.jpg') || f.endsWith('.rgb')) rmSync(new URL(f, dir));
/** The most textured position of a w×h crop on a coarse grid (flat crops would test little). */
function busiestCrop(w: number, h: number): [number, number, number, number] {
  let best: [number, number, number, number] = [w, h, 0, 0], bestSpread = -1;
  for (let y = 0; y + h <= 680; y += 37) {
    for (let x = 0; x + w <= 1024; x += 53) {
      const px = photoCrop(w, h, x, y).subarray(-w * h * 3);
      let s = 0, s2 = 0;
      for (const v of px) { s += v; s2 += v * v; }
      const spread = s2 / px.length - (s / px.length) ** 2;
      if (spread > bestSpread) { bestSpread = spread; best = [w, h, x, y]; }
    }
  }
  return best;
}
const sizes = [busiestCrop(37, 29), busiestCrop(9, 5), busiestCrop(101, 67)];
let n = 0;
for (const opts of CJPEG_OPTIONS) {
  const gray = opts.includes('-grayscale');
  for (const [w, h, x, y] of sizes) {
    const name = `${opts.join('').replace(/[^a-z0-9]+/gi, '_')}_${w}x${h}`;
    const jpeg = cjpeg(photoCrop(w, h, x, y, gray), opts);
    const expected = readPnm(djpeg(jpeg));
    writeFileSync(new URL(`${name}.jpg`, dir), jpeg);
    writeFileSync(new URL(`${name}.rgb`, dir), expected.rgb); // raw RGB, width×height from the JPEG
    n++;
  }
}
console.log(`wrote ${n} JPEGs and their djpeg decodes to fixtures/jpeg`);
