import { describe, expect, it } from 'vitest';
import { formatFixed, formatG } from '../src/format/printf.ts';

// Expected strings printed by glibc printf (gcc, x86-64 Linux).
const G_CASES: [number, string, string, string][] = [
  // value, %.8g, %.9g, %.17g
  [1, '1', '1', '1'],
  [-0, '-0', '-0', '-0'],
  [0, '0', '0', '0'],
  [Math.fround(0.12345679), '0.12345679', '0.123456791', '0.12345679104328156'],
  [1e-5, '1e-05', '1e-05', '1.0000000000000001e-05'],
  [123456789, '1.2345679e+08', '123456789', '123456789'],
  [1.5e-7, '1.5e-07', '1.5e-07', '1.4999999999999999e-07'],
  [9.99999999, '10', '9.99999999', '9.9999999899999992'], // rounding carries into a new digit
  [9.999999949, '9.9999999', '9.99999995', '9.9999999489999993'],
  [123456785, '1.2345678e+08', '123456785', '123456785'], // exact tie: half to even (down)
  [123456795, '1.234568e+08', '123456795', '123456795'], // exact tie: half to even (up, zeros stripped)
  [99999999.5, '1e+08', '99999999.5', '99999999.5'],
  [0.0001, '0.0001', '0.0001', '0.0001'], // exponent -4 still uses fixed notation
  [0.000099999, '9.9999e-05', '9.9999e-05', '9.9999000000000003e-05'],
  [1e100, '1e+100', '1e+100', '1e+100'],
  [-1e-100, '-1e-100', '-1e-100', '-1e-100'],
  [5e-324, '4.9406565e-324', '4.94065646e-324', '4.9406564584124654e-324'], // smallest subnormal
  [-2.2250738585072014e-308, '-2.2250739e-308', '-2.22507386e-308', '-2.2250738585072014e-308'],
  [1.7976931348623157e308, '1.7976931e+308', '1.79769313e+308', '1.7976931348623157e+308'],
  [0.1, '0.1', '0.1', '0.10000000000000001'],
  [12345678, '12345678', '12345678', '12345678'],
  [-1.5, '-1.5', '-1.5', '-1.5'],
  [1e21, '1e+21', '1e+21', '1e+21'],
  [3.14159265358979, '3.1415927', '3.14159265', '3.14159265358979'],
  [100000, '100000', '100000', '100000'],
  [1e16, '1e+16', '1e+16', '10000000000000000'],
  [Infinity, 'inf', 'inf', 'inf'],
  [-Infinity, '-inf', '-inf', '-inf'],
  [NaN, 'nan', 'nan', 'nan'],
];

const FIXED_CASES: [number, string, string, string][] = [
  // value, %.4f, %.1f, %.0f
  [0.125, '0.1250', '0.1', '0'], // exact ties go to even (JS toFixed would give 0.2)
  [0.375, '0.3750', '0.4', '0'],
  [2.5, '2.5000', '2.5', '2'],
  [0.5, '0.5000', '0.5', '0'],
  [1.5, '1.5000', '1.5', '2'],
  [-0.00001, '-0.0000', '-0.0', '-0'], // the sign survives rounding to zero
  [-0, '-0.0000', '-0.0', '-0'],
  [1234.56785, '1234.5678', '1234.6', '1235'], // stored just below the tie
  [0.05, '0.0500', '0.1', '0'],
  [0.00005, '0.0001', '0.0', '0'],
  [99.95, '99.9500', '100.0', '100'],
  [1e21, '1000000000000000000000.0000', '1000000000000000000000.0', '1000000000000000000000'],
  [Infinity, 'inf', 'inf', 'inf'],
];

describe('formatG (C %.Ng)', () => {
  it.each(G_CASES)('%s', (value, g8, g9, g17) => {
    expect(formatG(value, 8)).toBe(g8);
    expect(formatG(value, 9)).toBe(g9);
    expect(formatG(value, 17)).toBe(g17);
  });

  it('treats precision 0 as 1, like C', () => {
    expect(formatG(2.5, 0)).toBe('2');
    expect(formatG(9.5, 0)).toBe('1e+01');
    expect(formatG(0.00015, 1)).toBe('0.0001');
  });

  it('%.17g round-trips every double', () => {
    for (const v of [Math.PI, 1 / 3, 2 / 3, 1e-300 / 7, 123.456e200]) {
      expect(Number(formatG(v, 17))).toBe(v);
    }
  });
});

describe('formatFixed (C %.Nf)', () => {
  it.each(FIXED_CASES)('%s', (value, f4, f1, f0) => {
    expect(formatFixed(value, 4)).toBe(f4);
    expect(formatFixed(value, 1)).toBe(f1);
    expect(formatFixed(value, 0)).toBe(f0);
  });
});
