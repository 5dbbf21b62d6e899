// Rebuilds fixtures/jpeg: crops of the bundled desk photo encoded by libjpeg-turbo's cjpeg with
// every option set of CJPEG_OPTIONS at sizes that are not multiples of the MCU, each with the
// RGB djpeg makes of it (the expected decode). Needs libjpeg-turbo-progs; the files are committed.
//
//   node test/tools/make-jpeg-corpus.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { CJPEG_OPTIONS, cjpeg, deskCrop, djpeg, readPnm } from '../helpers/jpeg-tools.ts';

const dir = new URL('../../fixtures/jpeg/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.jpg') || f.endsWith('.rgb')) rmSync(new URL(f, dir));
const sizes = [[37, 29, 100, 200], [9, 5, 500, 300], [101, 67, 300, 100]];
let n = 0;
for (const opts of CJPEG_OPTIONS) {
  const gray = opts.includes('-grayscale');
  for (const [w, h, x, y] of sizes) {
    const name = `${opts.join('').replace(/[^a-z0-9]+/gi, '_')}_${w}x${h}`;
    const jpeg = cjpeg(deskCrop(w, h, x, y, gray), opts);
    const expected = readPnm(djpeg(jpeg));
    writeFileSync(new URL(`${name}.jpg`, dir), jpeg);
    writeFileSync(new URL(`${name}.rgb`, dir), expected.rgb); // raw RGB, width×height from the JPEG
    n++;
  }
}
console.log(`wrote ${n} JPEGs and their djpeg decodes to fixtures/jpeg`);
