// Storage buffers recycled by size class. A forward at one input geometry asks for the same
// sizes every time, so after the first run nothing new is created. Reuse is safe without
// waiting for the GPU: WebGPU orders every dispatch and copy of a queue, so a buffer released
// after its last reader was encoded is only written by work encoded (hence executed) later.
// The one thing that must not touch a pooled buffer is queue.writeBuffer (it runs before
// unsubmitted work): uploads therefore go through fresh mapped-at-creation buffers.

export const USAGE_MAP_READ = 0x1;
export const USAGE_COPY_SRC = 0x4;
export const USAGE_COPY_DST = 0x8;
export const USAGE_UNIFORM = 0x40;
export const USAGE_STORAGE = 0x80;
export const STORAGE_USAGE = USAGE_STORAGE | USAGE_COPY_SRC | USAGE_COPY_DST;

/** Rounds up to one of 8 steps per power of two (≤ 12.5 % slack), at least 256 bytes. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** Math.max(8, Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly device: GPUDevice;
  /** Bytes of all buffers this pool created and has not destroyed. */
  allocatedBytes = 0;
  constructor(device: GPUDevice) {
    this.device = device;
  }

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused) return reused;
    this.allocatedBytes += size;
    return this.device.createBuffer({ size, usage: STORAGE_USAGE });
  }

  /**
   * A new buffer, mapped: the caller writes its first `bytes` through `range` (possibly across
   * awaits, e.g. streaming from a file) and then unmaps it, before the GPU ever sees it.
   */
  createMapped(bytes: number): { buffer: GPUBuffer; range: ArrayBuffer } {
    const size = sizeClass(bytes);
    const buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE, mappedAtCreation: true });
    this.allocatedBytes += size;
    return { buffer, range: buffer.getMappedRange(0, Math.ceil(bytes / 4) * 4) };
  }

  release(buffer: GPUBuffer): void {
    let list = this.free.get(buffer.size);
    if (!list) this.free.set(buffer.size, (list = []));
    list.push(buffer);
  }

  destroyAll(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.allocatedBytes = 0;
  }
}
