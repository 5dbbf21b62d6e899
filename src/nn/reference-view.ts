// DA3's "saddle_balanced" reference-view selection (used when S ≥ 3 views): score each view's
// raw token 0 by its mean cosine similarity to the others, its norm and the (unbiased) variance
// of its unit vector; min-max normalize each metric over views and pick the view whose metrics
// sit closest to the middle (first index on ties).

/** tokens: [S, C] row-major. */
export function selectReferenceView(tokens: Float32Array, S: number): number {
  const C = tokens.length / S;
  const unit: Float64Array[] = [];
  const norms = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const row = tokens.subarray(s * C, (s + 1) * C);
    let sq = 0;
    for (let c = 0; c < C; c++) sq += row[c] * row[c];
    norms[s] = Math.sqrt(sq);
    unit.push(Float64Array.from(row, (v) => v / Math.max(norms[s], 1e-12)));
  }
  const sim = new Float64Array(S), variance = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let total = 0;
    for (let t = 0; t < S; t++) {
      if (t === s) continue;
      let dot = 0;
      for (let c = 0; c < C; c++) dot += unit[s][c] * unit[t][c];
      total += dot;
    }
    sim[s] = total / (S - 1);
    let mean = 0;
    for (let c = 0; c < C; c++) mean += unit[s][c];
    mean /= C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (unit[s][c] - mean) ** 2;
    variance[s] = v / (C - 1);
  }
  const normalize = (m: Float64Array) => {
    let lo = Infinity, hi = -Infinity;
    for (const v of m) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return m.map((v) => (v - lo) / (hi - lo + 1e-8));
  };
  const [a, b, c] = [normalize(sim), normalize(norms), normalize(variance)];
  let best = 0, bestScore = Infinity;
  for (let s = 0; s < S; s++) {
    const score = Math.abs(a[s] - 0.5) + Math.abs(b[s] - 0.5) + Math.abs(c[s] - 0.5);
    if (score < bestScore) { bestScore = score; best = s; }
  }
  return best;
}
