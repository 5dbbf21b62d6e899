// Shape checks every backend makes with the same wording, so errors read alike whichever runs.
import type { Tensor } from './backend.ts';

export function dims2(t: Tensor, what: string): [number, number] {
  if (t.shape.length !== 2) throw new Error(`${what}: expected a matrix, got shape [${t.shape}]`);
  return [t.shape[0], t.shape[1]];
}

export function dims3(t: Tensor, what: string): [number, number, number] {
  if (t.shape.length !== 3) throw new Error(`${what}: expected a [C, H, W] map, got shape [${t.shape}]`);
  return [t.shape[0], t.shape[1], t.shape[2]];
}
