// Test budgets that hold on a busy CI machine: CLI runs spawn a process and load a model (2 s
// alone, 3+ s with other load), and the software WebGPU adapter shares the same cores, so the
// 5 s defaults were flaky. Tests assert results, never timings; these limits only catch hangs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
