// Reader for the ZIP archives torch.save writes (.pth): entries are stored uncompressed, so each
// one is a byte range of the file. Only the central directory and local headers are parsed, every
// offset is checked against the file size, and compressed or ZIP64 archives are rejected by name.

import type { ByteSource } from '../../gguf/source.ts';

export interface ZipEntry {
  readonly name: string;
  /** Absolute offset of the entry's data in the archive. */
  readonly offset: number;
  readonly size: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;

function fail(message: string): never {
  throw new Error(`zip: ${message}`);
}

/** Finds the end-of-central-directory record in the archive's last 64 KiB. */
async function readEndRecord(source: ByteSource): Promise<{ count: number; offset: number; size: number }> {
  if (source.size < EOCD_SIZE) fail(`file is ${source.size} bytes, too short for a ZIP archive (truncated?)`);
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tailLength - EOCD_SIZE; at >= 0; at--) {
    if (view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    const count = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 12, true);
    const offset = view.getUint32(at + 16, true);
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) fail('ZIP64 archives are not supported');
    if (offset + size > tailStart + at) fail(`central directory [${offset}, ${offset + size}) extends past its end record at ${tailStart + at} (truncated or corrupt)`);
    return { count, offset, size };
  }
  return fail('no end-of-central-directory record (not a ZIP archive, or truncated)');
}

/** The archive's entries by name. */
export async function readZipIndex(source: ByteSource): Promise<Map<string, ZipEntry>> {
  const end = await readEndRecord(source);
  const directory = await source.read(end.offset, end.size);
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < end.count; i++) {
    if (at + CENTRAL_HEADER_SIZE > directory.byteLength) fail(`central directory entry #${i} extends past the directory`);
    if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) fail(`central directory entry #${i} has a bad signature`);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    if (at + CENTRAL_HEADER_SIZE + nameLength > directory.byteLength) fail(`central directory entry #${i} name extends past the directory`);
    let name: string;
    try {
      name = utf8.decode(directory.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength));
    } catch {
      return fail(`central directory entry #${i} name is not valid UTF-8`);
    }
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) fail(`entry '${name}' uses ZIP64, which is not supported`);
    if (method !== 0) fail(`entry '${name}' is compressed (method ${method}); only stored entries are supported`);
    if (compressedSize !== size) fail(`entry '${name}' is stored but its sizes differ (${compressedSize} vs ${size})`);
    if (entries.has(name)) fail(`duplicate entry '${name}'`);
    entries.set(name, { name, offset: localOffset, size });
    at += CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** `length` bytes of an entry's data from `offset` on (default: all of it); reads the local header to find the data. */
export async function readZipEntry(source: ByteSource, entry: ZipEntry, offset = 0, length = entry.size - offset): Promise<Uint8Array> {
  const where = `entry '${entry.name}'`;
  if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= entry.size)) {
    fail(`${where}: bytes [${offset}, ${offset + length}) are outside its ${entry.size} bytes`);
  }
  if (entry.offset + LOCAL_HEADER_SIZE > source.size) fail(`${where}: local header at ${entry.offset} is past the end of the file (truncated?)`);
  const header = await source.read(entry.offset, LOCAL_HEADER_SIZE);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0, true) !== LOCAL_SIGNATURE) fail(`${where}: bad local header signature at ${entry.offset}`);
  const start = entry.offset + LOCAL_HEADER_SIZE + view.getUint16(26, true) + view.getUint16(28, true);
  if (start + entry.size > source.size) fail(`${where}: data [${start}, ${start + entry.size}) extends past the end of the file (size ${source.size}, truncated?)`);
  return source.read(start + offset, length);
}
