// A small pickle interpreter for PyTorch state dicts (torch.save's data.pkl, protocol 2): the
// opcodes torch emits for dicts of tensors, and only the globals such a file needs
// (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.*Storage).
// Nothing is ever executed: tensors come back as descriptions of storage slices. Any other opcode
// or global is an Error naming it and its byte position.

/** A storage referenced by a persistent id: ('storage', torch.<Type>Storage, key, location, numel). */
export interface PickledStorage {
  readonly kind: 'storage';
  /** The storage type's element dtype, e.g. 'F32'. */
  readonly dtype: TorchDtype;
  /** Name of the storage's file in the archive's data/ folder. */
  readonly key: string;
  readonly numel: number;
}

export interface PickledTensor {
  readonly kind: 'tensor';
  readonly storage: PickledStorage;
  /** Offset into the storage, in elements. */
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

export type TorchDtype = 'F32' | 'F16' | 'BF16' | 'F64';

export const TORCH_DTYPE_BYTES: Record<TorchDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

const STORAGE_DTYPES: Record<string, TorchDtype> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64',
};

/** Globals are resolved to these tags; only REDUCE with one of them (or BUILD on a dict) does anything. */
interface Global {
  readonly kind: 'global';
  readonly name: 'OrderedDict' | 'rebuild_tensor_v2' | 'rebuild_parameter' | 'storage_type';
  readonly dtype?: TorchDtype;
}

type Value = null | boolean | number | bigint | string | Value[] | Map<Value, Value> | Global | PickledStorage | PickledTensor | Mark;

class Mark {}
const MARK = new Mark();

const MAX_MEMO = 1 << 24;

function resolveGlobal(module: string, name: string): Global {
  if (module === 'collections' && name === 'OrderedDict') return { kind: 'global', name: 'OrderedDict' };
  if (module === 'torch._utils' && name === '_rebuild_tensor_v2') return { kind: 'global', name: 'rebuild_tensor_v2' };
  if (module === 'torch._utils' && name === '_rebuild_parameter') return { kind: 'global', name: 'rebuild_parameter' };
  if (module === 'torch' && name in STORAGE_DTYPES) return { kind: 'global', name: 'storage_type', dtype: STORAGE_DTYPES[name] };
  throw new Error(`pickle: unsupported global ${module}.${name} (only PyTorch state dicts of float tensors are supported)`);
}

function isIntList(v: Value): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);
}

/** Runs the pickle program in `bytes` and returns the object it builds. */
export function unpickle(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: Value[] = [];
  const memo = new Map<number, Value>();
  let pos = 0;
  let opAt = 0;
  const fail = (message: string): never => {
    throw new Error(`pickle: ${message} (opcode at byte ${opAt})`);
  };
  const take = (n: number): number => {
    if (n > bytes.byteLength - pos) fail(`truncated: ${n} bytes needed at byte ${pos}, the data ends at ${bytes.byteLength}`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[take(1)];
  const u16 = () => view.getUint16(take(2), true);
  const u32 = () => view.getUint32(take(4), true);
  const pop = (): Value => (stack.length > 0 ? stack.pop()! : fail('stack underflow'));
  const top = (): Value => (stack.length > 0 ? stack[stack.length - 1] : fail('stack underflow'));
  const popMark = (): Value[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('no MARK on the stack');
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const text = (n: number): string => {
    const at = take(n);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      return fail('string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated text argument');
    const value = text(end - pos);
    take(1); // the newline
    return value;
  };
  const put = (index: number, value: Value) => {
    if (index > MAX_MEMO) fail(`memo index ${index} is implausibly large`);
    memo.set(index, value);
  };
  const get = (index: number): Value => (memo.has(index) ? memo.get(index)! : fail(`memo index ${index} was never stored`));
  const setItems = (target: Value, items: Value[]) => {
    if (!(target instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) (target as Map<Value, Value>).set(items[i], items[i + 1]);
  };
  const reduce = (callable: Value, args: Value): Value => {
    if (!Array.isArray(args)) return fail('REDUCE arguments are not a tuple');
    const g = callable as Global;
    if (g?.kind !== 'global') return fail('REDUCE of something that is not a supported global');
    switch (g.name) {
      case 'OrderedDict':
        if (args.length !== 0) fail('OrderedDict() with arguments is not supported');
        return new Map();
      case 'rebuild_parameter':
        if ((args[0] as PickledTensor)?.kind !== 'tensor') fail('_rebuild_parameter of something that is not a tensor');
        return args[0];
      case 'rebuild_tensor_v2': {
        const [storage, offset, shape, stride] = args;
        if ((storage as PickledStorage)?.kind !== 'storage') fail('_rebuild_tensor_v2: first argument is not a storage');
        if (typeof offset !== 'number' || !isIntList(shape) || !isIntList(stride) || shape.length !== stride.length) {
          fail('_rebuild_tensor_v2: bad offset, size or stride');
        }
        return { kind: 'tensor', storage: storage as PickledStorage, offset: offset as number, shape: shape as number[], stride: stride as number[] };
      }
      default:
        return fail(`cannot call ${g.name}`);
    }
  };

  for (;;) {
    opAt = pos;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: take(8); break; // FRAME: framing is only a hint
      case 0x2e: { // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return stack[0];
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(view.getInt32(take(4), true)); break; // BININT
      case 0x8a: { // LONG1
        const n = u8();
        const at = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]);
        if (n > 0 && bytes[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: stack.push(view.getFloat64(take(8), false)); break; // BINFLOAT (big-endian)
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x55: stack.push(text(u8())); break; // SHORT_BINSTRING (ASCII in torch files)
      case 0x54: stack.push(text(u32())); break; // BINSTRING
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x61: { const v = pop(); const list = top(); if (!Array.isArray(list)) fail('APPEND to a non-list'); (list as Value[]).push(v); break; }
      case 0x65: { const items = popMark(); const list = top(); if (!Array.isArray(list)) fail('APPENDS to a non-list'); (list as Value[]).push(...items); break; }
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x71: put(u8(), top()); break; // BINPUT
      case 0x72: put(u32(), top()); break; // LONG_BINPUT
      case 0x94: put(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(get(u8())); break; // BINGET
      case 0x6a: stack.push(get(u32())); break; // LONG_BINGET
      case 0x63: { // GLOBAL "module\nname\n"
        const module = line();
        stack.push(resolveGlobal(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); stack.push(reduce(pop(), args)); break; } // REDUCE
      case 0x62: { // BUILD: torch sets the state dict's _metadata this way; it carries no weights
        pop();
        if (!(top() instanceof Map)) fail('BUILD on something that is not a dict');
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length !== 5) fail('persistent id is not a (storage, type, key, location, numel) tuple');
        const [, type, key, , numel] = pid as Value[];
        if ((type as Global)?.name !== 'storage_type' || typeof key !== 'string' || typeof numel !== 'number') fail('malformed storage persistent id');
        stack.push({ kind: 'storage', dtype: (type as Global).dtype!, key: key as string, numel: numel as number });
        break;
      }
      default:
        fail(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}
