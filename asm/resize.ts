// Bilinear resize with align_corners = True, evaluated like PyTorch's CPU kernel (f32 source
// coordinates scale·dst, weights 1−λ and λ, the row lerp of two column lerps).
import { nextTask } from './tasks';

/** x [c, h, w] → out [c, oh, ow]. Tasks: one per output row of one channel. */
export function resizeBilinear(x: usize, c: i32, h: i32, w: i32, oh: i32, ow: i32, out: usize): void {
  const sy: f32 = oh > 1 ? <f32>(h - 1) / <f32>(oh - 1) : 0;
  const sx: f32 = ow > 1 ? <f32>(w - 1) / <f32>(ow - 1) : 0;
  for (let task = nextTask(); task < c * oh; task = nextTask()) {
    const ch = task / oh;
    const oy = task % oh;
    const fy = sy * <f32>oy;
    const y0 = <i32>fy;
    const y1 = y0 < h - 1 ? y0 + 1 : y0;
    const ly = fy - <f32>y0;
    const row0 = x + (<usize>ch * h + y0) * w * 4;
    const row1 = x + (<usize>ch * h + y1) * w * 4;
    const dst = out + (<usize>ch * oh + oy) * ow * 4;
    for (let ox = 0; ox < ow; ox++) {
      const fx = sx * <f32>ox;
      const x0 = <i32>fx;
      const x1 = x0 < w - 1 ? x0 + 1 : x0;
      const lx = fx - <f32>x0;
      const top = (<f32>1 - lx) * load<f32>(row0 + <usize>x0 * 4) + lx * load<f32>(row0 + <usize>x1 * 4);
      const bottom = (<f32>1 - lx) * load<f32>(row1 + <usize>x0 * 4) + lx * load<f32>(row1 + <usize>x1 * 4);
      store<f32>(dst + <usize>ox * 4, (<f32>1 - ly) * top + ly * bottom);
    }
  }
}
