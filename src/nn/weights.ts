import type { Tensor } from '../backend/backend.ts';

/** Named model weights already placed on a backend, in PyTorch layout. */
export interface Weights {
  has(name: string): boolean;
  /** The tensor with PyTorch shape of the given rank (e.g. 2 for a linear, 4 for a conv). */
  get(name: string, rank: number): Tensor;
}
