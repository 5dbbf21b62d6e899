// Records dispatches and copies into one command encoder (one compute pass while dispatches
// follow each other) and submits them in batches: nothing waits on the GPU until a download.
// Every dispatch gets its own 256-byte uniform slot, staged on the CPU and written with one
// queue.writeBuffer per chunk just before the submit that uses it (a uniform buffer rewritten
// mid-batch would change the parameters of dispatches already encoded). Chunks are reused by
// later batches: queue operations run in order, so the next write lands after this submit ran.
import { USAGE_COPY_DST, USAGE_UNIFORM } from './buffer-pool.ts';

const SLOT_BYTES = 256;
const CHUNK_BYTES = 64 * 1024;
/** Submit after this many dispatches, so the GPU starts while the rest is still encoded. */
const DISPATCHES_PER_SUBMIT = 128;

/** Timestamps of one batch's dispatches (timing mode): a pass per dispatch, two queries each. */
interface TimedBatch {
  querySet: GPUQuerySet;
  labels: string[];
  readback?: GPUBuffer;
}

interface UniformChunk {
  buffer: GPUBuffer;
  staging: Uint8Array;
  used: number;
}

export interface Binding {
  buffer: GPUBuffer;
  /** Bytes bound from offset 0. */
  size: number;
}

export class CommandRecorder {
  private readonly device: GPUDevice;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private chunks: UniformChunk[] = [];
  private spareChunks: UniformChunk[] = [];
  private pending = 0;
  private readonly layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  /** Dispatches recorded so far (all batches). */
  dispatches = 0;
  /** In timing mode, the label the next dispatches are timed under. */
  label = '';
  private timing: { current?: TimedBatch; submitted: TimedBatch[] } | undefined;

  constructor(device: GPUDevice) {
    this.device = device;
  }

  dispatch(pipeline: GPUComputePipeline, params: Uint32Array, bindings: readonly Binding[], groups: readonly [number, number, number]): void {
    const { buffer, offset } = this.uniformSlot(params);
    let layout = this.layouts.get(pipeline);
    if (!layout) this.layouts.set(pipeline, (layout = pipeline.getBindGroupLayout(0)));
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer, offset, size: SLOT_BYTES } }];
    bindings.forEach((b, i) => entries.push({ binding: i + 1, resource: { buffer: b.buffer, offset: 0, size: b.size } }));
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const pass = this.timing ? this.timedPass() : this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    if (this.timing) this.endPass();
    this.dispatches++;
    if (++this.pending >= DISPATCHES_PER_SUBMIT) this.submit();
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far. */
  submit(): void {
    this.endPass();
    if (!this.encoder) return;
    const timed = this.timing?.current;
    if (timed && this.timing) {
      const bytes = timed.labels.length * 16;
      const resolved = this.device.createBuffer({ size: bytes, usage: 0x200 /* QUERY_RESOLVE */ | 0x4 /* COPY_SRC */ });
      timed.readback = this.device.createBuffer({ size: bytes, usage: 0x1 /* MAP_READ */ | 0x8 /* COPY_DST */ });
      this.encoder.resolveQuerySet(timed.querySet, 0, timed.labels.length * 2, resolved, 0);
      this.encoder.copyBufferToBuffer(resolved, 0, timed.readback, 0, bytes);
      this.timing.submitted.push(timed);
      this.timing.current = undefined;
    }
    const commands = this.encoder.finish();
    this.encoder = undefined;
    for (const chunk of this.chunks) {
      this.device.queue.writeBuffer(chunk.buffer, 0, chunk.staging.buffer, 0, chunk.used);
      chunk.used = 0;
    }
    this.device.queue.submit([commands]);
    this.spareChunks.push(...this.chunks);
    this.chunks = [];
    this.pending = 0;
  }

  /**
   * Timing mode (needs the device feature 'timestamp-query'): every dispatch gets its own pass
   * with GPU timestamps at its start and end, recorded under `label`. Profiling only: the extra
   * passes cost time of their own.
   */
  startTiming(): void {
    this.submit();
    this.timing = { submitted: [] };
  }

  /** Leaves timing mode; GPU milliseconds per label, summed over the dispatches recorded under it. */
  async stopTiming(): Promise<Map<string, number>> {
    this.submit();
    const timing = this.timing;
    this.timing = undefined;
    const totals = new Map<string, number>();
    for (const batch of timing?.submitted ?? []) {
      await batch.readback!.mapAsync(1 /* GPUMapMode.READ */);
      const stamps = new BigUint64Array(batch.readback!.getMappedRange());
      batch.labels.forEach((label, i) => {
        const ms = stamps[2 * i + 1] > stamps[2 * i] ? Number(stamps[2 * i + 1] - stamps[2 * i]) / 1e6 : 0;
        totals.set(label, (totals.get(label) ?? 0) + ms);
      });
      batch.readback!.destroy();
      batch.querySet.destroy();
    }
    return totals;
  }

  destroy(): void {
    for (const chunk of [...this.chunks, ...this.spareChunks]) chunk.buffer.destroy();
    this.chunks = [];
    this.spareChunks = [];
    this.encoder = undefined;
    this.pass = undefined;
  }

  private uniformSlot(params: Uint32Array): { buffer: GPUBuffer; offset: number } {
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.used + SLOT_BYTES > CHUNK_BYTES) {
      chunk = this.spareChunks.pop() ?? {
        buffer: this.device.createBuffer({ size: CHUNK_BYTES, usage: USAGE_UNIFORM | USAGE_COPY_DST }),
        staging: new Uint8Array(CHUNK_BYTES),
        used: 0,
      };
      this.chunks.push(chunk);
    }
    const offset = chunk.used;
    chunk.staging.set(new Uint8Array(params.buffer, params.byteOffset, params.byteLength), offset);
    chunk.staging.fill(0, offset + params.byteLength, offset + SLOT_BYTES);
    chunk.used += SLOT_BYTES;
    return { buffer: chunk.buffer, offset };
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  private timedPass(): GPUComputePassEncoder {
    const timing = this.timing!;
    timing.current ??= { querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * DISPATCHES_PER_SUBMIT }), labels: [] };
    const i = timing.current.labels.length;
    timing.current.labels.push(this.label);
    this.endPass();
    return (this.pass = this.commandEncoder().beginComputePass({
      timestampWrites: { querySet: timing.current.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    }));
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = undefined;
  }
}
