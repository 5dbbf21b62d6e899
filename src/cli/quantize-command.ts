// `depth-anything quantize <in.gguf> <out.gguf> <type>`: depth-anything.cpp's quantizer. Tensors
// stream from the input file to a temporary output, renamed into place when complete.
import { realpath } from 'node:fs/promises';
import { readGguf } from '../../gguf/reader.ts';
import { fileSource } from '../node.ts';
import { describeQuantization, planQuantization, quantizedChunks, quantizeTarget } from '../quantize/index.ts';
import { writeFileAtomically } from './atomic-file.ts';
import { describeFsError } from './fs-error.ts';
import { UsageError } from './usage-error.ts';

/** Both paths resolve to the same file (the output may not exist yet). */
async function sameFile(a: string, b: string): Promise<boolean> {
  const resolvedB = await realpath(b).catch(() => undefined);
  return resolvedB !== undefined && (await realpath(a)) === resolvedB;
}

export async function runQuantize(args: readonly string[]): Promise<void> {
  if (args.length !== 3 || args.some((arg) => arg.startsWith('--'))) {
    throw new UsageError('quantize: usage: depth-anything quantize <in.gguf> <out.gguf> <type>');
  }
  const [input, output, type] = args as [string, string, string];
  const target = quantizeTarget(type); // checked before any file is touched
  const source = await fileSource(input).catch((e: unknown) => {
    throw new Error(`cannot read ${input}: ${describeFsError(e)}`);
  });
  try {
    if (await sameFile(input, output)) throw new Error(`quantize: refusing to overwrite the input ${input}`);
    const file = await readGguf(source);
    const plan = planQuantization(file, target.name);
    await writeFileAtomically(output, quantizedChunks(file, source, plan), 'output');
    process.stderr.write(`quantize: ${describeQuantization(plan)}\n`);
    process.stdout.write(`wrote ${output} (${target.name})\n`);
  } finally {
    await source.close();
  }
}
