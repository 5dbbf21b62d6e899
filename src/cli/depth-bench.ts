// `depth --repeat N`: load once, predict N times, print depth-anything.cpp's bench line.
import { formatFixed } from '../format/printf.ts';
import type { DepthOptions } from './depth-options.ts';
import { readImageFile } from './image-file.ts';
import { loadDepthModel } from './depth-model.ts';
import { withModelFile } from './model-file.ts';
import { summarizeTimings } from './timing-summary.ts';

const ms = (value: number) => formatFixed(value, 1);

export async function runDepthBench(options: DepthOptions, repeat: number): Promise<void> {
  // Decoded once, outside the timings (the C++ re-decodes the file inside every iteration).
  const image = readImageFile(options.inputs[0]!);
  const loadStart = performance.now(); // like the C++, load time includes opening the file
  await withModelFile(options.model, async (source) => {
    const model = await loadDepthModel(options.model, source, { backend: options.backend, threads: options.threads, weightPrecision: options.weightPrecision });
    const loadMs = performance.now() - loadStart;
    try {
      const times: number[] = [];
      let size = '';
      for (let i = 0; i < repeat; i++) {
        const start = performance.now();
        const prediction = await model.predict(image);
        times.push(performance.now() - start);
        size = `${prediction.width}x${prediction.height}`;
      }
      const t = summarizeTimings(times);
      process.stdout.write(
        `bench: out=${size} threads=${model.threads} load=${ms(loadMs)}ms infer=${ms(t.median)}ms/iter ` +
          `(median over ${repeat}, min=${ms(t.min)} max=${ms(t.max)} p90=${ms(t.p90)})\n`,
      );
    } finally {
      model.dispose();
    }
  });
}
