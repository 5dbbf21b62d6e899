// What a request asks of a model, checked from the model's header before any image is decoded or
// weights load: a mono model asked for a camera is the client's mistake (400), not a crash.
import type { ModelInfo } from '../types.ts';
import type { DepthRequest } from './depth-request.ts';
import { HttpError } from './http-error.ts';

export type DepthOutput = 'json' | 'glb' | 'ply' | 'colmap';

function missing(id: string, info: ModelInfo, what: string, need: string): HttpError {
  return new HttpError(400, 'unsupported_by_model', `${what}: model "${id}" (${info.family}; can: ${info.capabilities.join(', ')}) ${need}`);
}

export function checkCapabilities(id: string, info: ModelInfo, request: DepthRequest, output: DepthOutput): void {
  const can = (capability: string) => info.capabilities.includes(capability);
  if (output !== 'json' && !can('pose')) throw missing(id, info, output, 'has no camera head; 3D exports need a DA3 any-view model');
  if (request.includePoints && !can('pose')) throw missing(id, info, 'include_points', 'has no camera head to back-project with; use a DA3 any-view model');
  if (request.includePose && !can('pose')) throw missing(id, info, 'include_pose', 'predicts no camera; use a DA3 any-view model');
  if (request.includeConf && !can('confidence')) throw missing(id, info, 'include_conf', 'predicts no confidence');
  if (request.includeSky && !can('sky')) throw missing(id, info, 'include_sky', 'has no sky head; use a DA3 mono/metric model');
  if (request.rayPose && !can('rays')) throw missing(id, info, 'ray_pose', 'has no aux ray head (convert with --with-aux)');
  if (request.multiView && info.family !== 'da3') throw missing(id, info, 'srcs', 'takes one view; several views need a DA3 any-view model');
}
