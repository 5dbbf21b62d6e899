// GGUF metadata values and typed getters for them.

/** GGUF value type ids (gguf.h `enum gguf_type`). */
export const GGUF_VALUE_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

export type GgufValueType = (typeof GGUF_VALUE_TYPE)[keyof typeof GGUF_VALUE_TYPE];

/** Short names used in messages and fixtures ("u8", "str", "arr", ...), indexed by type id. */
export const GGUF_VALUE_TYPE_NAMES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'str', 'arr', 'u64', 'i64', 'f64'] as const;

/**
 * A decoded value. UINT64 / INT64 are always bigint (lossless); every other numeric type is a number;
 * BOOL is a boolean, STRING a string, ARRAY a GgufArray.
 */
export type GgufValue = number | bigint | boolean | string | GgufArray;

export interface GgufArray {
  readonly elementType: GgufValueType;
  readonly items: readonly GgufValue[];
}

export interface GgufKv {
  readonly type: GgufValueType;
  readonly value: GgufValue;
}

/** Anything with GGUF metadata (a GgufFile). */
export interface HasKv {
  readonly kv: ReadonlyMap<string, GgufKv>;
}

export function isGgufValueType(type: number): type is GgufValueType {
  return Number.isInteger(type) && type >= 0 && type < GGUF_VALUE_TYPE_NAMES.length;
}

function typeName(type: GgufValueType): string {
  return GGUF_VALUE_TYPE_NAMES[type];
}

function describe(kv: GgufKv): string {
  return kv.type === GGUF_VALUE_TYPE.ARRAY
    ? `array of ${typeName((kv.value as GgufArray).elementType)}`
    : typeName(kv.type);
}

function required(file: HasKv, key: string): GgufKv {
  const kv = file.kv.get(key);
  if (!kv) throw new Error(`gguf: metadata key '${key}' is missing`);
  return kv;
}

function toNumber(key: string, value: GgufValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Error(`gguf: metadata key '${key}' = ${value} does not fit a JavaScript number exactly`);
    }
    return Number(value);
  }
  return undefined;
}

function asNumber(key: string, kv: GgufKv): number {
  const n = toNumber(key, kv.value);
  if (n === undefined) throw new Error(`gguf: metadata key '${key}' is ${describe(kv)}, expected a number`);
  return n;
}

function asString(key: string, kv: GgufKv): string {
  if (typeof kv.value !== 'string') throw new Error(`gguf: metadata key '${key}' is ${describe(kv)}, expected a string`);
  return kv.value;
}

function asBool(key: string, kv: GgufKv): boolean {
  if (typeof kv.value !== 'boolean') throw new Error(`gguf: metadata key '${key}' is ${describe(kv)}, expected a bool`);
  return kv.value;
}

function asArray(key: string, kv: GgufKv): readonly GgufValue[] {
  if (kv.type !== GGUF_VALUE_TYPE.ARRAY) throw new Error(`gguf: metadata key '${key}' is ${describe(kv)}, expected an array`);
  return (kv.value as GgufArray).items;
}

function asNumberArray(key: string, kv: GgufKv): number[] {
  return asArray(key, kv).map((item, i) => {
    const n = toNumber(key, item);
    if (n === undefined) throw new Error(`gguf: metadata key '${key}' is ${describe(kv)}, expected numbers (element ${i})`);
    return n;
  });
}

/** Any numeric KV (u64/i64 only when exactly representable) as a number; throws if missing or not numeric. */
export function kvNumber(file: HasKv, key: string): number {
  return asNumber(key, required(file, key));
}

export function kvString(file: HasKv, key: string): string {
  return asString(key, required(file, key));
}

export function kvBool(file: HasKv, key: string): boolean {
  return asBool(key, required(file, key));
}

/** The elements of an ARRAY KV. */
export function kvArray(file: HasKv, key: string): readonly GgufValue[] {
  return asArray(key, required(file, key));
}

/** An ARRAY KV whose elements are all numeric, as numbers. */
export function kvNumberArray(file: HasKv, key: string): number[] {
  return asNumberArray(key, required(file, key));
}

// The *Or variants return `fallback` when the key is absent, and still throw when it has the wrong type.

export function kvNumberOr<T>(file: HasKv, key: string, fallback: T): number | T {
  const kv = file.kv.get(key);
  return kv ? asNumber(key, kv) : fallback;
}

export function kvStringOr<T>(file: HasKv, key: string, fallback: T): string | T {
  const kv = file.kv.get(key);
  return kv ? asString(key, kv) : fallback;
}

export function kvBoolOr<T>(file: HasKv, key: string, fallback: T): boolean | T {
  const kv = file.kv.get(key);
  return kv ? asBool(key, kv) : fallback;
}

export function kvArrayOr<T>(file: HasKv, key: string, fallback: T): readonly GgufValue[] | T {
  const kv = file.kv.get(key);
  return kv ? asArray(key, kv) : fallback;
}

export function kvNumberArrayOr<T>(file: HasKv, key: string, fallback: T): number[] | T {
  const kv = file.kv.get(key);
  return kv ? asNumberArray(key, kv) : fallback;
}
