// `depth-anything quantize <in.gguf> <out.gguf> <type>`: depth-anything.cpp's quantizer. Tensors
// stream from the input file to a temporary output, renamed into place when complete.
import { access, realpath } from 'node:fs/promises';
import { readGguf, type GgufFile } from '../../gguf/reader.ts';
import { tensorByteSize } from '../../gguf/types.ts';
import { alignmentPadding } from '../../gguf/writer.ts';
import { createWasmBackend } from '../backend/wasm/index.ts';
import { fileSource } from '../node.ts';
import { describeQuantization, planQuantization, quantizedChunks, quantizeTarget, type QuantizePlan } from '../quantize/index.ts';
import { writeFileAtomically } from './atomic-file.ts';
import { describeFsError } from './fs-error.ts';
import { withProgress } from './progress.ts';
import { UsageError } from './usage-error.ts';

/** Both paths resolve to the same file (the output may not exist yet). */
async function sameFile(a: string, b: string): Promise<boolean> {
  const resolvedB = await realpath(b).catch(() => undefined);
  return resolvedB !== undefined && (await realpath(a)) === resolvedB;
}

/** Tensor types of the input that are already quantized (re-quantizing compounds their error). */
function quantizedTypes(types: readonly string[]): string[] {
  return [...new Set(types.filter((t) => t !== 'F32'))];
}

/** The output's size: the input's header (a close estimate of the output's) and every re-encoded tensor, padded. */
function plannedBytes(file: GgufFile, plan: QuantizePlan): number {
  let bytes = file.dataOffset;
  for (const t of plan.tensors) {
    const n = tensorByteSize(t.outputType, file.tensors.get(t.name)!.nelements);
    bytes += n + alignmentPadding(n, file.alignment);
  }
  return bytes;
}

export async function runQuantize(args: readonly string[]): Promise<void> {
  const force = args.includes('--force');
  const positional = args.filter((arg) => arg !== '--force');
  if (positional.length !== 3 || positional.some((arg) => arg.startsWith('--'))) {
    throw new UsageError('quantize: expected <in.gguf> <out.gguf> <type> [--force]');
  }
  const [input, output, type] = positional as [string, string, string];
  const target = quantizeTarget(type); // checked before any file is touched

  const source = await fileSource(input).catch((e: unknown) => {
    throw new Error(`cannot read ${input}: ${describeFsError(e)}`);
  });
  try {
    if (await sameFile(input, output)) throw new Error(`quantize: refusing to overwrite the input ${input}`);
    if (!force && await access(output).then(() => true, () => false)) {
      throw new Error(`quantize: ${output} exists; pass --force to replace it`);
    }
    const file = await readGguf(source);
    const already = quantizedTypes([...file.tensors.values()].map((t) => t.typeName));
    if (already.length > 0) {
      process.stderr.write(`quantize: warning: ${input} is already quantized (${already.join(', ')}); re-quantizing compounds the error, quantize the F32 file instead\n`);
    }
    const plan = planQuantization(file, target.name);
    // Q8_0 and the K-quant searches run in the wasm kernels on every core (same bytes as gguf/quantize.ts).
    const kernels = await createWasmBackend();
    try {
      let tensor = '';
      const chunks = quantizedChunks(file, source, plan, (type, values) => kernels.quantize(type, values), (i, n) => { tensor = `tensor ${i + 1}/${n}`; });
      await writeFileAtomically(output, withProgress(`quantizing to ${output}`, chunks, plannedBytes(file, plan), () => tensor), 'output');
    } finally {
      kernels.dispose();
    }
    process.stderr.write(`quantize: ${describeQuantization(plan)}\n`);
    process.stdout.write(`wrote ${output} (${target.name})\n`);
  } finally {
    await source.close();
  }
}
