// Native memory for PJRT argument structs and everything they point to.
//
// Why native memory rather than JS Buffers: the structs hold pointers to other
// blocks (dims, strings, pointer arrays, host data), so every block needs an
// address that stays put. koffi.alloc gives malloc'd memory with a stable
// address; koffi.view maps it (or any plugin-owned pointer) into an
// ArrayBuffer so fields are read and written with a DataView, without copies.
import koffi from "koffi";
import type { CType, StructDef } from "./layout.js";

/** A pointer as koffi returns it (BigInt, or null for NULL) normalised to BigInt. */
export function toAddr(p: unknown): bigint {
  if (p === null || p === undefined) return 0n;
  if (typeof p === "bigint") return p;
  if (typeof p === "number") return BigInt(p);
  throw new TypeError(`not a pointer: ${String(p)}`);
}

/** A DataView over `len` bytes at `addr` (plugin-owned or ours). */
export function viewAt(addr: bigint, len: number): DataView {
  if (len === 0) return new DataView(new ArrayBuffer(0));
  if (addr === 0n) throw new Error(`cannot read ${len} bytes at NULL`);
  return new DataView(koffi.view(addr, len));
}

/** Reads a (pointer, length) UTF-8 string the plugin owns. */
export function readString(addr: bigint, len: number): string {
  if (len === 0 || addr === 0n) return "";
  return Buffer.from(koffi.view(addr, len)).toString("utf8");
}

/** Reads `count` pointers from a plugin-owned `T* const*` array. */
export function readPointerArray(addr: bigint, count: number): bigint[] {
  const v = viewAt(addr, count * 8);
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) out.push(v.getBigUint64(i * 8, true));
  return out;
}

export interface NativeBlock {
  readonly addr: bigint;
  readonly size: number;
  readonly view: DataView;
  readonly bytes: Uint8Array;
}

/**
 * Zero-filled spare bytes after every struct. They let a struct grow in place
 * when a plugin newer than our header insists on a larger struct_size (see
 * PjrtApi.call): fields are only ever appended, and zero means "not set".
 */
export const STRUCT_SLACK = 128;

/**
 * Allocations that live for one operation and are freed together. Not
 * re-entrant across operations: each operation makes its own Arena.
 */
export class Arena {
  private blocks: bigint[] = [];
  private readonly structs: StructRef<string>[] = [];

  /** `sizes`: struct_size to send per struct name, where a plugin asked for more. */
  constructor(private readonly sizes?: ReadonlyMap<string, number>) {}

  alloc(size: number): NativeBlock {
    const n = Math.max(1, size); // a zero-length array still gets a valid pointer
    const addr = toAddr(koffi.alloc("uint8_t", n));
    this.blocks.push(addr);
    const ab = koffi.view(addr, n);
    const bytes = new Uint8Array(ab);
    bytes.fill(0);
    return { addr, size: n, view: new DataView(ab), bytes };
  }

  /** A zeroed struct with struct_size (when it has one) already set. */
  struct<F extends string>(def: StructDef<F>, values?: Partial<Record<F, FieldValue>>): StructRef<F> {
    const capacity = def.allocSize + STRUCT_SLACK;
    const block = this.alloc(capacity);
    const ref = new StructRef(def, block.addr, block.view, capacity);
    if ("struct_size" in def.fields) ref.set("struct_size" as F, Math.min(this.sizes?.get(def.name) ?? def.size, capacity));
    ref.owner = this;
    this.structs.push(ref as StructRef<string>);
    if (values) for (const k of Object.keys(values) as F[]) ref.set(k, values[k] as FieldValue);
    return ref;
  }

  /** An array of `count` structs, each with its struct_size set. */
  structArray<F extends string>(def: StructDef<F>, count: number): StructRef<F>[] {
    const block = this.alloc(def.allocSize * count + STRUCT_SLACK);
    const out: StructRef<F>[] = [];
    for (let i = 0; i < count; i++) {
      const off = def.allocSize * i;
      // Array elements cannot grow in place (the stride is sizeof), so these
      // are not registered for struct_size growth.
      const ref = new StructRef(def, block.addr + BigInt(off), new DataView(block.view.buffer, off, def.allocSize), def.allocSize);
      if ("struct_size" in def.fields) ref.set("struct_size" as F, def.size);
      out.push(ref);
    }
    return out;
  }

  /** Copies bytes into native memory. */
  copyIn(src: ArrayBufferView): NativeBlock {
    const block = this.alloc(src.byteLength);
    block.bytes.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    return block;
  }

  /** A UTF-8 string (NUL-terminated too, for plugins that read it as C string). */
  string(s: string): { addr: bigint; len: number } {
    const utf8 = Buffer.from(s, "utf8");
    const block = this.alloc(utf8.length + 1);
    block.bytes.set(utf8);
    return { addr: block.addr, len: utf8.length };
  }

  int64Array(values: readonly (number | bigint)[]): bigint {
    const block = this.alloc(values.length * 8);
    values.forEach((v, i) => block.view.setBigInt64(i * 8, BigInt(v), true));
    return block.addr;
  }

  pointerArray(values: readonly bigint[]): bigint {
    const block = this.alloc(values.length * 8);
    values.forEach((v, i) => block.view.setBigUint64(i * 8, v, true));
    return block.addr;
  }

  /** Structs of this arena named `name` (for growing their struct_size). */
  structsNamed(name: string): StructRef<string>[] {
    return this.structs.filter((s) => s.def.name === name);
  }

  free(): void {
    for (const b of this.blocks) koffi.free(b);
    this.blocks = [];
  }
}

export type FieldValue = bigint | number | boolean;

/** Typed access to one struct in native memory, by field name. */
export class StructRef<F extends string> {
  /** The arena that made it (and its sibling structs of one operation). */
  owner: Arena | undefined;

  constructor(
    readonly def: StructDef<F>,
    readonly addr: bigint,
    private readonly view: DataView,
    /** Bytes available at `addr` (allocSize plus slack). */
    readonly capacity: number,
  ) {}

  private field(name: F): { offset: number; type: CType } {
    const f = this.def.fields[name];
    if (!f) throw new Error(`${this.def.name} has no field ${name}`);
    if (typeof f.type !== "string") throw new Error(`${this.def.name}.${name} is a nested struct`);
    return { offset: f.offset, type: f.type };
  }

  set(name: F, value: FieldValue): this {
    const { offset, type } = this.field(name);
    const v = this.view;
    switch (type) {
      case "size_t":
      case "u64":
      case "ptr":
      case "union8":
        v.setBigUint64(offset, BigInt(value), true);
        break;
      case "int64":
        v.setBigInt64(offset, BigInt(value), true);
        break;
      case "int32":
        v.setInt32(offset, Number(value), true);
        break;
      case "bool":
        v.setUint8(offset, value ? 1 : 0);
        break;
      case "float":
        v.setFloat32(offset, Number(value), true);
        break;
    }
    return this;
  }

  /** Writes into a union8 field as a specific member type. */
  setUnion(name: F, as: "ptr" | "int64" | "float" | "bool", value: FieldValue): this {
    const { offset } = this.field(name);
    const v = this.view;
    v.setBigUint64(offset, 0n, true);
    if (as === "ptr") v.setBigUint64(offset, BigInt(value), true);
    else if (as === "int64") v.setBigInt64(offset, BigInt(value), true);
    else if (as === "float") v.setFloat32(offset, Number(value), true);
    else v.setUint8(offset, value ? 1 : 0);
    return this;
  }

  ptr(name: F): bigint {
    return this.view.getBigUint64(this.field(name).offset, true);
  }

  /** size_t field as a JS number (sizes and counts fit in 2^53). */
  size(name: F): number {
    return Number(this.view.getBigUint64(this.field(name).offset, true));
  }

  i32(name: F): number {
    return this.view.getInt32(this.field(name).offset, true);
  }

  bool(name: F): boolean {
    return this.view.getUint8(this.field(name).offset) !== 0;
  }
}
