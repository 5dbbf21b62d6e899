// Work sharing between threads. Every thread of the pool calls the same kernel with the same
// arguments; each claims output tiles from one shared counter until none are left, so a thread
// slowed down by other load simply takes fewer tiles. The JS side zeroes both counters (via
// `beginJob`) before every dispatch. Addresses live in the first, reserved page of memory:
// bytes 0–11 here, 64–319 the thread pool's control block and arguments, 1024–1567 the vector
// math constants (vmath.ts).
import { writeVectorConstants } from './vmath';

const TASK_COUNTER: usize = 0;
const THREAD_COUNTER: usize = 4;
/** One i32 zero: the tap-offset table of a plain (single-tap) GEMM. */
export const ZERO_TAP: usize = 8;

export function beginJob(): void {
  atomic.store<i32>(TASK_COUNTER, 0);
  atomic.store<i32>(THREAD_COUNTER, 0);
  store<i32>(ZERO_TAP, 0);
  writeVectorConstants();
}

/** Index of the next unclaimed task; ≥ the task count means "done". */
// @ts-ignore: decorator
@inline export function nextTask(): i32 {
  return atomic.add<i32>(TASK_COUNTER, 1);
}

/** A per-call thread slot 0..threads-1, for kernels that need private scratch memory. */
// @ts-ignore: decorator
@inline export function threadSlot(): i32 {
  return atomic.add<i32>(THREAD_COUNTER, 1);
}
