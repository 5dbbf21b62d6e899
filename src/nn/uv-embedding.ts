// The DPT heads' UV positional embedding (DA3 `create_uv_grid` + `position_grid_to_embed`),
// already multiplied by 0.1 as the heads add it. Built on the host in float32 arithmetic and
// cached per geometry by the caller.

const f = Math.fround;

/** torch.linspace in float32: the second half is computed back from the end point. */
function linspace(start: number, end: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const s = f(start), e = f(end);
  const step = n > 1 ? f(f(e - s) / (n - 1)) : 0;
  const halfway = Math.floor(n / 2);
  for (let i = 0; i < n; i++) out[i] = i < halfway ? f(s + f(step * i)) : f(e - f(step * (n - 1 - i)));
  return out;
}

/** Returns 0.1·UV as a channel-major map [channels, h, w]; `aspect` is the image's W/H. */
export function uvEmbedding(w: number, h: number, channels: number, aspect: number): Float32Array {
  if (channels % 4 !== 0) throw new Error(`UV embedding: ${channels} channels is not a multiple of 4`);
  const diag = Math.sqrt(aspect * aspect + 1);
  const spanX = aspect / diag, spanY = 1 / diag;
  const u = linspace(-spanX * (w - 1) / w, spanX * (w - 1) / w, w);
  const v = linspace(-spanY * (h - 1) / h, spanY * (h - 1) / h, h);
  const perAxis = channels / 2, freqs = channels / 4;
  const omega = new Float32Array(freqs);
  for (let k = 0; k < freqs; k++) omega[k] = f(1 / f(Math.pow(100, f(k / f(perAxis / 2)))));
  const out = new Float32Array(channels * h * w);
  const tenth = f(0.1);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const px = i * w + j;
      for (let k = 0; k < freqs; k++) {
        const au = f(u[j] * omega[k]), av = f(v[i] * omega[k]);
        out[k * h * w + px] = f(f(Math.sin(au)) * tenth);
        out[(freqs + k) * h * w + px] = f(f(Math.cos(au)) * tenth);
        out[(perAxis + k) * h * w + px] = f(f(Math.sin(av)) * tenth);
        out[(perAxis + freqs + k) * h * w + px] = f(f(Math.cos(av)) * tenth);
      }
    }
  }
  return out;
}
