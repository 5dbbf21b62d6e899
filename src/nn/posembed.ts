// Resampling of the learned M×M position-embedding grid to the patch grid, exactly as DINOv2's
// `interpolate_pos_encoding` calls F.interpolate(bicubic, align_corners=False,
// scale_factor=((ph+offset)/M, (pw+offset)/M)). Because a scale factor is given, PyTorch maps
// output i to source σ·(i+0.5)−0.5 with σ = 1/scale_factor — not M/ph. All float32 arithmetic.

const f = Math.fround;
const A = -0.75;

function cubicNear(z: number): number {      // |z| ≤ 1
  return f(f(f(f(f(A + 2) * z) - f(A + 3)) * z) * z) + 1;
}
function cubicFar(z: number): number {       // 1 < |z| < 2
  return f(f(f(f(f(f(A * z) - f(5 * A)) * z) + f(8 * A)) * z) - f(4 * A));
}

interface CubicTaps { index: Int32Array; weight: Float32Array } // 4 per output

function cubicTaps(inSize: number, outSize: number, scaleFactor: number): CubicTaps {
  const sigma = f(1 / scaleFactor);
  const index = new Int32Array(outSize * 4), weight = new Float32Array(outSize * 4);
  for (let o = 0; o < outSize; o++) {
    const src = f(f(sigma * f(o + 0.5)) - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const t = Math.min(Math.max(f(src - i0), 0), 1);
    const w = [cubicFar(f(t + 1)), cubicNear(t), cubicNear(f(1 - t)), cubicFar(f(f(1 - t) + 1))];
    for (let k = 0; k < 4; k++) {
      index[o * 4 + k] = Math.min(Math.max(i0 - 1 + k, 0), inSize - 1);
      weight[o * 4 + k] = w[k];
    }
  }
  return { index, weight };
}

/**
 * posEmbed: [1 + M·M, C] (row 0 = cls). Returns [1 + ph·pw, C], cls row unchanged.
 * The grid is used as is only when it already has ph = pw = M.
 */
export function resamplePosEmbed(posEmbed: Float32Array, grid: number, channels: number, ph: number, pw: number, offset: number): Float32Array {
  if (posEmbed.length !== (1 + grid * grid) * channels) throw new Error(`pos_embed has ${posEmbed.length} values, expected (1 + ${grid}²)·${channels}`);
  if (ph === grid && pw === grid) return posEmbed.slice();
  const ys = cubicTaps(grid, ph, (ph + offset) / grid);
  const xs = cubicTaps(grid, pw, (pw + offset) / grid);
  const out = new Float32Array((1 + ph * pw) * channels);
  out.set(posEmbed.subarray(0, channels));
  for (let oy = 0; oy < ph; oy++) {
    for (let ox = 0; ox < pw; ox++) {
      const dst = (1 + oy * pw + ox) * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          const row = 1 + ys.index[oy * 4 + k] * grid;
          let inner = 0;
          for (let l = 0; l < 4; l++) inner = f(inner + f(xs.weight[ox * 4 + l] * posEmbed[(row + xs.index[ox * 4 + l]) * channels + c]));
          acc = f(acc + f(ys.weight[oy * 4 + k] * inner));
        }
        out[dst + c] = acc;
      }
    }
  }
  return out;
}
