// Size limits for decoded and resized images, checked before any pixel buffer is allocated.

export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Throws `${what} of WxH ...` for empty or oversized images. */
export function checkImageSize(what: string, width: number, height: number): void {
  if (width === 0 || height === 0) throw new Error(`${what} declares an empty size ${width}x${height}`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new Error(`${what} of ${width}x${height} exceeds the limit of ${MAX_IMAGE_SIDE} px a side and ${MAX_IMAGE_PIXELS / 1e6} MP`);
  }
}
