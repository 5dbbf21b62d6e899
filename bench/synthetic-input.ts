// The fixed synthetic forward input of the model benches: smooth color gradients with some
// texture, roughly the range of a normalized photo, so every run and backend sees the same data.

export function syntheticInput(height: number, width: number) {
  const data = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = Math.sin(0.03 * x + 2 * c) + Math.cos(0.05 * y - c) + 0.3 * Math.sin(0.7 * x * y / width);
    }
  }
  return { data, views: 1, height, width };
}
