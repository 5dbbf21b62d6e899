// Size limits for decoded and resized images, checked before any pixel buffer is allocated.

export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Thrown for an image over the size limits (a server answers it with 413, not 400). */
export class ImageTooLargeError extends Error {
  override name = 'ImageTooLargeError';
}

/**
 * Throws `${what} of WxH ...` for empty or oversized images; `maxPixels` can only tighten the
 * library's own limit (a server taking images from strangers sets a lower one).
 */
export function checkImageSize(what: string, width: number, height: number, maxPixels = MAX_IMAGE_PIXELS): void {
  if (width === 0 || height === 0) throw new Error(`${what} declares an empty size ${width}x${height}`);
  const pixelLimit = Math.min(maxPixels, MAX_IMAGE_PIXELS);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > pixelLimit) {
    throw new ImageTooLargeError(`${what} of ${width}x${height} exceeds the limit of ${MAX_IMAGE_SIDE} px a side and ${pixelLimit / 1e6} MP`);
  }
}
