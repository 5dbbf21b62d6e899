// C printf number conversions (`%.<p>g`, `%.<p>f`) with glibc's exact semantics, so text
// outputs match depth-anything.cpp byte for byte. JS's toPrecision/toFixed differ: they
// break exact decimal ties upward (glibc rounds half to even on the exact binary value),
// print exponents without zero padding, and switch to exponent form for large numbers.

/** The exact value of a finite positive double as `digits × 10^exponent`. */
interface ExactDecimal {
  digits: bigint;
  exponent: number;
}

type Decomposed =
  | { negative: boolean; kind: 'finite'; exact: ExactDecimal }
  | { negative: boolean; kind: 'zero' | 'inf' | 'nan' };

const bitsView = new DataView(new ArrayBuffer(8));

/** Splits a double into sign and exact decimal value (every double is a finite decimal). */
function decompose(value: number): Decomposed {
  bitsView.setFloat64(0, value);
  const hi = bitsView.getUint32(0);
  const lo = bitsView.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biasedExponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biasedExponent === 0x7ff) return { negative, kind: fraction === 0n ? 'inf' : 'nan' };
  if (biasedExponent === 0 && fraction === 0n) return { negative, kind: 'zero' };
  // value = mantissa · 2^binaryExponent; subnormals have no implicit leading bit.
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const binaryExponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  if (binaryExponent >= 0) {
    return { negative, kind: 'finite', exact: { digits: mantissa << BigInt(binaryExponent), exponent: 0 } };
  }
  // m / 2^k = m · 5^k / 10^k: exact.
  const k = -binaryExponent;
  return { negative, kind: 'finite', exact: { digits: mantissa * 5n ** BigInt(k), exponent: -k } };
}

/** Rounds `x` to a multiple of 10^place, half to even; returns the multiplier. */
function roundToPlace(x: ExactDecimal, place: number): bigint {
  const shift = place - x.exponent;
  if (shift <= 0) return x.digits * 10n ** BigInt(-shift);
  const divisor = 10n ** BigInt(shift);
  const quotient = x.digits / divisor;
  const twiceRemainder = (x.digits % divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

/** Decimal exponent of the leading digit of x (x > 0). */
function leadingExponent(x: ExactDecimal): number {
  return x.digits.toString().length - 1 + x.exponent;
}

/** Removes trailing fractional zeros and a dangling decimal point (what %g does without '#'). */
function stripFractionZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** `digits` (a string of significant digits) placed with the decimal point after `integerDigits` of them. */
function placePoint(digits: string, integerDigits: number): string {
  if (integerDigits <= 0) return '0.' + '0'.repeat(-integerDigits) + digits;
  if (integerDigits >= digits.length) return digits + '0'.repeat(integerDigits - digits.length);
  return digits.slice(0, integerDigits) + '.' + digits.slice(integerDigits);
}

/** C `printf("%.<precision>f", value)`. */
export function formatFixed(value: number, precision: number): string {
  const x = decompose(value);
  const sign = x.negative ? '-' : '';
  if (x.kind === 'inf' || x.kind === 'nan') return sign + x.kind;
  const scaled = x.kind === 'finite' ? roundToPlace(x.exact, -precision) : 0n;
  const digits = scaled.toString().padStart(precision + 1, '0');
  return sign + (precision === 0 ? digits : placePoint(digits, digits.length - precision));
}

/** C `printf("%.<precision>g", value)` (precision 0 behaves as 1, as in C). */
export function formatG(value: number, precision: number): string {
  const significant = Math.max(1, precision);
  const x = decompose(value);
  const sign = x.negative ? '-' : '';
  if (x.kind === 'zero') return sign + '0';
  if (x.kind !== 'finite') return sign + x.kind;

  // Round to `significant` digits first: the rounded exponent picks the style (9.9999999996 → 10).
  let exponent = leadingExponent(x.exact);
  let scaled = roundToPlace(x.exact, exponent - significant + 1);
  if (scaled === 10n ** BigInt(significant)) {
    exponent += 1;
    scaled /= 10n;
  }
  const digits = scaled.toString();

  if (exponent >= -4 && exponent < significant) {
    return sign + stripFractionZeros(placePoint(digits, exponent + 1));
  }
  const mantissa = stripFractionZeros(placePoint(digits, 1));
  const exponentText = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${exponentText}`;
}
