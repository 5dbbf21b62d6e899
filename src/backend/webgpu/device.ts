// Adapter and device acquisition. Limits that bound tensor sizes (storage binding, buffer size)
// are raised to what the adapter offers; everything else stays at WebGPU's defaults, which the
// kernels are written for (≤ 256 invocations, ≤ 16 KiB workgroup memory, ≤ 8 storage buffers).
import { findGpu } from './gpu-source.ts';

export interface AcquiredDevice {
  device: GPUDevice;
  /** "vendor architecture description" as the adapter reports it (may be partly empty). */
  adapterName: string;
  /** A software adapter (lavapipe, SwiftShader, WARP): correct but slow. */
  isFallbackAdapter: boolean;
  hasTimestampQuery: boolean;
}

export interface DeviceRequest {
  /** An adapter to create the device on (a fresh one is requested otherwise). */
  adapter?: GPUAdapter;
  /** A GPU entry point to use instead of the runtime's (navigator.gpu or the registered one). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

export function describeAdapterInfo(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.description].filter((s) => typeof s === 'string' && s.length > 0);
  return parts.length > 0 ? parts.join(' ') : 'unknown adapter';
}

/** Requests an adapter (null when the runtime has none) without creating a device. */
export async function requestAdapter(request: DeviceRequest = {}): Promise<GPUAdapter | null> {
  const gpu = request.gpu ?? await findGpu();
  if (!gpu) return null;
  return gpu.requestAdapter({ powerPreference: request.powerPreference ?? 'high-performance' });
}

export function adapterIsFallback(adapter: GPUAdapter): boolean {
  const a = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  return a.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true;
}

export async function acquireDevice(request: DeviceRequest = {}): Promise<AcquiredDevice> {
  const adapter = request.adapter ?? await requestAdapter(request);
  if (!adapter) {
    const gpu = request.gpu ?? await findGpu();
    throw new Error(gpu
      ? 'webgpu: the runtime has WebGPU but offers no adapter (no GPU driver, or WebGPU disabled)'
      : 'webgpu: this runtime has no WebGPU (no navigator.gpu; in Node install the optional `webgpu` package)');
  }
  const hasTimestampQuery = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredFeatures: hasTimestampQuery ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapterName: describeAdapterInfo(adapter.info), isFallbackAdapter: adapterIsFallback(adapter), hasTimestampQuery };
}
