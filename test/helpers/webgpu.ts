// Whether this machine offers a WebGPU adapter (in Node: the optional `webgpu` package plus a
// Vulkan driver; CI installs Mesa's lavapipe). With DA_REQUIRE_WEBGPU=1 (set by .ci/run) a
// missing adapter fails the run instead of skipping the WebGPU suites.
import '../../src/node.ts';
import { requestAdapter } from '../../src/backend/webgpu/index.ts';

async function probe(): Promise<boolean> {
  try {
    return (await requestAdapter()) !== null;
  } catch {
    return false;
  }
}

export const WEBGPU_AVAILABLE = await probe();

if (!WEBGPU_AVAILABLE && (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.DA_REQUIRE_WEBGPU === '1') {
  throw new Error('DA_REQUIRE_WEBGPU=1 but no WebGPU adapter is available (install the `webgpu` package and a Vulkan driver such as Mesa lavapipe)');
}
