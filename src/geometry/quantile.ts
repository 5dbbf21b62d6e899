/** torch.quantile with linear interpolation: sorted[q·(n−1)] interpolated between neighbours. */
export function quantile(values: Float32Array, q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty set');
  const sorted = values.slice().sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
