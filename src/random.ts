// The project's seeded pseudo-random numbers (synthetic weights, RANSAC draws): splitmix32 for
// 32-bit uniforms, rejection sampling for bounded integers, Box–Muller for normals. Fully
// specified here, so results do not depend on the runtime.

export class Random {
  private state: number;
  /** Box–Muller makes normals in pairs; the second one waits here. */
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** 32 random bits as an unsigned integer. */
  uint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** Uniform in [0, 1), 32 random bits. */
  uniform(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n), unbiased (rejects the top partial range of 2^32). */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new Error(`Random.below: bad range ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** k distinct integers of [0, n) in draw order (partial Fisher–Yates). */
  sample(n: number, k: number): Int32Array {
    if (k > n) throw new Error(`Random.sample: cannot draw ${k} distinct values from ${n}`);
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.below(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform())); // 1 - u is in (0, 1]: no log(0)
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/** A stream seed for one named tensor of a model seeded with `seed` (FNV-1a over the name). */
export function tensorSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}
