export { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './wasm-backend.ts';
export { kernelBytes, type KernelBuild } from './kernel-module.ts';
