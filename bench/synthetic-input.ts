// The fixed synthetic forward input of the model benches: smooth color gradients with some
// texture, roughly the range of a normalized photo, so every run and backend sees the same data.

export function syntheticInput(height: number, width: number, views = 1) {
  const plane = 3 * height * width;
  const data = new Float32Array(views * plane);
  for (let v = 0; v < views; v++) {
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) data[v * plane + (c * height + y) * width + x] = Math.sin(0.03 * x + 2 * c + v) + Math.cos(0.05 * y - c) + 0.3 * Math.sin(0.7 * x * y / width);
      }
    }
  }
  return { data, views, height, width };
}
