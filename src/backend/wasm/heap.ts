// The allocator for tensors and scratch buffers inside the wasm memory. Best-fit over a sorted
// free list, neighbours coalesced on free; the memory grows when nothing fits. The first page
// is reserved for the kernels' scheduling words and the thread pool's control block.

const PAGE = 65536;
const ALIGN = 64;
/** Every block gets this much extra: kernels may read (never write) up to 8 floats past the end. */
const SLACK = 64;

interface FreeBlock {
  start: number;
  size: number;
}

export class Heap {
  readonly #memory: WebAssembly.Memory;
  readonly #free: FreeBlock[] = [];
  readonly #sizes = new Map<number, number>();
  #top = PAGE;

  constructor(memory: WebAssembly.Memory) {
    this.#memory = memory;
  }

  /** Bytes in use (allocated blocks), for tests and memory reports. */
  get usedBytes(): number {
    let used = 0;
    for (const size of this.#sizes.values()) used += size;
    return used;
  }

  /** Returns the byte offset of a new block of at least `bytes` bytes, 64-byte aligned. */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`wasm heap: invalid allocation size ${bytes}`);
    const size = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;
    const index = this.#bestFit(size);
    let start: number;
    if (index >= 0) {
      const block = this.#free[index]!;
      start = block.start;
      block.start += size;
      block.size -= size;
      if (block.size === 0) this.#free.splice(index, 1);
    } else {
      start = this.#top;
      this.#ensure(start + size);
      this.#top = start + size;
    }
    this.#sizes.set(start, size);
    return start;
  }

  /** The smallest free block that holds `size` bytes (−1 if none): keeps large holes whole. */
  #bestFit(size: number): number {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const block = this.#free[i]!;
      if (block.size >= size && (best < 0 || block.size < this.#free[best]!.size)) best = i;
    }
    return best;
  }

  /** Keeps the first `bytes` bytes of the block at ptr and frees the rest. */
  shrink(ptr: number, bytes: number): void {
    const size = this.#sizes.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: shrink of unknown block ${ptr}`);
    const kept = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;
    if (kept >= size) return;
    this.#sizes.set(ptr, kept);
    this.#sizes.set(ptr + kept, size - kept);
    this.free(ptr + kept);
  }

  free(ptr: number): void {
    const size = this.#sizes.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: free of unknown block ${ptr}`);
    this.#sizes.delete(ptr);
    let index = this.#free.findIndex((block) => block.start > ptr);
    if (index < 0) index = this.#free.length;
    this.#free.splice(index, 0, { start: ptr, size });
    const next = this.#free[index + 1];
    if (next && ptr + size === next.start) {
      this.#free[index]!.size += next.size;
      this.#free.splice(index + 1, 1);
    }
    const prev = this.#free[index - 1];
    if (prev && prev.start + prev.size === ptr) {
      prev.size += this.#free[index]!.size;
      this.#free.splice(index, 1);
      index--;
    }
    const last = this.#free[this.#free.length - 1];
    if (last && last.start + last.size === this.#top) {
      this.#top = last.start;
      this.#free.pop();
    }
  }

  #ensure(end: number): void {
    const have = this.#memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least a quarter of the current size so repeated small growths stay rare.
    const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 4));
    try {
      this.#memory.grow(pages);
    } catch {
      try {
        this.#memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new Error(`wasm heap exhausted: cannot grow memory to ${Math.ceil(end / 2 ** 20)} MiB`);
      }
    }
  }
}
