// ggml tensor types: ids, names and block layouts (ggml eced84c, ggml.c type_traits).

/** ggml type ids of the types this package knows the layout of. */
export const GGML_TYPE = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q8_1: 9,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  Q8_K: 15,
  I8: 24,
  I16: 25,
  I32: 26,
  I64: 27,
  F64: 28,
  BF16: 30,
} as const;

export type GgmlTypeName = keyof typeof GGML_TYPE;

export interface GgmlTypeInfo {
  readonly id: number;
  /** Upper-case name as in the GGML_TYPE table, e.g. "Q4_K". */
  readonly name: GgmlTypeName;
  /** Elements per block; a row (ne[0]) must be a multiple of it. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

const LAYOUT: Record<GgmlTypeName, [blockSize: number, typeSize: number]> = {
  F32: [1, 4], F16: [1, 2], BF16: [1, 2], F64: [1, 8],
  I8: [1, 1], I16: [1, 2], I32: [1, 4], I64: [1, 8],
  Q4_0: [32, 18], Q4_1: [32, 20], Q5_0: [32, 22], Q5_1: [32, 24], Q8_0: [32, 34], Q8_1: [32, 36],
  Q2_K: [256, 84], Q3_K: [256, 110], Q4_K: [256, 144], Q5_K: [256, 176], Q6_K: [256, 210], Q8_K: [256, 292],
};

const BY_ID = new Map<number, GgmlTypeInfo>(
  (Object.keys(GGML_TYPE) as GgmlTypeName[]).map((name) => {
    const [blockSize, typeSize] = LAYOUT[name];
    return [GGML_TYPE[name], { id: GGML_TYPE[name], name, blockSize, typeSize }];
  }),
);

/** Layout of a ggml type id, or undefined for ids this package does not know. */
export function ggmlTypeInfo(type: number): GgmlTypeInfo | undefined {
  return BY_ID.get(type);
}

/** Layout of a ggml type id; throws for unknown ids. */
export function requireGgmlType(type: number): GgmlTypeInfo {
  const info = BY_ID.get(type);
  if (!info) throw new Error(`gguf: unknown or unsupported ggml tensor type id ${type}`);
  return info;
}

/** Looks a type up by name, case-insensitively ("q4_k", "F16"). */
export function ggmlTypeByName(name: string): GgmlTypeInfo | undefined {
  const key = name.toUpperCase();
  return key in GGML_TYPE ? BY_ID.get(GGML_TYPE[key as GgmlTypeName]) : undefined;
}

/** Bytes taken by `nelements` elements of `type`; throws unless nelements is a whole number of blocks. */
export function tensorByteSize(type: number, nelements: number): number {
  const { name, blockSize, typeSize } = requireGgmlType(type);
  if (!Number.isSafeInteger(nelements) || nelements < 0 || nelements % blockSize !== 0) {
    throw new Error(`gguf: ${nelements} elements is not a whole number of ${name} blocks of ${blockSize}`);
  }
  return (nelements / blockSize) * typeSize;
}
