// How each synthetic tensor is filled. The recipe follows the fixtures' (fixtures/README.md §7):
// weights scaled by 1/√fan_in so activations keep their size through the network, LayerNorm
// gains near 1, LayerScale in [0.1, 1], small biases — finite, non-degenerate outputs.

import { Random } from '../random.ts';

export type WeightInit =
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** log-uniform: exp(U(log min, log max)) */
  | { readonly kind: 'logUniform'; readonly min: number; readonly max: number };

export function fillWeights(out: Float32Array, init: WeightInit, random: Random): void {
  switch (init.kind) {
    case 'normal':
      for (let i = 0; i < out.length; i++) out[i] = init.std * random.normal();
      return;
    case 'uniform': {
      const span = init.max - init.min;
      for (let i = 0; i < out.length; i++) out[i] = init.min + span * random.uniform();
      return;
    }
    case 'logUniform': {
      const lo = Math.log(init.min), span = Math.log(init.max) - lo;
      for (let i = 0; i < out.length; i++) out[i] = Math.exp(lo + span * random.uniform());
      return;
    }
  }
}
