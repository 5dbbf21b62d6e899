// The code each pool worker runs, as source text: a worker is started from a string (a Blob URL
// here; a Node `eval` worker in src/node-worker-threads.ts), so no separate file has to survive bundling. The worker
// instantiates the shared kernel module on the shared memory and then serves jobs forever:
// wait for the generation word to change, call the kernel with the arguments from the control
// block, decrement the "remaining" word and wake the caller when it reaches 0.
//
// Control block (Int32 words at CONTROL_OFFSET): 0 generation, 1 kernel index (−1 = quit),
// 2 argument count, 3 workers still running, 4 error flag. Arguments: Float64 at ARGS_OFFSET.

export const CONTROL_OFFSET = 64;
export const ARGS_OFFSET = 128;
export const MAX_ARGS = 24;

/** serveKernels(module, memory, kernelNames) → the job loop; the runtime-specific entries call it. */
export const SERVE_KERNELS_SOURCE = `
function serveKernels(module, memory, names) {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = names.map((name) => exports[name]);
  const control = new Int32Array(memory.buffer, ${CONTROL_OFFSET}, 8);
  const args = new Float64Array(memory.buffer, ${ARGS_OFFSET}, ${MAX_ARGS});
  // Read before the worker reports ready: no job can be dispatched until then.
  let seen = Atomics.load(control, 0);
  return () => {
    for (;;) {
      Atomics.wait(control, 0, seen);
      seen = Atomics.load(control, 0);
      const op = control[1];
      if (op < 0) return;
      try {
        kernels[op](...args.subarray(0, control[2]));
      } catch {
        Atomics.store(control, 4, 1);
      }
      if (Atomics.sub(control, 3, 1) === 1) Atomics.notify(control, 3);
    }
  };
}
`;

/** Web/Deno/Bun module worker: data arrives as the first message. */
export const WEB_WORKER_SOURCE = `${SERVE_KERNELS_SOURCE}
self.onmessage = (event) => {
  const run = serveKernels(...event.data);
  self.postMessage('ready');
  run();
};
`;
