// Activations in WGSL, evaluated like PyTorch: exact-erf GELU (x·0.5)·(1 + erf(x·√½)) and ReLU.
// erf is the project's own fit also used by the wasm kernels (asm/vmath.ts: ≤ 1.6 ulp):
// x + x·P(x²) below 0.921875, 1 − e^(−x²)·G(1/x) above, sign restored at the end.
export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_GELU = 2;

export const activationWgsl = /* wgsl */ `
fn erf1(x: f32) -> f32 {
  let a = abs(x);
  let z = a * a;
  var p = -0.0006014418904669583;
  p = fma(p, z, 0.004997040145099163);
  p = fma(p, z, -0.026768401265144348);
  p = fma(p, z, 0.11281821876764297);
  p = fma(p, z, -0.3761248290538788);
  p = fma(p, z, 0.12837910652160645);
  var r: f32;
  if (a < 0.921875) {
    r = fma(a, p, a);
  } else {
    let t = 1.0 / min(a, 3.92);
    var g = 0.021108657121658325;
    g = fma(g, t, -0.12713465094566345);
    g = fma(g, t, 0.313271164894104);
    g = fma(g, t, -0.3678666949272156);
    g = fma(g, t, 0.09497461467981339);
    g = fma(g, t, 0.30931511521339417);
    g = fma(g, t, -0.4040517210960388);
    g = fma(g, t, 0.026832273229956627);
    g = fma(g, t, 0.5609700083732605);
    g = fma(g, t, 0.00016479687474202365);
    r = 1.0 - exp(-min(z, 15.5)) * g;
    if (a >= 3.92) { r = 1.0; }
  }
  return select(r, -r, x < 0.0);
}

fn activate(x: f32, act: u32) -> f32 {
  if (act == ${ACT_RELU}u) { return select(0.0, x, x > 0.0); }
  if (act == ${ACT_GELU}u) { return (x * 0.5) * (1.0 + erf1(x * 0.7071067811865476)); }
  return x;
}`;
