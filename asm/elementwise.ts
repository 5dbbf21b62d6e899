// Memory-bound elementwise ops and layout changes. Tasks are fixed-size chunks of the output.
import { nextTask } from './tasks';
import { relu4, silu4 } from './vmath';

const CHUNK = 16384;

/** out = a + b over n elements. */
export function add(a: usize, b: usize, out: usize, n: i32): void {
  for (let task = nextTask(); task * CHUNK < n; task = nextTask()) {
    const end = min(n, (task + 1) * CHUNK);
    let j = task * CHUNK;
    for (; j + 4 <= end; j += 4) {
      const o = <usize>j * 4;
      v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
    }
    for (; j < end; j++) {
      const o = <usize>j * 4;
      store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
    }
  }
}

/** out = max(x, 0) over n elements. */
export function relu(x: usize, out: usize, n: i32): void {
  for (let task = nextTask(); task * CHUNK < n; task = nextTask()) {
    const end = min(n, (task + 1) * CHUNK);
    let j = task * CHUNK;
    for (; j + 4 <= end; j += 4) {
      const o = <usize>j * 4;
      v128.store(out + o, relu4(v128.load(x + o)));
    }
    for (; j < end; j++) {
      const o = <usize>j * 4;
      const v = load<f32>(x + o);
      store<f32>(out + o, v > 0 ? v : 0);
    }
  }
}

/** x [m, 2h] → out [m, h] = silu(x[:, :h]) ⊙ x[:, h:]. Tasks: one per row. */
export function swiglu(x: usize, m: i32, h: i32, out: usize): void {
  for (let r = nextTask(); r < m; r = nextTask()) {
    const gate = x + <usize>r * h * 8;
    const lin = gate + <usize>h * 4;
    const dst = out + <usize>r * h * 4;
    let j = 0;
    for (; j + 4 <= h; j += 4) {
      const o = <usize>j * 4;
      v128.store(dst + o, f32x4.mul(silu4(v128.load(gate + o)), v128.load(lin + o)));
    }
    for (; j < h; j++) {
      const o = <usize>j * 4;
      const g = f32x4.extract_lane(silu4(f32x4.splat(load<f32>(gate + o))), 0);
      store<f32>(dst + o, g * load<f32>(lin + o));
    }
  }
}

const TILE = 32;

/** x [m, n] → out [n, m], in 32×32 tiles. */
export function transpose(x: usize, m: i32, n: i32, out: usize): void {
  const tilesN = (n + TILE - 1) / TILE;
  const tiles = ((m + TILE - 1) / TILE) * tilesN;
  for (let task = nextTask(); task < tiles; task = nextTask()) {
    const r0 = (task / tilesN) * TILE;
    const c0 = (task % tilesN) * TILE;
    const rEnd = min(m, r0 + TILE);
    const cEnd = min(n, c0 + TILE);
    for (let c = c0; c < cEnd; c++) {
      for (let r = r0; r < rEnd; r++) {
        store<f32>(out + (<usize>c * m + r) * 4, load<f32>(x + (<usize>r * n + c) * 4));
      }
    }
  }
}
