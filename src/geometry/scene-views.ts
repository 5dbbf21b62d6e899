// The views of one predicted scene as the 3D exporters take them (GLB, COLMAP, PLY, the web
// page's viewer): depth, confidence, camera and the network-size colours of every view, and the
// confidence of all views together (the exporters' cut is taken over the whole scene).
import type { DepthPrediction } from '../types.ts';
import { glbConfidenceThreshold } from '../export/glb.ts';
import { unprojectViews, type PointCloud, type UnprojectView } from './unproject.ts';

export interface SceneView extends UnprojectView {
  confidence: Float32Array;
  extrinsics: number[];
  intrinsics: number[];
}

/**
 * Undefined when a view lacks the camera, confidence or colours (models without a camera head);
 * the camera is rounded to float32 because depth-anything.cpp holds it so.
 */
export function sceneViews(predictions: readonly DepthPrediction[]): SceneView[] | undefined {
  const views: SceneView[] = [];
  for (const p of predictions) {
    if (!p.extrinsics || !p.intrinsics || !p.confidence || !p.image) return undefined;
    views.push({
      width: p.width, height: p.height, depth: p.depth, confidence: p.confidence, image: p.image,
      extrinsics: Array.from(p.extrinsics, Math.fround), intrinsics: Array.from(p.intrinsics, Math.fround),
    });
  }
  return views;
}

/** Every view's confidence, concatenated. */
export function sceneConfidence(views: readonly { confidence: Float32Array }[]): Float32Array {
  const all = new Float32Array(views.reduce((n, v) => n + v.confidence.length, 0));
  views.reduce((offset, v) => { all.set(v.confidence, offset); return offset + v.confidence.length; }, 0);
  return all;
}

/**
 * The scene's coloured points above `confidenceThreshold`, or above the GLB exporter's cut
 * (depth-anything.cpp's default for point clouds) when none is given.
 */
export function scenePoints(views: readonly SceneView[], confidenceThreshold?: number): PointCloud & { threshold: number } {
  const threshold = confidenceThreshold ?? glbConfidenceThreshold(sceneConfidence(views));
  return { ...unprojectViews(views, threshold), threshold };
}
