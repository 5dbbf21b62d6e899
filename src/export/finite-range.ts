/** Minimum and maximum over the finite values; undefined when there are none. NaN/±Inf are skipped so one bad pixel cannot flatten a whole visualization. */
export function finiteRange(values: ArrayLike<number>): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}
