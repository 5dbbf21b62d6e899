// The decoded frame: image size, components with their sampling factors, quantized DCT
// coefficients (natural order, 64 per block) and the geometry every later stage derives from it.
import { JpegError } from './jpeg-error.ts';

export interface Component {
  id: number;
  h: number;
  v: number;
  /** Quantization table slot (0..3). */
  tq: number;
  /** Blocks per row / column including the MCU padding (the coefficient array's geometry). */
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Blocks that hold image data (a non-interleaved scan covers only these). */
  widthInBlocks: number;
  heightInBlocks: number;
  /** Samples of image data in this component: ⌈width·h/hmax⌉ × ⌈height·v/vmax⌉. */
  downsampledWidth: number;
  downsampledHeight: number;
  coefficients: Int16Array;
}

export interface Frame {
  progressive: boolean;
  width: number;
  height: number;
  hmax: number;
  vmax: number;
  mcusX: number;
  mcusY: number;
  components: Component[];
}

/** Largest coefficient storage accepted (2 bytes per sample incl. padding), checked before allocating. */
const MAX_COEFFICIENT_BYTES = 1 << 30;

/** Parses SOF0/1/2 (the size limits on width and height are the caller's, checked first). */
export function parseFrame(data: Uint8Array, progressive: boolean): Frame {
  if (data.length < 6) throw new JpegError('frame header (SOF) is truncated');
  if (data[0] !== 8) throw new JpegError(`${data[0]}-bit samples are not supported (only 8-bit JPEGs)`);
  const height = (data[1] << 8) | data[2];
  const width = (data[3] << 8) | data[4];
  const n = data[5];
  if (height === 0) throw new JpegError('frame height 0 (defined by a DNL marker) is not supported');
  if (width === 0) throw new JpegError('frame width is 0');
  if (n !== 1 && n !== 3 && n !== 4) throw new JpegError(`${n} color components are not supported (1, 3 or 4)`);
  if (data.length < 6 + 3 * n) throw new JpegError('frame header (SOF) is truncated');
  const raw: { id: number; h: number; v: number; tq: number }[] = [];
  for (let i = 0; i < n; i++) {
    const o = 6 + 3 * i;
    const h = data[o + 1] >> 4, v = data[o + 1] & 15, tq = data[o + 2];
    if (h < 1 || h > 4 || v < 1 || v > 4) throw new JpegError(`component ${i} has invalid sampling factors ${h}x${v}`);
    if (tq > 3) throw new JpegError(`component ${i} names quantization table ${tq}`);
    if (raw.some((c) => c.id === data[o])) throw new JpegError(`duplicate component id ${data[o]}`);
    raw.push({ id: data[o], h, v, tq });
  }
  const hmax = Math.max(...raw.map((c) => c.h)), vmax = Math.max(...raw.map((c) => c.v));
  const mcusX = Math.ceil(width / (8 * hmax)), mcusY = Math.ceil(height / (8 * vmax));
  const bytes = raw.reduce((sum, c) => sum + mcusX * c.h * mcusY * c.v * 128, 0);
  if (bytes > MAX_COEFFICIENT_BYTES) throw new JpegError(`${width}x${height} needs ${(bytes / 2 ** 20).toFixed(0)} MiB of coefficients, over the limit`);
  const components = raw.map((c): Component => {
    const downsampledWidth = Math.ceil(width * c.h / hmax), downsampledHeight = Math.ceil(height * c.v / vmax);
    const blocksPerLine = mcusX * c.h, blocksPerColumn = mcusY * c.v;
    return {
      ...c, blocksPerLine, blocksPerColumn,
      widthInBlocks: Math.ceil(downsampledWidth / 8), heightInBlocks: Math.ceil(downsampledHeight / 8),
      downsampledWidth, downsampledHeight,
      coefficients: new Int16Array(blocksPerLine * blocksPerColumn * 64),
    };
  });
  return { progressive, width, height, hmax, vmax, mcusX, mcusY, components };
}
