// Bilinear resize with align_corners = True, evaluated like PyTorch's CPU kernel (f32 source
// coordinates scale·dst, weights 1−λ and λ, the row lerp of two column lerps), four output
// columns at a time: the coordinates are computed in f32x4, the four source pairs gathered.
import { nextTask } from './tasks';

/** The 4 floats at row + 4·idx[i] (i32 lanes of idx). */
// @ts-ignore: decorator
@inline function gather4(row: usize, idx: v128): v128 {
  let v = f32x4.splat(load<f32>(row + (<usize>i32x4.extract_lane(idx, 0) << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(row + (<usize>i32x4.extract_lane(idx, 1) << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(row + (<usize>i32x4.extract_lane(idx, 2) << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(row + (<usize>i32x4.extract_lane(idx, 3) << 2)));
}

/**
 * x [c, h, w] → out [c, oh, ow], + add [c, oh, ow] when add != 0, + addX [c, ow] (channels below
 * split) or addY [c, oh] (the others) when addX != 0. Tasks: one per output row of one channel.
 */
export function resizeBilinear(
  x: usize, c: i32, h: i32, w: i32, oh: i32, ow: i32, add: usize, addX: usize, addY: usize, split: i32, out: usize,
): void {
  const sy: f32 = oh > 1 ? <f32>(h - 1) / <f32>(oh - 1) : 0;
  const sx: f32 = ow > 1 ? <f32>(w - 1) / <f32>(ow - 1) : 0;
  const one = f32x4.splat(1);
  const lastCol = i32x4.splat(w - 1);
  const ow4 = ow & ~3;
  for (let task = nextTask(); task < c * oh; task = nextTask()) {
    const ch = task / oh;
    const oy = task % oh;
    const fy = sy * <f32>oy;
    const y0 = <i32>fy;
    const y1 = y0 < h - 1 ? y0 + 1 : y0;
    const ly = f32x4.splat(fy - <f32>y0);
    const my = f32x4.sub(one, ly);
    const row0 = x + (<usize>ch * h + y0) * w * 4;
    const row1 = x + (<usize>ch * h + y1) * w * 4;
    const at = (<usize>ch * oh + oy) * ow * 4;
    // The separable map's row: a row of addX, or one value of addY (then rowX = 0).
    const rowX: usize = addX != 0 && ch < split ? addX + <usize>ch * ow * 4 : 0;
    const yTerm: f32 = addX != 0 && ch >= split ? load<f32>(addY + (<usize>ch * oh + oy) * 4) : 0;
    const yAdd = addX != 0 && ch >= split;
    let ox = 0;
    for (; ox < ow4; ox += 4) {
      const fx = f32x4.mul(f32x4.splat(sx), f32x4.convert_i32x4_s(i32x4(ox, ox + 1, ox + 2, ox + 3)));
      const x0 = i32x4.trunc_sat_f32x4_s(fx);
      const x1 = i32x4.min_s(i32x4.add(x0, i32x4.splat(1)), lastCol);
      const lx = f32x4.sub(fx, f32x4.convert_i32x4_s(x0));
      const mx = f32x4.sub(one, lx);
      const top = f32x4.add(f32x4.mul(mx, gather4(row0, x0)), f32x4.mul(lx, gather4(row0, x1)));
      const bottom = f32x4.add(f32x4.mul(mx, gather4(row1, x0)), f32x4.mul(lx, gather4(row1, x1)));
      let v = f32x4.add(f32x4.mul(my, top), f32x4.mul(ly, bottom));
      if (add != 0) v = f32x4.add(v, v128.load(add + at + <usize>ox * 4));
      if (rowX != 0) v = f32x4.add(v, v128.load(rowX + <usize>ox * 4));
      if (yAdd) v = f32x4.add(v, f32x4.splat(yTerm));
      v128.store(out + at + <usize>ox * 4, v);
    }
    const lyS = fy - <f32>y0;
    for (; ox < ow; ox++) {
      const fx = sx * <f32>ox;
      const x0 = <i32>fx;
      const x1 = x0 < w - 1 ? x0 + 1 : x0;
      const lx = fx - <f32>x0;
      const top = (<f32>1 - lx) * load<f32>(row0 + <usize>x0 * 4) + lx * load<f32>(row0 + <usize>x1 * 4);
      const bottom = (<f32>1 - lx) * load<f32>(row1 + <usize>x0 * 4) + lx * load<f32>(row1 + <usize>x1 * 4);
      let v = (<f32>1 - lyS) * top + lyS * bottom;
      if (add != 0) v += load<f32>(add + at + <usize>ox * 4);
      if (rowX != 0) v += load<f32>(rowX + <usize>ox * 4);
      if (yAdd) v += yTerm;
      store<f32>(out + at + <usize>ox * 4, v);
    }
  }
}
