// libjpeg-turbo's own tools (Debian libjpeg-turbo-progs: cjpeg, djpeg) as test oracles, and the
// netpbm images they read and write. Used to build fixtures/jpeg (test/tools/make-jpeg-corpus.ts)
// and, where the tools are installed (CI), to compare on freshly generated files.
import { spawnSync } from 'node:child_process';
import { readFixture } from './fixtures.ts';

export interface Pnm { width: number; height: number; rgb: Uint8Array }

export function toolsAvailable(): boolean {
  return ['cjpeg', 'djpeg'].every((tool) => spawnSync(tool, ['-version'], { encoding: 'utf8' }).status === 0);
}

/** djpeg's output (P6, or P5 for grayscale, replicated to RGB like convert("RGB")). */
export function readPnm(bytes: Uint8Array): Pnm {
  let p = 0;
  const token = () => {
    while (bytes[p] === 0x20 || bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x09) p++;
    let s = '';
    while (p < bytes.length && ![0x20, 0x0a, 0x0d, 0x09].includes(bytes[p])) s += String.fromCharCode(bytes[p++]);
    return s;
  };
  const magic = token(), width = Number(token()), height = Number(token());
  token();
  p++;
  const pixels = bytes.subarray(p);
  if (magic === 'P6') return { width, height, rgb: pixels.slice(0, width * height * 3) };
  if (magic !== 'P5') throw new Error(`not a PPM/PGM: ${magic}`);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = pixels[i];
  return { width, height, rgb };
}

let source: Pnm | undefined;

/**
 * A crop of the bundled canyon photo (bright, textured, saturated: every chroma path gets work)
 * as PPM or PGM bytes. The pixels come from djpeg, so the corpus does not depend on our decoder.
 */
export function photoCrop(width: number, height: number, x0: number, y0: number, gray = false): Uint8Array {
  source ??= readPnm(djpeg(readFixture('photos/canyon.jpg')));
  const channels = gray ? 1 : 3;
  const header = new TextEncoder().encode(`${gray ? 'P5' : 'P6'}\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height * channels);
  out.set(header);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = ((y0 + y) * source.width + x0 + x) * 3;
      const d = header.length + (y * width + x) * channels;
      if (gray) out[d] = source.rgb[s + 1];
      else out.set(source.rgb.subarray(s, s + 3), d);
    }
  }
  return out;
}

function run(tool: string, args: string[], input: Uint8Array): Uint8Array {
  const r = spawnSync(tool, args, { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

export const cjpeg = (pnm: Uint8Array, args: string[]) => run('cjpeg', args, pnm);
/** djpeg's default decode (islow IDCT, fancy upsampling), as netpbm. */
export const djpeg = (jpeg: Uint8Array) => run('djpeg', ['-pnm'], jpeg);

/** cjpeg option sets covering the decoder's paths: sampling layouts, progressive, restarts, quality, Huffman optimisation. */
export const CJPEG_OPTIONS: string[][] = [
  ['-sample', '1x1'], ['-sample', '2x1'], ['-sample', '1x2'], ['-sample', '2x2'], ['-sample', '4x1'], ['-sample', '1x4'],
  ['-sample', '4x2'], ['-sample', '2x4'], ['-sample', '3x1'], ['-sample', '1x3'], ['-sample', '3x2'],
  ['-sample', '2x2,1x1,2x1'], ['-sample', '2x2,2x1,1x2'], ['-sample', '4x2,1x1,1x1'], ['-sample', '2x2', '-progressive', '-sample', '2x2,1x1,1x2'],
  ['-sample', '2x1', '-progressive'], ['-sample', '2x2', '-progressive'], ['-sample', '1x1', '-progressive'], ['-sample', '4x1', '-progressive'],
  ['-sample', '2x2', '-restart', '1'], ['-sample', '2x1', '-restart', '3', '-progressive'], ['-sample', '1x1', '-restart', '1B'],
  ['-sample', '2x2', '-quality', '50'], ['-sample', '1x2', '-quality', '95', '-progressive'], ['-sample', '1x1', '-quality', '100', '-optimize'],
  ['-sample', '2x2', '-optimize'], ['-grayscale'], ['-grayscale', '-progressive'], ['-grayscale', '-restart', '2'],
];
