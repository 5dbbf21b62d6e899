// DA3's camera decoder: an MLP on the raw camera token of the last out layer, predicting the
// pose encoding [t (3), q xyzw (4), fov_h, fov_w] per view.

import type { Backend, Tensor } from '../backend/backend.ts';
import type { Weights } from './weights.ts';

/** tokens: [S, Dc] → pose encodings [S, 9]. */
export function runCameraDecoder(be: Backend, w: Weights, tokens: Tensor): Tensor {
  const lin = (name: string, x: Tensor, relu: boolean) =>
    be.linear(x, w.get(`cam.${name}.weight`, 2), w.get(`cam.${name}.bias`, 1), { activation: relu ? 'relu' : 'none' });
  const h1 = lin('bb0', tokens, true);
  const h = lin('bb2', h1, true);
  be.release(h1);
  const t = lin('fc_t', h, false), q = lin('fc_q', h, false), fov = lin('fc_fov', h, true);
  be.release(h);
  const tq = be.concatCols(t, q);
  const enc = be.concatCols(tq, fov);
  for (const x of [t, q, fov, tq]) be.release(x);
  return enc;
}
