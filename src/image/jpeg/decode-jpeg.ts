// JPEG decoding to interleaved RGB, bit-exact with libjpeg-turbo's default decode (djpeg; what
// Pillow and OpenCV return): baseline, extended and progressive Huffman JPEGs, restart intervals,
// every sampling layout libjpeg-turbo accepts, grayscale, RGB, CMYK and YCCK. Arithmetic
// coding, lossless, hierarchical and 12-bit JPEGs are refused with a clear error, as is any
// truncated or corrupt stream (never grey- or zero-filled output).
import { cmykToRgb, grayToRgb, planesToRgb, ycbcrToRgb, ycckToCmyk } from './color.ts';
import { parseFrame, type Frame } from './frame.ts';
import { buildHuffmanTable, type HuffmanTable } from './huffman.ts';
import { idctBlock } from './idct.ts';
import { JpegError } from './jpeg-error.ts';
import { decodeScan, NATURAL_ORDER, type ScanComponent } from './scan.ts';
import { upsample } from './upsample.ts';

export interface DecodedJpeg {
  width: number;
  height: number;
  /** Interleaved RGB. */
  data: Uint8Array;
}

const UNSUPPORTED_SOF: Record<number, string> = {
  0xc3: 'lossless', 0xc5: 'hierarchical', 0xc6: 'hierarchical progressive', 0xc7: 'hierarchical lossless',
  0xc9: 'arithmetic-coded', 0xca: 'arithmetic-coded progressive', 0xcb: 'arithmetic-coded lossless',
  0xcd: 'hierarchical arithmetic-coded', 0xce: 'hierarchical arithmetic-coded progressive', 0xcf: 'hierarchical arithmetic-coded lossless',
};

export function decodeJpeg(data: Uint8Array): DecodedJpeg {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new JpegError('not a JPEG (no SOI marker)');
  const quant: (Uint16Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  /** The quantization table each component latched at its first scan (libjpeg's rule). */
  const latched = new Map<number, Uint16Array>();
  let frame: Frame | undefined;
  let restartInterval = 0;
  let jfif = false;
  let adobeTransform: number | undefined;
  let scans = 0;
  let sawEoi = false;
  let pos = 2;

  while (pos < data.length) {
    if (data[pos] !== 0xff) throw new JpegError(`expected a marker at byte ${pos}, found 0x${data[pos].toString(16)} (corrupt file)`);
    while (pos < data.length && data[pos] === 0xff) pos++; // fill bytes
    if (pos >= data.length) break;
    const marker = data[pos++];
    if (marker === 0xd9) { sawEoi = true; break; }
    if (marker >= 0xd0 && marker <= 0xd7) continue; // stray restart marker: nothing to read
    if (pos + 2 > data.length) break;
    const length = (data[pos] << 8) | data[pos + 1];
    if (length < 2 || pos + length > data.length) throw new JpegError(`marker 0x${marker.toString(16)} segment runs past the end of the file (truncated)`);
    const seg = data.subarray(pos + 2, pos + length);
    pos += length;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (frame) throw new JpegError('more than one frame header (SOF)');
      frame = parseFrame(seg, marker === 0xc2);
    } else if (UNSUPPORTED_SOF[marker]) {
      throw new JpegError(`${UNSUPPORTED_SOF[marker]} JPEGs are not supported`);
    } else if (marker === 0xcc) {
      throw new JpegError('arithmetic-coded JPEGs are not supported');
    } else if (marker === 0xc4) {
      readHuffmanTables(seg, dcTables, acTables);
    } else if (marker === 0xdb) {
      readQuantTables(seg, quant);
    } else if (marker === 0xdd) {
      if (seg.length < 2) throw new JpegError('DRI segment is truncated');
      restartInterval = (seg[0] << 8) | seg[1];
    } else if (marker === 0xdc) {
      throw new JpegError('DNL markers (height defined after the first scan) are not supported');
    } else if (marker === 0xe0) {
      if (seg.length >= 5 && seg[0] === 0x4a && seg[1] === 0x46 && seg[2] === 0x49 && seg[3] === 0x46 && seg[4] === 0) jfif = true;
    } else if (marker === 0xee) {
      if (seg.length >= 12 && seg[0] === 0x41 && seg[1] === 0x64 && seg[2] === 0x6f && seg[3] === 0x62 && seg[4] === 0x65) adobeTransform = seg[11];
    } else if (marker === 0xda) {
      if (!frame) throw new JpegError('scan (SOS) before the frame header (SOF)');
      const scan = readScanHeader(seg, frame, dcTables, acTables, restartInterval);
      for (const { component } of scan.components) {
        if (!latched.has(component.id)) {
          const table = quant[component.tq];
          if (!table) throw new JpegError(`quantization table ${component.tq} is used before it is defined`);
          latched.set(component.id, table.slice());
        }
      }
      pos = decodeScan(data, pos, frame, scan);
      scans++;
    }
    // Other APPn, COM and unknown segments carry nothing the pixels depend on.
  }

  if (!frame) throw new JpegError('no frame header (SOF): truncated or not an image');
  if (scans === 0) throw new JpegError('no image data (no scan): truncated file');
  if (!sawEoi && frame.progressive) throw new JpegError('progressive JPEG ends before its end marker (EOI): truncated file');
  for (const c of frame.components) if (!latched.has(c.id)) throw new JpegError(`component ${c.id} has no scan: truncated file`);
  return toRgb(frame, latched, colorSpace(frame, jfif, adobeTransform));
}

type ColorSpace = 'gray' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';

/** libjpeg's guess of the stored color space (jdapimin.c default_decompress_parms). */
function colorSpace(frame: Frame, jfif: boolean, adobeTransform: number | undefined): ColorSpace {
  const ids = frame.components.map((c) => c.id);
  if (ids.length === 1) return 'gray';
  if (ids.length === 3) {
    if (jfif) return 'ycbcr';
    if (adobeTransform !== undefined) return adobeTransform === 0 ? 'rgb' : 'ycbcr';
    return ids[0] === 82 && ids[1] === 71 && ids[2] === 66 ? 'rgb' : 'ycbcr';
  }
  if (adobeTransform !== undefined) return adobeTransform === 0 ? 'cmyk' : 'ycck';
  return 'cmyk';
}

function toRgb(frame: Frame, quant: Map<number, Uint16Array>, space: ColorSpace): DecodedJpeg {
  const { width, height } = frame;
  const planes = frame.components.map((c) => {
    const stride = c.blocksPerLine * 8;
    const samples = new Uint8Array(stride * c.blocksPerColumn * 8);
    const q = quant.get(c.id)!;
    for (let by = 0; by < c.blocksPerColumn; by++) {
      for (let bx = 0; bx < c.blocksPerLine; bx++) {
        idctBlock(c.coefficients, (by * c.blocksPerLine + bx) * 64, q, samples, by * 8 * stride + bx * 8, stride);
      }
    }
    const plane = { data: samples, stride, width: c.downsampledWidth, height: c.downsampledHeight };
    return upsample(plane, frame.hmax / c.h, frame.vmax / c.v, width, height);
  });
  const out = new Uint8Array(width * height * 3);
  if (space === 'gray') grayToRgb(planes[0], out);
  else if (space === 'ycbcr') ycbcrToRgb(planes[0], planes[1], planes[2], out);
  else if (space === 'rgb') planesToRgb(planes[0], planes[1], planes[2], out);
  else {
    if (space === 'ycck') ycckToCmyk(planes[0], planes[1], planes[2]);
    cmykToRgb(planes[0], planes[1], planes[2], planes[3], out);
  }
  return { width, height, data: out };
}

function readQuantTables(seg: Uint8Array, quant: (Uint16Array | undefined)[]): void {
  let p = 0;
  while (p < seg.length) {
    const precision = seg[p] >> 4, id = seg[p] & 15;
    const size = precision === 0 ? 64 : 128;
    if (precision > 1 || id > 3) throw new JpegError(`invalid quantization table header 0x${seg[p].toString(16)}`);
    if (p + 1 + size > seg.length) throw new JpegError('DQT segment is truncated');
    const table = new Uint16Array(64);
    for (let k = 0; k < 64; k++) {
      table[NATURAL_ORDER[k]] = precision === 0 ? seg[p + 1 + k] : (seg[p + 1 + 2 * k] << 8) | seg[p + 2 + 2 * k];
    }
    quant[id] = table;
    p += 1 + size;
  }
}

function readHuffmanTables(seg: Uint8Array, dc: (HuffmanTable | undefined)[], ac: (HuffmanTable | undefined)[]): void {
  let p = 0;
  while (p < seg.length) {
    if (p + 17 > seg.length) throw new JpegError('DHT segment is truncated');
    const cls = seg[p] >> 4, id = seg[p] & 15;
    if (cls > 1 || id > 3) throw new JpegError(`invalid Huffman table header 0x${seg[p].toString(16)}`);
    const counts = seg.subarray(p + 1, p + 17);
    const n = counts.reduce((a, b) => a + b, 0);
    if (n > 256 || p + 17 + n > seg.length) throw new JpegError('DHT segment is truncated or holds too many symbols');
    (cls === 0 ? dc : ac)[id] = buildHuffmanTable(counts, seg.subarray(p + 17, p + 17 + n));
    p += 17 + n;
  }
}

function readScanHeader(seg: Uint8Array, frame: Frame, dc: (HuffmanTable | undefined)[], ac: (HuffmanTable | undefined)[], restartInterval: number) {
  const n = seg[0];
  if (n < 1 || n > 4 || seg.length < 4 + 2 * n) throw new JpegError('scan header (SOS) is truncated or invalid');
  const components: ScanComponent[] = [];
  let blocksPerMcu = 0;
  for (let i = 0; i < n; i++) {
    const id = seg[1 + 2 * i], tables = seg[2 + 2 * i];
    const component = frame.components.find((c) => c.id === id);
    if (!component) throw new JpegError(`scan names component ${id}, which the frame does not have`);
    if (components.some((s) => s.component === component)) throw new JpegError(`scan names component ${id} twice`);
    blocksPerMcu += component.h * component.v;
    components.push({ component, dc: dc[tables >> 4], ac: ac[tables & 15] });
  }
  if (n > 1 && blocksPerMcu > 10) throw new JpegError(`scan has ${blocksPerMcu} blocks per MCU (at most 10)`);
  const o = 1 + 2 * n;
  const ss = seg[o], se = seg[o + 1], ah = seg[o + 2] >> 4, al = seg[o + 2] & 15;
  if (frame.progressive) {
    const valid = ss <= se && se < 64 && al < 14 && ah < 14 && (ss === 0 ? se === 0 : n === 1);
    if (!valid) throw new JpegError(`invalid progressive scan parameters Ss=${ss} Se=${se} Ah=${ah} Al=${al}`);
  } else if (ss !== 0 || se !== 63 || ah !== 0 || al !== 0) {
    throw new JpegError(`invalid sequential scan parameters Ss=${ss} Se=${se} Ah=${ah} Al=${al}`);
  }
  return { components, ss, se, ah, al, restartInterval };
}
