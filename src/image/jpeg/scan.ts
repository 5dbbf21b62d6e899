// Entropy decoding of one scan into the frame's coefficient arrays: baseline/extended sequential
// Huffman (ITU T.81 F.2.2) and progressive Huffman (G.1.2: DC first and refinement, AC first
// with end-of-band runs, AC refinement), with restart intervals.
import { BitReader, type HuffmanTable } from './huffman.ts';
import { JpegError } from './jpeg-error.ts';
import type { Component, Frame } from './frame.ts';

/** Zigzag position → natural (row-major) position in the 8×8 block. */
export const NATURAL_ORDER = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

export interface ScanComponent {
  component: Component;
  dc: HuffmanTable | undefined;
  ac: HuffmanTable | undefined;
}

export interface ScanParams {
  components: ScanComponent[];
  ss: number;
  se: number;
  ah: number;
  al: number;
  restartInterval: number;
}


/** Decodes the scan whose entropy-coded data starts at `pos`; returns where its ending marker starts. */
export function decodeScan(data: Uint8Array, pos: number, frame: Frame, scan: ScanParams): number {
  const reader = new BitReader(data, pos);
  const preds = new Int32Array(scan.components.length);
  const state = { eobrun: 0 };
  const decodeBlock = blockDecoder(frame, scan, preds, state);
  const single = scan.components.length === 1;
  const c0 = scan.components[0].component;
  const mcusX = single ? c0.widthInBlocks : frame.mcusX;
  const mcusY = single ? c0.heightInBlocks : frame.mcusY;
  const total = mcusX * mcusY;
  let restartIndex = 0;
  for (let mcu = 0; mcu < total; mcu++) {
    if (scan.restartInterval > 0 && mcu > 0 && mcu % scan.restartInterval === 0) {
      reader.restart(restartIndex);
      restartIndex = (restartIndex + 1) & 7;
      preds.fill(0);
      state.eobrun = 0;
    }
    const mx = mcu % mcusX, my = (mcu - mx) / mcusX;
    if (single) {
      const sc = scan.components[0];
      decodeBlock(reader, sc, c0.coefficients, (my * c0.blocksPerLine + mx) * 64, 0);
      continue;
    }
    for (let i = 0; i < scan.components.length; i++) {
      const sc = scan.components[i], c = sc.component;
      for (let by = 0; by < c.v; by++) {
        const row = my * c.v + by;
        for (let bx = 0; bx < c.h; bx++) decodeBlock(reader, sc, c.coefficients, (row * c.blocksPerLine + mx * c.h + bx) * 64, i);
      }
    }
  }
  reader.checkNoPadding('scan');
  return reader.endOfSegment();
}

function blockDecoder(frame: Frame, scan: ScanParams, preds: Int32Array, state: { eobrun: number }) {
  const { ss, se, ah, al } = scan;
  const need = (t: HuffmanTable | undefined, kind: string): HuffmanTable => {
    if (!t) throw new JpegError(`scan uses an undefined ${kind} Huffman table`);
    return t;
  };
  if (!frame.progressive) {
    return (r: BitReader, sc: ScanComponent, coefs: Int16Array, off: number, i: number) => {
      const s = r.decode(need(sc.dc, 'DC'));
      if (s > 11) throw new JpegError('corrupt DC coefficient');
      preds[i] += s === 0 ? 0 : r.receiveExtend(s);
      coefs[off] = preds[i];
      const ac = need(sc.ac, 'AC');
      for (let k = 1; k < 64; k++) {
        const rs = r.decode(ac);
        const run = rs >> 4, size = rs & 15;
        if (size === 0) {
          if (run !== 15) break;
          k += 15;
          continue;
        }
        k += run;
        if (k > 63) throw new JpegError('corrupt AC coefficients (past the end of the block)');
        coefs[off + NATURAL_ORDER[k]] = r.receiveExtend(size);
      }
    };
  }
  if (ss === 0) {
    if (ah === 0) {
      return (r: BitReader, sc: ScanComponent, coefs: Int16Array, off: number, i: number) => {
        const s = r.decode(need(sc.dc, 'DC'));
        if (s > 11) throw new JpegError('corrupt DC coefficient');
        preds[i] += s === 0 ? 0 : r.receiveExtend(s);
        coefs[off] = preds[i] * (1 << al);
      };
    }
    return (r: BitReader, _sc: ScanComponent, coefs: Int16Array, off: number) => {
      if (r.getBit()) coefs[off] |= 1 << al;
    };
  }
  if (ah === 0) {
    return (r: BitReader, sc: ScanComponent, coefs: Int16Array, off: number) => {
      if (state.eobrun > 0) { state.eobrun--; return; }
      const ac = need(sc.ac, 'AC');
      for (let k = ss; k <= se; k++) {
        const rs = r.decode(ac);
        const run = rs >> 4, size = rs & 15;
        if (size === 0) {
          if (run < 15) {
            state.eobrun = (1 << run) - 1 + (run > 0 ? r.getBits(run) : 0);
            break;
          }
          k += 15;
          continue;
        }
        k += run;
        if (k > 63) throw new JpegError('corrupt AC coefficients (past the end of the block)');
        coefs[off + NATURAL_ORDER[k]] = r.receiveExtend(size) * (1 << al);
      }
    };
  }
  const p1 = 1 << al, m1 = -1 << al;
  return (r: BitReader, sc: ScanComponent, coefs: Int16Array, off: number) => {
    let k = ss;
    if (state.eobrun === 0) {
      const ac = need(sc.ac, 'AC');
      for (; k <= se; k++) {
        const rs = r.decode(ac);
        let run = rs >> 4;
        let value = 0;
        if ((rs & 15) !== 0) {
          if ((rs & 15) !== 1) throw new JpegError('corrupt AC refinement (coefficient size is not 1)');
          value = r.getBit() ? p1 : m1;
        } else if (run !== 15) {
          state.eobrun = 1 << run;
          if (run > 0) state.eobrun += r.getBits(run);
          break;
        }
        while (k <= se) {
          const z = off + NATURAL_ORDER[k];
          if (coefs[z] !== 0) {
            if (r.getBit() && (coefs[z] & p1) === 0) coefs[z] += coefs[z] >= 0 ? p1 : m1;
          } else {
            if (run === 0) break;
            run--;
          }
          k++;
        }
        if (value !== 0) {
          if (k > 63) throw new JpegError('corrupt AC refinement (past the end of the block)');
          coefs[off + NATURAL_ORDER[k]] = value;
        }
      }
    }
    if (state.eobrun > 0) {
      for (; k <= se; k++) {
        const z = off + NATURAL_ORDER[k];
        if (coefs[z] !== 0 && r.getBit() && (coefs[z] & p1) === 0) coefs[z] += coefs[z] >= 0 ? p1 : m1;
      }
      state.eobrun--;
    }
  };
}
