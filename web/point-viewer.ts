// A small WebGL2 point-cloud viewer: coloured points plus camera frustums as lines, orbited with
// the mouse (drag: rotate, wheel: zoom). Drawn on demand, not every frame. World coordinates are
// OpenCV's (y down, z forward); the view flips them to y up like the GLB export does.

export interface ViewerCamera {
  width: number;
  height: number;
  /** 3×4 world-to-camera, row-major. */
  extrinsics: ArrayLike<number>;
  /** 3×3 intrinsics, row-major. */
  intrinsics: ArrayLike<number>;
}

const VERTEX = `#version 300 es
uniform mat4 u_mvp;
uniform float u_size;
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_color;
out vec3 v_color;
void main() {
  gl_Position = u_mvp * vec4(a_position.x, -a_position.y, -a_position.z, 1.0);
  gl_PointSize = u_size;
  v_color = a_color;
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec3 v_color;
out vec4 color;
void main() { color = vec4(v_color, 1.0); }`;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type)!;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`point viewer: shader: ${gl.getShaderInfoLog(shader)}`);
  return shader;
}

/** Column-major perspective · look-at of an orbit camera around `target`. */
function orbitMatrix(yaw: number, pitch: number, distance: number, target: number[], aspect: number, radius: number): Float32Array {
  const eye = [
    target[0]! + distance * Math.cos(pitch) * Math.sin(yaw),
    target[1]! + distance * Math.sin(pitch),
    target[2]! + distance * Math.cos(pitch) * Math.cos(yaw),
  ];
  const f = normalize(sub(target, eye));
  const s = normalize(cross(f, [0, 1, 0]));
  const u = cross(s, f);
  const view = [s[0]!, u[0]!, -f[0]!, 0, s[1]!, u[1]!, -f[1]!, 0, s[2]!, u[2]!, -f[2]!, 0, -dot(s, eye), -dot(u, eye), dot(f, eye), 1];
  const near = Math.max(distance - 4 * radius, distance / 1000), far = distance + 4 * radius;
  const t = 1 / Math.tan((50 * Math.PI) / 360);
  const proj = [t / aspect, 0, 0, 0, 0, t, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, (2 * far * near) / (near - far), 0];
  const out = new Float32Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) out[c * 4 + r] += proj[k * 4 + r]! * view[c * 4 + k]!;
  return out;
}
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const cross = (a: number[], b: number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
const normalize = (a: number[]) => { const n = Math.hypot(...a) || 1; return a.map((v) => v / n); };

/** Camera centre and the four image corners at `depth`, in world coordinates. */
function frustumCorners(camera: ViewerCamera, depth: number): number[][] {
  const e = camera.extrinsics, k = camera.intrinsics;
  const r = [[e[0]!, e[1]!, e[2]!], [e[4]!, e[5]!, e[6]!], [e[8]!, e[9]!, e[10]!]];
  const t = [e[3]!, e[7]!, e[11]!];
  // world = Rᵀ (cam − t)
  const toWorld = (c: number[]) => [0, 1, 2].map((j) => r[0]![j]! * (c[0]! - t[0]!) + r[1]![j]! * (c[1]! - t[1]!) + r[2]![j]! * (c[2]! - t[2]!));
  const corner = (u: number, v: number) => {
    const y = (v - k[5]!) / k[4]!, x = (u - k[2]! - k[1]! * y) / k[0]!;
    return toWorld([x * depth, y * depth, depth]);
  };
  const { width: w, height: h } = camera;
  return [toWorld([0, 0, 0]), corner(0, 0), corner(w, 0), corner(w, h), corner(0, h)];
}

export class PointViewer {
  readonly canvas: HTMLCanvasElement;
  readonly #gl: WebGL2RenderingContext;
  readonly #program: WebGLProgram;
  readonly #points = { vao: null as WebGLVertexArrayObject | null, count: 0 };
  readonly #lines = { vao: null as WebGLVertexArrayObject | null, count: 0 };
  #target = [0, 0, 0];
  #radius = 1;
  #yaw = 0;
  #pitch = 0.15;
  #distance = 3;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    // preserveDrawingBuffer: the picture stays readable (screenshots, the page test) between draws.
    const gl = canvas.getContext('webgl2', { antialias: true, preserveDrawingBuffer: true });
    if (!gl) throw new Error('this browser has no WebGL2: the point cloud cannot be shown');
    this.#gl = gl;
    const program = gl.createProgram()!;
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`point viewer: ${gl.getProgramInfoLog(program)}`);
    this.#program = program;
    this.#bindControls();
    this.draw();
  }

  #upload(target: { vao: WebGLVertexArrayObject | null; count: number }, positions: Float32Array, colors: Float32Array): void {
    const gl = this.#gl;
    if (target.vao) gl.deleteVertexArray(target.vao);
    target.vao = gl.createVertexArray();
    gl.bindVertexArray(target.vao);
    [positions, colors].forEach((data, location) => {
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
      gl.enableVertexAttribArray(location);
      gl.vertexAttribPointer(location, 3, gl.FLOAT, false, 0, 0);
    });
    gl.bindVertexArray(null);
    target.count = positions.length / 3;
  }

  /** Shows `count` points (xyz float32, rgb u8 per point) and a frustum per camera. */
  show(positions: Float32Array, colors: Uint8Array, count: number, cameras: readonly ViewerCamera[]): void {
    const rgb = Float32Array.from(colors.subarray(0, count * 3), (c) => c / 255);
    this.#upload(this.#points, positions.subarray(0, count * 3), rgb);
    // Frame the cloud: centre on the per-axis median, radius from the 90th-percentile distance.
    const axis = (a: number) => { const v = Float32Array.from({ length: count }, (_, i) => positions[i * 3 + a]!).sort(); return v[v.length >> 1] ?? 0; };
    this.#target = count > 0 ? [axis(0), axis(1), axis(2)] : [0, 0, 0];
    const distances = Float32Array.from({ length: count }, (_, i) => Math.hypot(positions[i * 3]! - this.#target[0]!, positions[i * 3 + 1]! - this.#target[1]!, positions[i * 3 + 2]! - this.#target[2]!)).sort();
    this.#radius = Math.max(distances[Math.floor(distances.length * 0.9)] ?? 1, 1e-6);
    this.#distance = this.#radius * 2.5;
    this.#yaw = 0; // from behind the first camera, looking the way it looks
    this.#pitch = 0.15;
    const lines: number[] = [];
    for (const camera of cameras) {
      const [c, a, b, d, e] = frustumCorners(camera, this.#radius * 0.25);
      for (const [p, q] of [[c, a], [c, b], [c, d], [c, e], [a, b], [b, d], [d, e], [e, a]]) lines.push(...p!, ...q!);
    }
    const lineColors = new Float32Array(lines.length).fill(0).map((_, i) => [1, 0.25, 0.2][i % 3]!);
    this.#upload(this.#lines, new Float32Array(lines), lineColors);
    this.draw();
  }

  draw(): void {
    const gl = this.#gl;
    const { canvas } = this;
    const scale = globalThis.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * scale)), height = Math.max(1, Math.round(canvas.clientHeight * scale));
    if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
    gl.viewport(0, 0, width, height);
    gl.clearColor(0.07, 0.08, 0.1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.DEPTH_TEST);
    gl.useProgram(this.#program);
    const flipped = [this.#target[0]!, -this.#target[1]!, -this.#target[2]!];
    gl.uniformMatrix4fv(gl.getUniformLocation(this.#program, 'u_mvp'), false, orbitMatrix(this.#yaw, this.#pitch, this.#distance, flipped, width / height, this.#radius));
    gl.uniform1f(gl.getUniformLocation(this.#program, 'u_size'), Math.max(1.5, 2 * scale));
    if (this.#points.vao) { gl.bindVertexArray(this.#points.vao); gl.drawArrays(gl.POINTS, 0, this.#points.count); }
    if (this.#lines.vao) { gl.bindVertexArray(this.#lines.vao); gl.drawArrays(gl.LINES, 0, this.#lines.count); }
    gl.bindVertexArray(null);
  }

  #bindControls(): void {
    let drag: { x: number; y: number } | undefined;
    this.canvas.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY }; this.canvas.setPointerCapture(e.pointerId); });
    this.canvas.addEventListener('pointerup', () => { drag = undefined; });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.#yaw -= (e.clientX - drag.x) * 0.01;
      this.#pitch = Math.max(-1.5, Math.min(1.5, this.#pitch + (e.clientY - drag.y) * 0.01));
      drag = { x: e.clientX, y: e.clientY };
      this.draw();
    });
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.#distance = Math.max(this.#radius * 0.05, this.#distance * Math.exp(e.deltaY * 0.001));
      this.draw();
    }, { passive: false });
    new ResizeObserver(() => this.draw()).observe(this.canvas);
  }
}
