// Turbo colormap (Anton Mikhailov, Google 2019), evaluated with Ruofei Du's published degree-5
// polynomial fit of the 256-entry lookup table. It tracks the table closely in the interior and
// drifts a little at the two dark ends; in exchange it is short and continuous in t.

/** Coefficients c0..c5 of c0 + c1·t + … + c5·t⁵ per channel. */
const RED = [0.13572138, 4.6153926, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
const GREEN = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
const BLUE = [0.1066733, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];

function polynomial(coefficients: number[], t: number): number {
  let acc = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) acc = acc * t + coefficients[i]!;
  return acc;
}

function toByte(channel: number): number {
  return Math.min(255, Math.max(0, Math.round(channel * 255)));
}

/** Writes the 8-bit RGB Turbo colour of t (clamped to [0, 1]) at out[offset..offset+2]. */
export function writeTurboRgb(t: number, out: Uint8Array, offset: number): void {
  const x = Math.min(1, Math.max(0, t));
  out[offset] = toByte(polynomial(RED, x));
  out[offset + 1] = toByte(polynomial(GREEN, x));
  out[offset + 2] = toByte(polynomial(BLUE, x));
}
