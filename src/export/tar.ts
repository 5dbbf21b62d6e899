// A minimal POSIX ustar archive (regular files in one folder, no compression): how several files
// (e.g. a COLMAP model's three) travel as one download that `tar xf` and every archiver open.

export interface TarEntry {
  /** File name: ASCII, at most 100 bytes, no path separators. */
  name: string;
  bytes: Uint8Array | string;
}

const BLOCK = 512;

function writeAscii(block: Uint8Array, offset: number, length: number, text: string): void {
  for (let i = 0; i < Math.min(text.length, length); i++) block[offset + i] = text.charCodeAt(i);
}

/** A NUL-terminated zero-padded octal field, as ustar stores numbers. */
function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeAscii(block, offset, length - 1, value.toString(8).padStart(length - 1, '0'));
}

function header(name: string, size: number, mtime: number): Uint8Array {
  if (!/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(name) || name.includes('/')) throw new Error(`tar: unsupported file name ${JSON.stringify(name)}`);
  const block = new Uint8Array(BLOCK);
  writeAscii(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  block[156] = 0x30; // '0': regular file
  writeAscii(block, 257, 6, 'ustar');
  writeAscii(block, 263, 2, '00');
  const sum = block.reduce((s, b) => s + b, 0);
  writeAscii(block, 148, 7, sum.toString(8).padStart(6, '0') + '\0');
  return block;
}

/** The archive bytes; `mtime` (seconds since 1970) is fixed so equal inputs give equal archives. */
export function encodeTar(entries: readonly TarEntry[], mtime = 0): Uint8Array {
  const files = entries.map((e) => ({ name: e.name, bytes: typeof e.bytes === 'string' ? new TextEncoder().encode(e.bytes) : e.bytes }));
  const size = files.reduce((n, f) => n + BLOCK + Math.ceil(f.bytes.length / BLOCK) * BLOCK, 2 * BLOCK);
  const out = new Uint8Array(size);
  let at = 0;
  for (const f of files) {
    out.set(header(f.name, f.bytes.length, mtime), at);
    out.set(f.bytes, at + BLOCK);
    at += BLOCK + Math.ceil(f.bytes.length / BLOCK) * BLOCK;
  }
  return out; // ends with two zero blocks
}
