// PFM (portable float map), single channel, as depth-anything.cpp writes it: ASCII header
// `Pf\n<W> <H>\n-1.0\n` (negative scale = little-endian), then rows bottom-to-top.

export interface FloatMap {
  width: number;
  height: number;
  /** Row-major, top row first. */
  values: Float32Array;
}

function checkDimensions(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`PFM: invalid size ${width}x${height}`);
  }
}

export function encodePfm(values: Float32Array, width: number, height: number): Uint8Array {
  checkDimensions(width, height);
  if (values.length !== width * height) {
    throw new Error(`PFM: ${values.length} values for a ${width}x${height} map`);
  }
  const header = new TextEncoder().encode(`Pf\n${width} ${height}\n-1.0\n`);
  const bytes = new Uint8Array(header.length + values.length * 4);
  bytes.set(header);
  const view = new DataView(bytes.buffer, header.length);
  for (let row = 0; row < height; row++) {
    const sourceRow = height - 1 - row;
    for (let col = 0; col < width; col++) {
      view.setFloat32((row * width + col) * 4, values[sourceRow * width + col]!, true);
    }
  }
  return bytes;
}

/** Reads the next whitespace-terminated header token starting at `pos`. */
function headerToken(bytes: Uint8Array, pos: number): { text: string; next: number } {
  let end = pos;
  while (end < bytes.length && end - pos < 32 && !isWhitespace(bytes[end]!)) end++;
  if (end >= bytes.length || !isWhitespace(bytes[end]!)) throw new Error('PFM: truncated or malformed header');
  return { text: new TextDecoder().decode(bytes.subarray(pos, end)), next: end + 1 };
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Decodes a single-channel PFM (either endianness) back to top-row-first order. */
export function decodePfm(bytes: Uint8Array): FloatMap {
  const magic = headerToken(bytes, 0);
  if (magic.text !== 'Pf') throw new Error(`PFM: expected single-channel "Pf" magic, got "${magic.text}"`);
  const w = headerToken(bytes, magic.next);
  const h = headerToken(bytes, w.next);
  const scale = headerToken(bytes, h.next);
  const width = Number(w.text);
  const height = Number(h.text);
  const scaleValue = Number(scale.text);
  checkDimensions(width, height);
  if (!Number.isFinite(scaleValue) || scaleValue === 0) throw new Error(`PFM: invalid scale "${scale.text}"`);
  const dataBytes = width * height * 4;
  if (bytes.length - scale.next !== dataBytes) {
    throw new Error(`PFM: expected ${dataBytes} data bytes for ${width}x${height}, found ${bytes.length - scale.next}`);
  }
  const littleEndian = scaleValue < 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset + scale.next, dataBytes);
  const values = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    const targetRow = height - 1 - row;
    for (let col = 0; col < width; col++) {
      values[targetRow * width + col] = view.getFloat32((row * width + col) * 4, littleEndian);
    }
  }
  return { width, height, values };
}
