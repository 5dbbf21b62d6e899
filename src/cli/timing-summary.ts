export interface TimingSummary {
  median: number;
  min: number;
  max: number;
  p90: number;
}

/** Order statistics of per-iteration times, picked the way depth-anything.cpp's bench does: median = sorted[⌊n/2⌋], p90 = sorted[min(⌊0.9n⌋, n−1)]. */
export function summarizeTimings(times: readonly number[]): TimingSummary {
  if (times.length === 0) throw new Error('summarizeTimings: no timings');
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    median: sorted[Math.floor(n / 2)]!,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p90: sorted[Math.min(Math.floor(0.9 * n), n - 1)]!,
  };
}
