// A restricted unpickler for the data.pkl of PyTorch checkpoints. It never runs
// code: GLOBAL resolves only the names PyTorch's weights_only unpickler accepts
// (torch/_weights_only_unpickler.py, 1.13 and 2.x) to inert markers, and REDUCE,
// NEWOBJ and BUILD are interpreted for those markers alone (rebuild a tensor
// record, make an OrderedDict, ...). Anything else is refused with the name.
// The result is a tree of Python values (PyValue); torch_format.ts checks the
// tensor records against the storages and turns the tree into JS objects.

/** A storage named by BINPERSID ('storage', storage_type, key, location, numel). */
export interface PyStorage {
  t: "storage";
  key: string;
  /** xlatorch dtype name, from the storage type (FloatStorage: float32). */
  dtype: string;
  location: string;
  numel: number;
}
export interface PyTensor {
  t: "tensor";
  storage: PyStorage;
  offset: number;
  shape: number[];
  stride: number[];
  requires_grad: boolean;
  parameter: boolean;
}
export interface PyList {
  t: "list" | "tuple";
  items: PyValue[];
}
export interface PyDict {
  t: "dict";
  ordered: boolean;
  entries: [PyValue, PyValue][];
  /** Entry index by scalar key (see scalarKey), so SETITEM(S) is linear, not quadratic. */
  index?: Map<string, number>;
}
export interface PyGlobal {
  t: "global";
  name: string;
}
export interface PyDtype {
  t: "dtype";
  name: string;
}
export interface PyDevice {
  t: "device";
  name: string;
}
/** Python ints are numbers when safe, bigints beyond 2^53; floats are numbers. */
export type PyValue = null | boolean | number | bigint | string | PyStorage | PyTensor | PyList | PyDict | PyGlobal | PyDtype | PyDevice;

/** Storage type names (torch.<Name>) to xlatorch dtypes. */
export const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  ShortStorage: "int16",
  IntStorage: "int32",
  LongStorage: "int64",
  BoolStorage: "bool",
  ComplexFloatStorage: "complex64",
  ComplexDoubleStorage: "complex128",
};
/** torch.<name> dtype globals to xlatorch dtypes (null: a PyTorch dtype xlatorch lacks). */
const DTYPES: Record<string, string | null> = {
  float32: "float32",
  float: "float32",
  float64: "float64",
  double: "float64",
  float16: "float16",
  half: "float16",
  bfloat16: "bfloat16",
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  short: "int16",
  int32: "int32",
  int: "int32",
  int64: "int64",
  long: "int64",
  bool: "bool",
  complex64: "complex64",
  cfloat: "complex64",
  complex128: "complex128",
  cdouble: "complex128",
  complex32: null,
  uint16: null,
  uint32: null,
  uint64: null,
  qint8: null,
  quint8: null,
  qint32: null,
  quint4x2: null,
  float8_e4m3fn: null,
  float8_e5m2: null,
};
const QUANTIZED_STORAGES = ["QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage"];
/** weights_only globals that xlatorch recognises but cannot build (sparse, meta, quantized...). */
const UNSUPPORTED: Record<string, string> = {
  "torch._utils._rebuild_sparse_tensor": "sparse tensors",
  "torch._utils._rebuild_sparse_csr_tensor": "sparse tensors",
  "torch._utils._rebuild_meta_tensor_no_storage": "meta tensors",
  "torch._utils._rebuild_qtensor": "quantized tensors",
  "torch._utils._rebuild_nested_tensor": "nested tensors",
  "torch._utils._rebuild_wrapper_subclass": "tensor subclasses",
  "torch._utils._rebuild_device_tensor_from_numpy": "tensors saved from numpy",
  "torch._tensor._rebuild_from_type_v2": "tensor subclasses",
  "torch.Tensor": "legacy tensor pickles",
  "collections.Counter": "collections.Counter",
  "builtins.set": "sets",
  "builtins.frozenset": "sets",
  "torch.storage._load_from_bytes": "storages pickled as bytes (the legacy format)",
  "torch.storage.UntypedStorage": "untyped storages",
  "torch.storage.TypedStorage": "typed storages as values",
};

function allowedGlobal(module: string, name: string): PyValue | string {
  const full = `${module}.${name}`;
  if (
    full === "collections.OrderedDict" ||
    full === "torch.nn.parameter.Parameter" ||
    full === "torch.Size" ||
    full === "torch.device" ||
    full === "torch.serialization._get_layout" ||
    full === "torch._utils._rebuild_tensor" ||
    full === "torch._utils._rebuild_tensor_v2" ||
    full === "torch._utils._rebuild_tensor_v3" ||
    full === "torch._utils._rebuild_parameter" ||
    full === "torch._utils._rebuild_parameter_with_state"
  )
    return { t: "global", name: full };
  if (module === "torch" && Object.hasOwn(DTYPES, name)) {
    const d = DTYPES[name];
    return d ? { t: "dtype", name: d } : `the PyTorch dtype torch.${name}, which xlatorch does not have`;
  }
  if (module === "torch" && Object.hasOwn(STORAGE_DTYPES, name)) return { t: "global", name: full };
  if ((module === "torch" || module === "torch.cuda") && QUANTIZED_STORAGES.includes(name)) return "quantized storages";
  if (module === "torch.cuda" && Object.hasOwn(STORAGE_DTYPES, name)) return { t: "global", name: `torch.${name}` };
  if (Object.hasOwn(UNSUPPORTED, full)) return UNSUPPORTED[full]!;
  return "";
}

/** The opcodes read here (protocol 2, what torch.save writes, and a few of protocol 4). */
const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  SHORT_BINSTRING: 0x55, // U
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c
  APPENDS: 0x65, // e
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_DICT: 0x7d, // }
  EMPTY_TUPLE: 0x29, // )
  BINFLOAT: 0x47, // G
  PROTO: 0x80,
  NEWOBJ: 0x81,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;
const OP_NAMES = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, k]));

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Python's repr-ish type name of a value, for messages. */
export function pyType(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "str";
  if (v.t === "global") return `'${v.name}'`;
  return v.t;
}

/**
 * Unpickles `data`. `fail` throws (naming the source); `storage` resolves a
 * persistent id to a storage record (checking it exists).
 */
export function unpickle(
  data: Uint8Array,
  fail: (msg: string) => never,
  storage: (pid: PyValue[]) => PyStorage,
  /** Where the pickle starts, whether bytes may follow its STOP (the legacy format's several pickles), its name in messages. */
  { at = 0, more = false, label = "data.pkl" }: { at?: number; more?: boolean; label?: string } = {},
): { value: PyValue; end: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = at;
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  const bad = (msg: string): never => fail(`the pickle (${label}) is invalid: ${msg}`);
  const need = (n: number, what: string) => {
    if (pos + n > data.length) bad(`it ends inside ${what} at byte ${pos} (${data.length} bytes; the file is truncated)`);
  };
  const u8 = () => {
    need(1, "an opcode argument");
    return data[pos++]!;
  };
  const u32 = () => {
    need(4, "an opcode argument");
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const bytes = (n: number, what: string) => {
    need(n, what);
    const b = data.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const text = (b: Uint8Array, what: string): string => {
    try {
      return utf8.decode(b);
    } catch {
      return bad(`${what} is not UTF-8`);
    }
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) bad(`it ends inside a GLOBAL's name at byte ${pos} (the file is truncated)`);
    const s = text(data.subarray(pos, end), "a GLOBAL's name");
    pos = end + 1;
    return s;
  };
  const pop = (op: string): PyValue => {
    if (stack.length === 0) bad(`${op} on an empty stack`);
    return stack.pop()!;
  };
  const top = (op: string): PyValue => {
    if (stack.length === 0) bad(`${op} on an empty stack`);
    return stack[stack.length - 1]!;
  };
  const popMark = (op: string): PyValue[] => {
    const items = stack;
    stack = marks.pop() ?? bad(`${op} without a MARK`);
    return items;
  };
  const setitem = (d: PyValue, k: PyValue, v: PyValue, op: string) => {
    if (typeof d !== "object" || d === null || d.t !== "dict") bad(`${op} on a ${pyType(d)}, not a dict`);
    const dict = d as PyDict;
    const sk = scalarKey(k);
    const i = sk === undefined ? undefined : dict.index?.get(sk);
    if (i !== undefined) {
      dict.entries[i]![1] = v; // Python keeps the first key and the last value
      return;
    }
    if (sk !== undefined) {
      dict.index ??= new Map();
      dict.index.set(sk, dict.entries.length);
    }
    dict.entries.push([k, v]);
  };
  const long = (b: Uint8Array): number | bigint => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b.length && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
  };

  for (;;) {
    if (pos >= data.length) bad(`it ends at byte ${pos} without a STOP opcode (the file is truncated)`);
    const at = pos,
      op = data[pos++]!;
    switch (op) {
      case OP.PROTO: {
        const p = u8();
        if (p > 5) bad(`pickle protocol ${p} is unknown`);
        break;
      }
      case OP.FRAME:
        bytes(8, "a FRAME length");
        break;
      case OP.STOP: {
        const v = pop("STOP");
        if (stack.length || marks.length) bad(`STOP leaves ${stack.length + marks.length} items behind`);
        if (!more && pos !== data.length) bad(`${data.length - pos} bytes follow the STOP opcode`);
        return { value: v, end: pos };
      }
      case OP.GLOBAL:
      case OP.STACK_GLOBAL: {
        let module: PyValue, name: PyValue;
        if (op === OP.GLOBAL) {
          module = line();
          name = line();
        } else {
          name = pop("STACK_GLOBAL");
          module = pop("STACK_GLOBAL");
          if (typeof module !== "string" || typeof name !== "string")
            bad(`STACK_GLOBAL of ${pyType(module)} and ${pyType(name)}, not two strings`);
        }
        const g = allowedGlobal(module as string, name as string);
        if (typeof g === "string") {
          if (g) fail(`the pickle uses '${module}.${name}' (${g}), which xlatorch cannot load`);
          fail(`unsupported global '${module}.${name}' in the pickle; only PyTorch's weights_only globals are accepted`);
        }
        stack.push(g as PyValue);
        break;
      }
      case OP.MARK:
        marks.push(stack);
        stack = [];
        break;
      case OP.TUPLE: {
        const items = popMark("TUPLE"); // before naming `stack`, which popMark replaces
        stack.push({ t: "tuple", items });
        break;
      }
      case OP.EMPTY_TUPLE:
        stack.push({ t: "tuple", items: [] });
        break;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length < n) bad(`TUPLE${n} with ${stack.length} items on the stack`);
        stack.push({ t: "tuple", items: stack.splice(stack.length - n, n) });
        break;
      }
      case OP.EMPTY_LIST:
        stack.push({ t: "list", items: [] });
        break;
      case OP.EMPTY_DICT:
        stack.push({ t: "dict", ordered: false, entries: [] });
        break;
      case OP.APPEND:
      case OP.APPENDS: {
        const name = op === OP.APPEND ? "APPEND" : "APPENDS";
        const items = op === OP.APPEND ? [pop(name)] : popMark(name);
        const l = top(name);
        if (typeof l !== "object" || l === null || l.t !== "list") bad(`${name} to a ${pyType(l)}, not a list`);
        (l as PyList).items.push(...items);
        break;
      }
      case OP.SETITEM: {
        const v = pop("SETITEM"),
          k = pop("SETITEM");
        setitem(top("SETITEM"), k, v, "SETITEM");
        break;
      }
      case OP.SETITEMS: {
        const items = popMark("SETITEMS");
        if (items.length % 2) bad("SETITEMS with an odd number of items");
        const d = top("SETITEMS");
        for (let i = 0; i < items.length; i += 2) setitem(d, items[i]!, items[i + 1]!, "SETITEMS");
        break;
      }
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        need(4, "BININT");
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        need(2, "BININT2");
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      case OP.LONG1:
        stack.push(long(bytes(u8(), "LONG1")));
        break;
      case OP.LONG4: {
        const n = u32();
        if (n > 1024) bad(`LONG4 of ${n} bytes`);
        stack.push(long(bytes(n, "LONG4")));
        break;
      }
      case OP.BINFLOAT:
        need(8, "BINFLOAT");
        stack.push(view.getFloat64(pos, false)); // big-endian, as pickle writes it
        pos += 8;
        break;
      case OP.BINUNICODE:
        stack.push(text(bytes(u32(), "a BINUNICODE string"), "a string"));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(text(bytes(u8(), "a SHORT_BINUNICODE string"), "a string"));
        break;
      case OP.SHORT_BINSTRING:
        // Python 2 str; read as Latin-1 text (PyTorch's loader decodes ASCII).
        stack.push(String.fromCharCode(...bytes(u8(), "a SHORT_BINSTRING")));
        break;
      case OP.BINPUT:
        memo.set(u8(), top("BINPUT"));
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(), top("LONG_BINPUT"));
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top("MEMOIZE"));
        break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const i = op === OP.BINGET ? u8() : u32();
        if (!memo.has(i)) bad(`${op === OP.BINGET ? "BINGET" : "LONG_BINGET"} ${i} of a memo entry never stored`);
        stack.push(memo.get(i)!);
        break;
      }
      case OP.BINPERSID: {
        const pid = pop("BINPERSID");
        if (typeof pid !== "object" || pid === null || pid.t !== "tuple" || pid.items[0] !== "storage")
          fail(
            `the pickle's persistent id must be a tuple ('storage', ...); got ${pyType(pid)}${typeof pid === "object" && pid?.t === "tuple" ? ` starting with ${JSON.stringify(pid.items[0])}` : ""}`,
          );
        stack.push(storage((pid as PyList).items));
        break;
      }
      case OP.REDUCE: {
        const args = pop("REDUCE"),
          f = pop("REDUCE");
        stack.push(reduce(f, args, fail));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop("NEWOBJ"),
          cls = pop("NEWOBJ");
        if (typeof cls !== "object" || cls === null || cls.t !== "global" || cls.name !== "torch.nn.parameter.Parameter")
          fail(`the pickle instantiates ${pyType(cls)} (NEWOBJ); only torch.nn.Parameter may be`);
        stack.push(reduce({ t: "global", name: "torch._utils._rebuild_parameter" }, args, fail, "torch.nn.Parameter"));
        break;
      }
      case OP.BUILD: {
        const state = pop("BUILD"),
          inst = top("BUILD");
        // OrderedDict's state is its __dict__ (a state dict's _metadata): dropped.
        // A Parameter's state (its Python attributes) must be empty.
        if (typeof inst === "object" && inst !== null && inst.t === "dict" && inst.ordered) break;
        if (typeof inst === "object" && inst !== null && inst.t === "tensor" && inst.parameter && isEmpty(state)) break;
        fail(`the pickle sets the state of ${pyType(inst)} (BUILD); only an OrderedDict's may be`);
        break;
      }
      default:
        bad(
          `opcode ${OP_NAMES.get(op) ?? `0x${op.toString(16).padStart(2, "0")}`} at byte ${at} is not supported (only what torch.save writes, and nothing that runs code)`,
        );
    }
  }
}

/** None, or an empty dict or tuple: backward hooks and Python attributes that are absent. */
const isEmpty = (v: PyValue) =>
  v === null || (typeof v === "object" && ((v.t === "dict" && v.entries.length === 0) || (v.t === "tuple" && v.items.length === 0)));

/**
 * Equal strings for the scalar keys Python finds equal (1, 1.0, True; a bigint and its
 * number). Other keys (tuples, dtypes) are not deduplicated: checkpoints do not repeat them.
 */
function scalarKey(k: PyValue): string | undefined {
  if (typeof k === "string") return `s${k}`;
  if (typeof k === "boolean") return `n${+k}`;
  if (typeof k === "bigint") return `n${Number.isSafeInteger(Number(k)) ? Number(k) : k}`;
  if (typeof k === "number") return `n${k}`;
  if (k === null) return "None";
  return undefined;
}

const int = (v: PyValue): v is number => typeof v === "number" && Number.isSafeInteger(v);

/** REDUCE: calls one of the allowed globals on its argument tuple, as data. */
function reduce(f: PyValue, args: PyValue, fail: (msg: string) => never, as?: string): PyValue {
  if (typeof f !== "object" || f === null || f.t !== "global")
    fail(`the pickle calls ${pyType(f)} (REDUCE); only PyTorch's weights_only globals may be called`);
  const name = (f as PyGlobal).name,
    what = as ?? name;
  if (typeof args !== "object" || args === null || args.t !== "tuple")
    return fail(`the pickle calls '${what}' with ${pyType(args)} arguments, not a tuple`);
  const a = (args as PyList).items;
  const wrong = (expected: string): never =>
    fail(`the pickle calls '${what}' with arguments (${a.map(pyType).join(", ")}); expected ${expected}`);
  const ints = (v: PyValue | undefined): number[] | undefined =>
    typeof v === "object" && v !== null && v.t === "tuple" && v.items.every(int) ? (v.items as number[]) : undefined;
  switch (name) {
    case "collections.OrderedDict": {
      const d: PyDict = { t: "dict", ordered: true, entries: [] };
      if (a.length === 0) return d;
      const pairs = a[0];
      if (a.length === 1 && typeof pairs === "object" && pairs !== null && (pairs.t === "list" || pairs.t === "tuple")) {
        for (const p of pairs.items) {
          if (typeof p !== "object" || p === null || p.t !== "tuple" || p.items.length !== 2) wrong("a list of (key, value) pairs");
          d.entries.push([(p as PyList).items[0]!, (p as PyList).items[1]!]);
        }
        return d;
      }
      return wrong("() or a list of (key, value) pairs");
    }
    case "torch._utils._rebuild_tensor":
    case "torch._utils._rebuild_tensor_v2":
    case "torch._utils._rebuild_tensor_v3": {
      const [storage, offset, size, stride, requires_grad = false, hooks = null] = a;
      const shape = ints(size),
        strides = ints(stride);
      const v1 = name === "torch._utils._rebuild_tensor";
      if (
        typeof storage !== "object" ||
        storage === null ||
        storage.t !== "storage" ||
        !int(offset) ||
        !shape ||
        !strides ||
        typeof requires_grad !== "boolean" ||
        a.length < (v1 ? 4 : 6) ||
        a.length > (v1 ? 4 : name === "torch._utils._rebuild_tensor_v3" ? 8 : 7)
      )
        return wrong("(storage, storage_offset, size tuple, stride tuple, requires_grad, backward_hooks[, metadata])");
      if (!isEmpty(hooks)) fail(`the pickle gives a tensor backward hooks ('${name}'); xlatorch cannot load hooks`);
      if (name === "torch._utils._rebuild_tensor_v3") {
        const dtype = a[6];
        if (typeof dtype !== "object" || dtype === null || dtype.t !== "dtype") return wrong("a dtype as the 7th argument");
        if ((dtype as PyDtype).name !== (storage as PyStorage).dtype)
          fail(
            `the pickle views a ${(storage as PyStorage).dtype} storage as ${(dtype as PyDtype).name}; xlatorch cannot reinterpret storages`,
          );
      }
      return { t: "tensor", storage: storage as PyStorage, offset, shape, stride: strides, requires_grad, parameter: false };
    }
    case "torch._utils._rebuild_parameter":
    case "torch._utils._rebuild_parameter_with_state": {
      const [data, requires_grad = true, hooks = null, state = null] = a;
      if (typeof data !== "object" || data === null || data.t !== "tensor" || typeof requires_grad !== "boolean" || a.length > 4)
        return wrong("(tensor, requires_grad, backward_hooks[, state])");
      if (!isEmpty(hooks)) fail(`the pickle gives a parameter backward hooks ('${name}'); xlatorch cannot load hooks`);
      if (!isEmpty(state)) fail(`the pickle gives a parameter Python attributes ('${name}'); xlatorch cannot load them`);
      return { ...(data as PyTensor), requires_grad, parameter: true };
    }
    case "torch.Size": {
      if (a.length === 1 && ints(a[0])) return { t: "tuple", items: [...ints(a[0])!] };
      return wrong("a tuple of ints");
    }
    case "torch.device": {
      const [type, index] = a;
      if (typeof type !== "string" || a.length > 2 || (a.length === 2 && index !== null && !int(index))) return wrong("(type[, index])");
      return { t: "device", name: a.length === 2 && index !== null ? `${type.split(":")[0]}:${index}` : type };
    }
    case "torch.serialization._get_layout":
      return fail(`the pickle uses '${name}' (sparse or other non-strided layouts), which xlatorch cannot load`);
    default:
      return fail(`the pickle calls '${name}' (REDUCE), which is not a function PyTorch's weights_only unpickler calls`);
  }
}
