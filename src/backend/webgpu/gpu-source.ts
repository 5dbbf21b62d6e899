// Where a WebGPU implementation comes from: `navigator.gpu` (browsers, Deno, Bun where present),
// or one a runtime entry registers (the Node entry lazily imports the optional `webgpu`
// package, Dawn), so the core never imports a runtime-specific module.

export type GpuProvider = () => Promise<GPU | undefined>;

let registeredProvider: GpuProvider | undefined;

/** Runtimes without `navigator.gpu` register a way to get one (src/node.ts does for Node). */
export function registerGpuProvider(provider: GpuProvider): void {
  registeredProvider = provider;
}

/** This runtime's WebGPU entry point, or undefined when it has none. */
export async function findGpu(): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  return registeredProvider?.();
}
