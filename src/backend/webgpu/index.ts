export { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from './webgpu-backend.ts';
export { registerGpuProvider, findGpu, type GpuProvider } from './gpu-source.ts';
export { acquireDevice, requestAdapter, adapterIsFallback, describeAdapterInfo } from './device.ts';
