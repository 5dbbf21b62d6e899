// COLMAP sparse model (cameras / images / points3D, binary or text) as depth-anything.cpp's
// `write_colmap` writes it: one PINHOLE camera and one image per view at the ORIGINAL image
// size, one 3D point per back-projected pixel, each observed once by its own view.
import { percentile } from '../geometry/quantile.ts';
import { rotationToQvec } from '../geometry/rotation-quaternion.ts';
import { formatG } from '../format/printf.ts';

export interface ColmapView {
  /** Image name as stored in images.bin/txt (the input file's base name). */
  name: string;
  /** Size of the original (decoded) image; the model ran at width × height. */
  originalWidth: number;
  originalHeight: number;
  width: number;
  height: number;
  /** 3×4 world-to-camera, row-major (COLMAP's cam_from_world). */
  extrinsics: ArrayLike<number>;
  /** 3×3 intrinsics in processed pixels, row-major. */
  intrinsics: ArrayLike<number>;
}

export interface ColmapPoints {
  count: number;
  /** xyz per point, world frame. */
  positions: Float32Array;
  /** RGB per point. */
  colors: Uint8Array;
  /** Per point: index of the view that sees it. */
  view: Uint32Array;
  /** Per point: pixel index v·width + u in that view (processed resolution). */
  pixel: Uint32Array;
}

export interface ColmapFile {
  name: string;
  bytes: Uint8Array | string;
}

/** The COLMAP exporter's confidence cut: the 40th percentile over all pixels. */
export function colmapConfidenceThreshold(confidence: Float32Array): number {
  return percentile(confidence, 40);
}

const PINHOLE = 1;

/** The three files of a model, in the order the encoders return them. */
export const COLMAP_FILE_NAMES = {
  bin: ['cameras.bin', 'images.bin', 'points3D.bin'],
  txt: ['cameras.txt', 'images.txt', 'points3D.txt'],
} as const;

interface Observation {
  x: number;
  y: number;
  point3dId: number;
}

/** Per-view camera parameters, pose and observations, in the units COLMAP files store. */
interface ColmapImage {
  id: number;
  name: string;
  width: number;
  height: number;
  /** fx, fy, cx, cy at the original size. */
  params: number[];
  qvec: number[];
  tvec: number[];
  observations: Observation[];
}

function checkInputs(views: readonly ColmapView[], points: ColmapPoints): void {
  for (const [i, v] of views.entries()) {
    if (v.extrinsics.length !== 12 || v.intrinsics.length !== 9) throw new Error(`colmap: view ${i} needs a 3×4 extrinsic and a 3×3 intrinsic matrix`);
    if (!(v.width > 0 && v.height > 0 && v.originalWidth > 0 && v.originalHeight > 0)) throw new Error(`colmap: view ${i} has an empty image size`);
  }
  const n = points.count;
  if (points.positions.length !== n * 3 || points.colors.length !== n * 3 || points.view.length !== n || points.pixel.length !== n) {
    throw new Error(`colmap: ${n} points need ${n * 3} coordinates and colour bytes and ${n} view and pixel indices`);
  }
  for (let i = 0; i < n; i++) {
    const view = views[points.view[i]!];
    if (!view || points.pixel[i]! >= view.width * view.height) throw new Error(`colmap: point ${i} names a pixel outside the views`);
  }
}

/**
 * The images with their observations, and each point's index among its image's observations.
 * DA3 scales the integer pixel index to the original size and truncates (no pixel-centre shift).
 */
function colmapModel(views: readonly ColmapView[], points: ColmapPoints): { images: ColmapImage[]; point2dIndex: Uint32Array } {
  checkInputs(views, points);
  const images = views.map((v, i): ColmapImage => {
    const sx = v.originalWidth / v.width, sy = v.originalHeight / v.height;
    const E = v.extrinsics, K = v.intrinsics;
    return {
      id: i + 1,
      name: v.name,
      width: v.originalWidth,
      height: v.originalHeight,
      params: [K[0]! * sx, K[4]! * sy, K[2]! * sx, K[5]! * sy],
      qvec: rotationToQvec([E[0]!, E[1]!, E[2]!, E[4]!, E[5]!, E[6]!, E[8]!, E[9]!, E[10]!]),
      tvec: [E[3]!, E[7]!, E[11]!],
      observations: [],
    };
  });
  const point2dIndex = new Uint32Array(points.count);
  for (let i = 0; i < points.count; i++) {
    const view = views[points.view[i]!]!;
    const pixel = points.pixel[i]!;
    const u = pixel % view.width, v = (pixel - u) / view.width;
    const observations = images[points.view[i]!]!.observations;
    point2dIndex[i] = observations.length;
    observations.push({
      x: Math.trunc(u * (view.originalWidth / view.width)),
      y: Math.trunc(v * (view.originalHeight / view.height)),
      point3dId: i + 1,
    });
  }
  return { images, point2dIndex };
}

/** Little-endian record writer over a growing buffer. */
class BinaryWriter {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes);
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  // reserve() may replace the buffer and its view: call it before touching either.
  i32(x: number): this { const at = this.reserve(4); this.view.setInt32(at, x, true); return this; }
  u64(x: number): this { const at = this.reserve(8); this.view.setBigUint64(at, BigInt(x), true); return this; }
  i64(x: number): this { const at = this.reserve(8); this.view.setBigInt64(at, BigInt(x), true); return this; }
  f64(x: number): this { const at = this.reserve(8); this.view.setFloat64(at, x, true); return this; }
  u8(x: number): this { const at = this.reserve(1); this.bytes[at] = x; return this; }
  raw(bytes: Uint8Array): this { const at = this.reserve(bytes.length); this.bytes.set(bytes, at); return this; }
  result(): Uint8Array { return this.bytes.slice(0, this.length); }
}

/** cameras.bin, images.bin and points3D.bin. */
export function encodeColmapBinary(views: readonly ColmapView[], points: ColmapPoints): ColmapFile[] {
  const { images, point2dIndex } = colmapModel(views, points);
  const cameras = new BinaryWriter().u64(images.length);
  for (const image of images) {
    cameras.i32(image.id).i32(PINHOLE).u64(image.width).u64(image.height);
    image.params.forEach((p) => cameras.f64(p));
  }
  const imageFile = new BinaryWriter().u64(images.length);
  const encoder = new TextEncoder();
  for (const image of images) {
    imageFile.i32(image.id);
    [...image.qvec, ...image.tvec].forEach((x) => imageFile.f64(x));
    imageFile.i32(image.id).raw(encoder.encode(image.name)).u8(0).u64(image.observations.length);
    for (const o of image.observations) imageFile.f64(o.x).f64(o.y).i64(o.point3dId);
  }
  const pointFile = new BinaryWriter().u64(points.count);
  for (let i = 0; i < points.count; i++) {
    pointFile.u64(i + 1);
    for (let a = 0; a < 3; a++) pointFile.f64(points.positions[i * 3 + a]!);
    for (let a = 0; a < 3; a++) pointFile.u8(points.colors[i * 3 + a]!);
    pointFile.f64(0).u64(1).i32(points.view[i]! + 1).i32(point2dIndex[i]!);
  }
  const [camerasName, imagesName, pointsName] = COLMAP_FILE_NAMES.bin;
  return [
    { name: camerasName, bytes: cameras.result() },
    { name: imagesName, bytes: imageFile.result() },
    { name: pointsName, bytes: pointFile.result() },
  ];
}

const g17 = (x: number) => formatG(x, 17);

/** cameras.txt, images.txt and points3D.txt (numbers as %.17g, the mean as C++ stream %g). */
export function encodeColmapText(views: readonly ColmapView[], points: ColmapPoints): ColmapFile[] {
  const { images, point2dIndex } = colmapModel(views, points);
  const cameras = [
    '# Camera list with one line of data per camera:\n',
    '#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n',
    `# Number of cameras: ${images.length}\n`,
    ...images.map((im) => `${im.id} PINHOLE ${im.width} ${im.height} ${im.params.map(g17).join(' ')}\n`),
  ];
  const meanObservations = images.length > 0 ? points.count / images.length : 0;
  const imageLines = [
    '# Image list with two lines of data per image:\n',
    '#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n',
    '#   POINTS2D[] as (X, Y, POINT3D_ID)\n',
    `# Number of images: ${images.length}, mean observations per image: ${formatG(meanObservations, 6)}\n`,
    ...images.flatMap((im) => [
      `${im.id} ${[...im.qvec, ...im.tvec].map(g17).join(' ')} ${im.id} ${im.name}\n`,
      im.observations.map((o) => `${g17(o.x)} ${g17(o.y)} ${o.point3dId}`).join(' ') + '\n',
    ]),
  ];
  const pointLines = [
    '# 3D point list with one line of data per point:\n',
    '#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n',
    `# Number of points: ${points.count}, mean track length: ${points.count > 0 ? 1 : 0}\n`,
  ];
  for (let i = 0; i < points.count; i++) {
    const xyz = Array.from(points.positions.subarray(i * 3, i * 3 + 3), g17).join(' ');
    const rgb = Array.from(points.colors.subarray(i * 3, i * 3 + 3)).join(' ');
    pointLines.push(`${i + 1} ${xyz} ${rgb} 0 ${points.view[i]! + 1} ${point2dIndex[i]}\n`);
  }
  const [camerasName, imagesName, pointsName] = COLMAP_FILE_NAMES.txt;
  return [
    { name: camerasName, bytes: cameras.join('') },
    { name: imagesName, bytes: imageLines.join('') },
    { name: pointsName, bytes: pointLines.join('') },
  ];
}
