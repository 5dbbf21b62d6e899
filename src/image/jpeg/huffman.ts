// Huffman tables (JPEG Annex C canonical codes) and the entropy-coded bit reader (byte stuffing,
// restart markers). Decoding uses a 9-bit lookup table for the common short codes and the
// per-length max-code walk (Annex F.2.2.3) for the rest.
import { JpegError } from './jpeg-error.ts';

const LOOKUP_BITS = 9;

export interface HuffmanTable {
  /** (code length << 8) | symbol for every LOOKUP_BITS-bit prefix of a short code; 0 = longer code. */
  lookup: Uint16Array;
  /** Largest code of each length 1..16 (−1: none), and the symbol index of its first code. */
  maxCode: Int32Array;
  valOffset: Int32Array;
  symbols: Uint8Array;
}

/** Builds a table from a DHT segment's 16 code counts and its symbols. */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valOffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= LOOKUP_BITS) {
        const shift = LOOKUP_BITS - len;
        for (let fill = 0; fill < 1 << shift; fill++) lookup[(code << shift) | fill] = (len << 8) | symbols[k];
      }
    }
    if (n > 0) maxCode[len] = code - 1;
    if (code > 1 << len) throw new JpegError('invalid Huffman table (more codes than fit in their length)');
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff; // sentinel: a code longer than 16 bits is corrupt data
  return { lookup, maxCode, valOffset, symbols };
}

/**
 * Reads the bits of one entropy-coded segment. Past a marker (or the end of the data) it feeds
 * zero bits as libjpeg does, but counts them: a scan that consumes any of them was truncated or
 * corrupt, which `checkNoPadding` turns into an error.
 */
export class BitReader {
  private readonly data: Uint8Array;
  pos: number;
  private bits = 0;
  private count = 0;
  /** Zero bits fed in place of missing data (still in the buffer or already consumed). */
  private fakeBits = 0;
  /** The marker that stopped the data (0 = none yet). */
  marker = 0;

  constructor(data: Uint8Array, pos: number) {
    this.data = data;
    this.pos = pos;
  }

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      if (this.marker === 0 && this.pos < this.data.length) {
        byte = this.data[this.pos];
        if (byte === 0xff) {
          const next = this.pos + 1 < this.data.length ? this.data[this.pos + 1] : -1;
          if (next === 0x00) {
            this.pos += 2;
          } else if (next === 0xff) {
            this.pos++; // fill byte before a marker
            continue;
          } else {
            this.marker = next < 0 ? 0xd9 : next; // a marker, or the data ends in 0xFF
            byte = 0;
            this.fakeBits += 8;
          }
        } else {
          this.pos++;
        }
      } else {
        this.fakeBits += 8;
      }
      this.bits = (this.bits << 8) | byte;
      this.count += 8;
    }
  }

  /** n ≤ 16 bits, most significant first. */
  getBits(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  getBit(): number {
    if (this.count < 1) this.fill();
    this.count--;
    return (this.bits >>> this.count) & 1;
  }

  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const peek = (this.bits >>> (this.count - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1);
    const hit = table.lookup[peek];
    if (hit !== 0) {
      this.count -= hit >> 8;
      return hit & 0xff;
    }
    let len = LOOKUP_BITS + 1;
    let code = (this.bits >>> (this.count - len)) & ((1 << len) - 1);
    while (code > table.maxCode[len]) {
      len++;
      if (len > 16) throw new JpegError('corrupt entropy-coded data (no Huffman code matches)');
      code = (this.bits >>> (this.count - len)) & ((1 << len) - 1);
    }
    this.count -= len;
    return table.symbols[code + table.valOffset[len]];
  }

  /** receive(s) + extend(): an s-bit magnitude category as a signed value. */
  receiveExtend(s: number): number {
    const v = this.getBits(s);
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  }

  /** Throws when the decoding so far used bits that were not in the data. */
  checkNoPadding(what: string): void {
    if (this.fakeBits > this.count) throw new JpegError(`${what}: entropy-coded data ends early (truncated or corrupt file)`);
  }

  /** Ends the segment at a restart marker: drops the partial byte and expects RSTn. */
  restart(expected: number): void {
    this.checkNoPadding('restart interval');
    const p = this.endOfSegment();
    const marker = p + 1 < this.data.length ? this.data[p + 1] : 0;
    if (marker !== 0xd0 + expected) {
      throw new JpegError(`expected restart marker RST${expected}, found ${marker ? `marker 0x${marker.toString(16)}` : 'none'} (corrupt file)`);
    }
    this.pos = p + 2;
    this.marker = 0;
    this.bits = 0;
    this.count = 0;
    this.fakeBits = 0;
  }

  /** Where the marker that ends the current segment starts (the data length if there is none). */
  endOfSegment(): number {
    if (this.marker !== 0) return this.pos;
    let p = this.pos;
    while (p + 1 < this.data.length && !(this.data[p] === 0xff && this.data[p + 1] !== 0x00 && this.data[p + 1] !== 0xff)) p++;
    return p + 1 < this.data.length ? p : this.data.length;
  }
}
