// Shape checks every backend makes with the same wording, so errors read alike whichever runs.
import type { Tensor } from './backend.ts';

/** Values in a tensor of this shape; throws `${who}: invalid shape [...]` unless every dimension is a safe integer ≥ 0. */
export function elementCount(shape: readonly number[], who: string): number {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${who}: invalid shape [${shape.join(', ')}]`);
  return shape.reduce((a, b) => a * b, 1);
}

export function dims2(t: Tensor, what: string): [number, number] {
  if (t.shape.length !== 2) throw new Error(`${what}: expected a matrix, got shape [${t.shape}]`);
  return [t.shape[0], t.shape[1]];
}

export function dims3(t: Tensor, what: string): [number, number, number] {
  if (t.shape.length !== 3) throw new Error(`${what}: expected a [C, H, W] map, got shape [${t.shape}]`);
  return [t.shape[0], t.shape[1], t.shape[2]];
}

/** conv2d's `project` option must be a 1×1 conv reading the conv's `weight.shape[0]` channels. */
export function checkProjection(project: { weight: Tensor }, weight: Tensor): void {
  const [, pc, pkh, pkw] = project.weight.shape;
  if (project.weight.shape.length !== 4 || pc !== weight.shape[0] || pkh !== 1 || pkw !== 1) {
    throw new Error(`conv2d: project weight [${project.weight.shape}] is not a 1×1 conv of ${weight.shape[0]} channels`);
  }
}
