// Random-access byte sources. The GGUF reader only ever asks for byte ranges, so the same code
// reads an in-memory buffer, a file on disk (src/node.ts) or anything else that can serve ranges.

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`; rejects if the range is not inside [0, size). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Fills `target` with the bytes starting at `offset`, without an intermediate buffer (lets
   * weights stream straight into backend memory). Optional: readers fall back to `read`.
   */
  readInto?(offset: number, target: Uint8Array): Promise<void>;
}

/** source.readInto, or read + copy for sources without it. */
export async function readInto(source: ByteSource, offset: number, target: Uint8Array): Promise<void> {
  if (source.readInto) return source.readInto(offset, target);
  target.set(await source.read(offset, target.byteLength));
}

/** Throws unless [offset, offset + length) is a valid range of a source of `size` bytes. */
export function checkRange(offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new Error(`byte source: range [${offset}, ${offset} + ${length}) is outside the source (size ${size})`);
  }
}

/** A source over bytes already in memory; reads are zero-copy views into them. */
export function bytesSource(bytes: Uint8Array | ArrayBuffer): ByteSource {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    size: data.byteLength,
    async read(offset, length) {
      checkRange(offset, length, data.byteLength);
      return data.subarray(offset, offset + length);
    },
    async readInto(offset, target) {
      checkRange(offset, target.byteLength, data.byteLength);
      target.set(data.subarray(offset, offset + target.byteLength));
    },
  };
}
