// 2D rotary position tables (DA3 `RotaryPositionEmbedding2D`): the first half of each head
// vector rotates with the token's row, the second half with its column. Within a half of F
// dims, frequency j (j < F/2) drives the pair (j, j + F/2): the tables repeat θ as cat(θ, θ).
// Built on the host in float32 arithmetic, as PyTorch does, never on a GPU (its sin/cos are
// not accurate enough for angles up to ~40 rad).

export interface RopeTable {
  /** [tokens, headDim] */
  cos: Float32Array;
  sin: Float32Array;
}

/** positions: (y, x) integer pairs, one per token. */
export function ropeTable(positions: Int32Array, headDim: number, base: number): RopeTable {
  const tokens = positions.length / 2;
  const half = headDim / 2, quarter = headDim / 4;
  if (!Number.isInteger(quarter)) throw new Error(`RoPE: head_dim ${headDim} is not a multiple of 4`);
  const invFreq = new Float32Array(quarter);
  for (let j = 0; j < quarter; j++) {
    const exponent = Math.fround(Math.fround(2 * j) / half);
    invFreq[j] = Math.fround(1 / Math.fround(Math.pow(base, exponent)));
  }
  const cos = new Float32Array(tokens * headDim), sin = new Float32Array(tokens * headDim);
  for (let t = 0; t < tokens; t++) {
    for (let axis = 0; axis < 2; axis++) {
      const p = positions[2 * t + axis];
      for (let j = 0; j < half; j++) {
        const theta = Math.fround(p * invFreq[j % quarter]);
        cos[t * headDim + axis * half + j] = Math.cos(theta);
        sin[t * headDim + axis * half + j] = Math.sin(theta);
      }
    }
  }
  return { cos, sin };
}

/**
 * Positions of one view's tokens: token 0 (cls / camera) at (0, 0); patches at (row+1, col+1)
 * for local attention, or all at (1, 1) for global attention (DA3's `pos_nodiff`).
 */
export function viewPositions(ph: number, pw: number, global: boolean): Int32Array {
  const pos = new Int32Array(2 * (1 + ph * pw));
  for (let r = 0; r < ph; r++) {
    for (let c = 0; c < pw; c++) {
      const t = 1 + r * pw + c;
      pos[2 * t] = global ? 1 : r + 1;
      pos[2 * t + 1] = global ? 1 : c + 1;
    }
  }
  return pos;
}
