// Choosing, decoding and compiling the kernel module. Four builds exist (asm/build.mjs):
// relaxed SIMD or plain SIMD128, shared (threaded) or unshared memory. Relaxed is used when the
// runtime validates it; shared when SharedArrayBuffer exists and more than one thread is wanted.
import * as builds from './kernels.generated.ts';

export type KernelBuild = keyof typeof builds;

export function kernelBytes(build: KernelBuild): Uint8Array<ArrayBuffer> {
  const text = atob(builds[build]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(kernelBytes('relaxedSingle'));
}

export function pickBuild(shared: boolean, relaxed: boolean): KernelBuild {
  if (shared) return relaxed ? 'relaxedShared' : 'simdShared';
  return relaxed ? 'relaxedSingle' : 'simdSingle';
}
