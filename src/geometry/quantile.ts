/** Linear-interpolation quantiles (torch.quantile / numpy "linear"): sorted[q·(n−1)] interpolated between neighbours; one sort for all of `qs`. */
export function quantiles(values: Float32Array, qs: readonly number[]): number[] {
  if (values.length === 0) throw new Error('quantile of an empty set');
  const sorted = values.slice().sort();
  return qs.map((q) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  });
}

export function quantile(values: Float32Array, q: number): number {
  return quantiles(values, [q])[0]!;
}

/** numpy.percentile (linear), p in [0, 100]. */
export function percentile(values: Float32Array, p: number): number {
  return quantile(values, p / 100);
}
