// The file answers of POST /v1/depth/glb, /ply and /colmap: the scene's back-projected points
// through the library's exporters, with depth-anything.cpp's confidence cuts unless the request
// sets conf_threshold. COLMAP's three files travel as one uncompressed tar.
import { colmapConfidenceThreshold, encodeColmapBinary, encodeColmapText } from '../export/colmap.ts';
import { encodeGlb } from '../export/glb.ts';
import { encodePointPly } from '../export/point-ply.ts';
import { encodeTar } from '../export/tar.ts';
import { sceneConfidence, scenePoints, sceneViews } from '../geometry/scene-views.ts';
import { unprojectViews } from '../geometry/unproject.ts';
import type { DepthPrediction } from '../types.ts';
import type { DepthRequest } from './depth-request.ts';
import { HttpError } from './http-error.ts';

export interface FileAnswer {
  body: Uint8Array;
  contentType: string;
  fileName: string;
}

/** COLMAP image names: the uploaded file names (reduced to safe characters), else image<i>. */
function imageNames(request: DepthRequest): string[] {
  const names = request.images.map((image, i) => {
    const safe = (image.name ?? '').split(/[\\/]/).pop()!.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
    return safe !== '' && safe !== '.' && safe !== '..' ? safe : `image${i}.${image.bytes[0] === 0x89 ? 'png' : 'jpg'}`;
  });
  return names.map((name, i) => (names.indexOf(name) !== i ? `view${i}_${name}` : name));
}

/** `sizes`: the decoded images' sizes (COLMAP cameras are at the original size). */
export function depthFile(kind: 'glb' | 'ply' | 'colmap', request: DepthRequest, sizes: readonly { width: number; height: number }[], predictions: readonly DepthPrediction[]): FileAnswer {
  const views = sceneViews(predictions);
  if (!views) throw new HttpError(500, 'internal', 'the model returned no camera');
  if (kind === 'glb') return { body: encodeGlb(scenePoints(views, request.confThreshold), views), contentType: 'model/gltf-binary', fileName: 'depth.glb' };
  if (kind === 'ply') return { body: encodePointPly(scenePoints(views, request.confThreshold)), contentType: 'application/octet-stream', fileName: 'depth.ply' };
  const points = unprojectViews(views, request.confThreshold ?? colmapConfidenceThreshold(sceneConfidence(views)));
  const names = imageNames(request);
  const colmapViews = views.map((view, i) => ({ ...view, name: names[i]!, originalWidth: sizes[i]!.width, originalHeight: sizes[i]!.height }));
  const encode = request.colmapFormat === 'bin' ? encodeColmapBinary : encodeColmapText;
  return { body: encodeTar(encode(colmapViews, points)), contentType: 'application/x-tar', fileName: 'colmap.tar' };
}
