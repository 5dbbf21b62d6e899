// Everything that depends only on the model and the input geometry — the resampled position
// embedding, RoPE tables, UV embeddings — computed once on the host and kept on the backend.

import type { Backend, Tensor } from '../backend/backend.ts';
import type { BackboneGeometry } from '../nn/vit.ts';
import type { VitConfig } from '../nn/vit-config.ts';
import { resamplePosEmbed } from '../nn/posembed.ts';
import { ropeTable, viewPositions } from '../nn/rope.ts';
import { uvEmbedding } from '../nn/uv-embedding.ts';

export class GeometryCache {
  private readonly backbones = new Map<string, BackboneGeometry>();
  private readonly uvs = new Map<string, Tensor>();
  private readonly be: Backend;
  private readonly cfg: VitConfig;
  /** Host copies of the learned tokens: pos_embed [1 + M², C] and cls [C]. */
  private readonly posEmbed: Float32Array;
  private readonly cls: Float32Array;

  constructor(be: Backend, cfg: VitConfig, posEmbed: Float32Array, cls: Float32Array) {
    this.be = be;
    this.cfg = cfg;
    this.posEmbed = posEmbed;
    this.cls = cls;
  }

  backbone(views: number, ph: number, pw: number): BackboneGeometry {
    const key = `${views}:${ph}x${pw}`;
    let geo = this.backbones.get(key);
    if (!geo) {
      geo = this.buildBackbone(views, ph, pw);
      this.backbones.set(key, geo);
    }
    return geo;
  }

  /** 0.1·UV embedding [channels, h, w] for an image of aspect W/H. */
  uv(channels: number, w: number, h: number, aspect: number): Tensor {
    const key = `${channels}:${w}x${h}:${aspect}`;
    let t = this.uvs.get(key);
    if (!t) {
      t = this.be.upload(uvEmbedding(w, h, channels, aspect), [channels, h, w]);
      this.uvs.set(key, t);
    }
    return t;
  }

  private buildBackbone(views: number, ph: number, pw: number): BackboneGeometry {
    const { embedDim: C, headDim, posEmbedGrid, interpolateOffset, ropeFreq } = this.cfg;
    const pos = resamplePosEmbed(this.posEmbed, posEmbedGrid, C, ph, pw, interpolateOffset);
    const np = ph * pw;
    const tiled = new Float32Array(views * np * C);
    for (let v = 0; v < views; v++) tiled.set(pos.subarray(C), v * np * C);
    const clsRow = new Float32Array(C);
    for (let c = 0; c < C; c++) clsRow[c] = this.cls[c] + pos[c];
    const geo: BackboneGeometry = {
      views, ph, pw,
      posPatches: this.be.upload(tiled, [views * np, C]),
      clsToken: this.be.upload(clsRow, [1, C]),
    };
    if (this.cfg.ropeStart >= 0) {
      const upload = (positions: Int32Array) => {
        const t = ropeTable(positions, headDim, ropeFreq);
        const rows = positions.length / 2;
        return { cos: this.be.upload(t.cos, [rows, headDim]), sin: this.be.upload(t.sin, [rows, headDim]) };
      };
      geo.ropeLocal = upload(viewPositions(ph, pw, false));
      const one = viewPositions(ph, pw, true);
      const all = new Int32Array(one.length * views);
      for (let v = 0; v < views; v++) all.set(one, v * one.length);
      geo.ropeGlobal = upload(all);
    }
    return geo;
  }
}
