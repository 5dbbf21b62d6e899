// Shape conventions. GGUF stores ggml `ne` (innermost axis first). Converter files (gguf-py) keep the
// numpy rank, so a [C] token is stored as ne [C, 1, 1]; files rewritten by ggml's writer (quantized
// files) drop trailing 1s and store [C]. These helpers make both compare equal.

/** ggml_n_dims: index of the last ne entry > 1, plus one (minimum 1). */
export function ggmlNDims(ne: readonly number[]): number {
  let n = ne.length;
  while (n > 1 && ne[n - 1] === 1) n--;
  return Math.max(n, 1);
}

/** ne with trailing 1s dropped, as ggml's writer stores it ([C, 1, 1] -> [C]; [] -> [1]). */
export function ggmlDims(ne: readonly number[]): number[] {
  const n = ggmlNDims(ne);
  return Array.from({ length: n }, (_, i) => ne[i] ?? 1);
}

/**
 * PyTorch (row-major, outermost first) shape of a tensor: ggmlDims reversed. Both storage
 * conventions give the same result: ne [64, 1370, 1] and [64, 1370] -> [1370, 64]; [C, 1, 1] -> [C];
 * a Conv2d kernel ne [kw, kh, IC, OC] -> [OC, IC, kh, kw]. Leading size-1 PyTorch axes are not
 * kept (a (1, 1, C) token is [C]).
 */
export function shapeOf(tensor: { readonly dims: readonly number[] }): number[] {
  return ggmlDims(tensor.dims).reverse();
}
