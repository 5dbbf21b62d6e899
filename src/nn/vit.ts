// The DINOv2-style ViT backbone of Depth Anything 3 / V2, written once against the Backend
// interface. Tokens of all S views live in one [S·T, C] matrix (T = 1 + patches per view):
// local blocks attend within each view, global blocks across all of them.

import type { Backend, Tensor } from '../backend/backend.ts';
import type { VitConfig } from './vit-config.ts';
import type { Trace } from './trace.ts';
import type { Weights } from './weights.ts';
import { selectReferenceView } from './reference-view.ts';

/** Per-geometry inputs prepared once (see prepareBackboneGeometry in src/model). */
export interface BackboneGeometry {
  views: number;
  ph: number;
  pw: number;
  /** Resampled position embedding of the patches, tiled over views: [S·Np, C]. */
  posPatches: Tensor;
  /** cls token + position-embedding row 0: [1, C]. */
  clsToken: Tensor;
  /** RoPE tables: local [T, d] (positions (row+1, col+1)), global [S·T, d] (all patches at (1,1)). */
  ropeLocal?: { cos: Tensor; sin: Tensor };
  ropeGlobal?: { cos: Tensor; sin: Tensor };
}

export interface BackboneOutput {
  /** Per out layer, the patch features of all views: [S·Np, D] (D = 2C with cat_token, else C). */
  features: Tensor[];
  /** Token 0 of the last out layer per view, raw (no norm): [S, D]. Feeds the camera decoder. */
  cameraTokens: Tensor;
  /** Reference view chosen for S ≥ 3 (camera_token[0] went to it); 0 otherwise. */
  referenceView: number;
}

export function isGlobalBlock(cfg: VitConfig, i: number): boolean {
  return cfg.altStart >= 0 && i >= cfg.altStart && i % 2 === 1;
}

/** Views from which DA3 selects a reference view ("THRESH_FOR_REF_SELECTION"). */
const REFERENCE_SELECTION_MIN_VIEWS = 3;

/**
 * patches: [S·Np, 3·p·p] rows of the normalized input, each patch flattened as (channel, y, x)
 * like the patch-embed conv weight.
 */
export async function runBackbone(be: Backend, cfg: VitConfig, w: Weights, geo: BackboneGeometry, patches: Tensor, trace?: Trace): Promise<BackboneOutput> {
  const S = geo.views, np = geo.ph * geo.pw, T = np + 1, C = cfg.embedDim;
  const patchW = be.reshape(w.get('vit.patch_embed.weight', 4), [C, 3 * cfg.patchSize * cfg.patchSize]);
  const patchTokens = be.linear(patches, patchW, w.get('vit.patch_embed.bias', 1), { residual: geo.posPatches });
  let x = be.gatherRows(Array.from({ length: S }, (_, v) => [
    { tensor: geo.clsToken, start: 0, count: 1 },
    { tensor: patchTokens, start: v * np, count: np },
  ]).flat());
  be.release(patchTokens);
  trace?.('backbone.tokens', x);

  let localX: Tensor | undefined;
  let referenceView = 0;
  const features: Tensor[] = [];
  let cameraTokens: Tensor | undefined;
  const finalNorm = { weight: w.get('vit.norm.weight', 1), bias: w.get('vit.norm.bias', 1) };
  const lastOut = Math.max(...cfg.outLayers);

  for (let i = 0; i <= lastOut; i++) {
    if (cfg.altStart >= 0 && S >= REFERENCE_SELECTION_MIN_VIEWS && i === cfg.altStart - 1) {
      referenceView = await pickReferenceView(be, x, S, T);
    }
    if (cfg.altStart >= 0 && i === cfg.altStart) {
      const next = insertCameraTokens(be, w.get('vit.camera_token', 2), x, S, T, referenceView);
      if (x !== localX) be.release(x);
      x = next;
    }
    const global = isGlobalBlock(cfg, i);
    const next = runBlock(be, cfg, w, i, x, global ? S * T : T, global ? geo.ropeGlobal : geo.ropeLocal);
    if (x !== localX) be.release(x);
    x = next;
    trace?.(`backbone.block${i}`, x);
    if (!global) {
      if (localX) be.release(localX);
      localX = x;
    }
    if (cfg.outLayers.includes(i)) {
      const normed = be.layerNorm(x, finalNorm.weight, finalNorm.bias, cfg.finalNormEps);
      const feat = cfg.catToken ? be.concatCols(localX ?? x, normed) : normed;
      features.push(be.gatherRows(Array.from({ length: S }, (_, v) => ({ tensor: feat, start: v * T + 1, count: np }))));
      trace?.(`backbone.out_layer${i}.feat`, features[features.length - 1]);
      const raw = cfg.catToken ? be.concatCols(localX ?? x, x) : x;
      const token0 = be.gatherRows(Array.from({ length: S }, (_, v) => ({ tensor: raw, start: v * T, count: 1 })));
      trace?.(`backbone.out_layer${i}.cam_token`, token0);
      if (raw !== x) be.release(raw);
      if (i === lastOut) cameraTokens = token0;
      else be.release(token0);
      if (feat !== normed) be.release(feat);
      be.release(normed);
    }
  }
  if (localX && localX !== x) be.release(localX);
  be.release(x);
  return { features, cameraTokens: cameraTokens!, referenceView };
}

function insertCameraTokens(be: Backend, cameraToken: Tensor, x: Tensor, S: number, T: number, referenceView: number): Tensor {
  return be.gatherRows(Array.from({ length: S }, (_, v) => [
    { tensor: cameraToken, start: v === referenceView ? 0 : 1, count: 1 },
    { tensor: x, start: v * T + 1, count: T - 1 },
  ]).flat());
}

async function pickReferenceView(be: Backend, x: Tensor, S: number, T: number): Promise<number> {
  const tokens = be.gatherRows(Array.from({ length: S }, (_, v) => ({ tensor: x, start: v * T, count: 1 })));
  const data = await be.download(tokens);
  be.release(tokens);
  return selectReferenceView(data, S);
}

function runBlock(be: Backend, cfg: VitConfig, w: Weights, i: number, x: Tensor, seqLen: number, rope: BackboneGeometry['ropeLocal']): Tensor {
  const p = `vit.blk.${i}.`;
  const vec = (name: string) => w.get(p + name, 1);
  const mat = (name: string) => w.get(p + name, 2);

  const h1 = be.layerNorm(x, vec('norm1.weight'), vec('norm1.bias'), cfg.lnEps);
  const qkv = be.linear(h1, mat('attn_qkv.weight'), w.has(p + 'attn_qkv.bias') ? vec('attn_qkv.bias') : undefined);
  be.release(h1);
  const qkNorm = w.has(p + 'attn_qnorm.weight');
  const attn = be.attention(qkv, {
    heads: cfg.numHeads,
    seqLen,
    qNorm: qkNorm ? { weight: vec('attn_qnorm.weight'), bias: vec('attn_qnorm.bias') } : undefined,
    kNorm: qkNorm ? { weight: vec('attn_knorm.weight'), bias: vec('attn_knorm.bias') } : undefined,
    normEps: 1e-5,
    rope: cfg.ropeStart >= 0 && i >= cfg.ropeStart ? rope : undefined,
  });
  be.release(qkv);
  const x1 = be.linear(attn, mat('attn_proj.weight'), vec('attn_proj.bias'), { residual: x, scale: vec('ls1') });
  be.release(attn);

  const h2 = be.layerNorm(x1, vec('norm2.weight'), vec('norm2.bias'), cfg.lnEps);
  let hidden: Tensor;
  let down: [Tensor, Tensor];
  if (cfg.ffn === 'swiglu') {
    const gated = be.linear(h2, mat('mlp_w12.weight'), vec('mlp_w12.bias'));
    hidden = be.swiglu(gated);
    be.release(gated);
    down = [mat('mlp_w3.weight'), vec('mlp_w3.bias')];
  } else {
    hidden = be.linear(h2, mat('mlp_fc1.weight'), vec('mlp_fc1.bias'), { activation: 'gelu' });
    down = [mat('mlp_fc2.weight'), vec('mlp_fc2.bias')];
  }
  be.release(h2);
  const out = be.linear(hidden, down[0], down[1], { residual: x1, scale: vec('ls2') });
  be.release(hidden);
  be.release(x1);
  return out;
}
