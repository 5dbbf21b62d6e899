// Seeded pseudo-random numbers for synthetic weights: splitmix32 for uniforms, Box–Muller for
// normals. Each tensor gets its own stream, seeded from the model seed and the tensor's name, so
// a tensor's values do not depend on which other tensors the file holds or in what order.

export class Random {
  private state: number;
  /** Box–Muller makes normals in pairs; the second one waits here. */
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform in [0, 1), 32 random bits. */
  uniform(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
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
