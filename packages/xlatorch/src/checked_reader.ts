// Bounds-checked reads of a FlatBuffer whose bytes may be truncated or
// corrupted (checkpoints, compile cache entries): every offset is checked
// against the buffer before it is followed, and a bad one raises the caller's
// error instead of reading garbage or past the end.
import * as flatbuffers from "flatbuffers";

/** Bounds-checked access to the tables of one buffer; `corrupt` raises the caller's error. */
export class CheckedReader {
  readonly bb: flatbuffers.ByteBuffer;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  constructor(
    readonly bytes: Uint8Array,
    private readonly corrupt: (what: string) => never,
  ) {
    this.bb = new flatbuffers.ByteBuffer(bytes);
  }
  private need(pos: number, len: number, what: string): void {
    if (!(Number.isInteger(pos) && pos >= 0 && len >= 0 && pos + len <= this.bytes.length))
      this.corrupt(`${what} at byte ${pos} runs past the end (${this.bytes.length} bytes)`);
  }
  /** A table at `pos` (checked); returns it for field reads. */
  table(pos: number): { pos: number; vt: number; vtSize: number } {
    this.need(pos, 4, "table");
    const vt = pos - this.bb.readInt32(pos);
    this.need(vt, 4, "vtable");
    const vtSize = this.bb.readUint16(vt),
      size = this.bb.readUint16(vt + 2);
    this.need(vt, vtSize, "vtable");
    this.need(pos, size, "table");
    return { pos, vt, vtSize };
  }
  /** Absolute position of a field of `size` bytes, or 0 when absent. */
  field(t: Tbl, slot: number, size: number): number {
    const vo = 4 + 2 * slot;
    if (vo + 2 > t.vtSize) return 0;
    const o = this.bb.readUint16(t.vt + vo);
    if (!o) return 0;
    this.need(t.pos + o, size, "field");
    return t.pos + o;
  }
  u8(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 1);
    return p ? this.bb.readUint8(p) : 0;
  }
  u32(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 4);
    return p ? this.bb.readUint32(p) : 0;
  }
  f64(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 8);
    return p ? this.bb.readFloat64(p) : 0;
  }
  u64(t: Tbl, slot: number): number {
    const p = this.field(t, slot, 8);
    const v = p ? this.bb.readUint64(p) : 0n;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.corrupt(`offset ${v} out of range`);
    return Number(v);
  }
  /** [start, length] of a vector field with `elemSize`-byte elements, or null when absent. */
  vector(t: Tbl, slot: number, elemSize: number): [number, number] | null {
    const p = this.field(t, slot, 4);
    if (!p) return null;
    const v = p + this.bb.readUint32(p);
    this.need(v, 4, "vector");
    const n = this.bb.readUint32(v);
    this.need(v + 4, n * elemSize, "vector");
    return [v + 4, n];
  }
  tables(t: Tbl, slot: number): Tbl[] {
    const [s, n] = this.vector(t, slot, 4) ?? [0, 0];
    return Array.from({ length: n }, (_, i) => this.table(s + 4 * i + this.bb.readUint32(s + 4 * i)));
  }
  private stringAt(p: number): string {
    const s = p + this.bb.readUint32(p);
    this.need(s, 4, "string");
    const n = this.bb.readUint32(s);
    this.need(s + 4, n, "string");
    try {
      return this.decoder.decode(this.bytes.subarray(s + 4, s + 4 + n));
    } catch {
      return this.corrupt(`invalid UTF-8 in a string at byte ${s}`);
    }
  }
  str(t: Tbl, slot: number): string | undefined {
    const p = this.field(t, slot, 4);
    return p ? this.stringAt(p) : undefined;
  }
  strings(t: Tbl, slot: number): string[] | undefined {
    const v = this.vector(t, slot, 4);
    return v ? Array.from({ length: v[1] }, (_, i) => this.stringAt(v[0] + 4 * i)) : undefined;
  }
  u32s(t: Tbl, slot: number): number[] | undefined {
    const v = this.vector(t, slot, 4);
    return v ? Array.from({ length: v[1] }, (_, i) => this.bb.readUint32(v[0] + 4 * i)) : undefined;
  }
  i64s(t: Tbl, slot: number): number[] {
    const v = this.vector(t, slot, 8);
    return v ? Array.from({ length: v[1] }, (_, i) => Number(this.bb.readInt64(v[0] + 8 * i))) : [];
  }
  tableField(t: Tbl, slot: number): Tbl | undefined {
    const p = this.field(t, slot, 4);
    return p ? this.table(p + this.bb.readUint32(p)) : undefined;
  }
}
export type Tbl = ReturnType<CheckedReader["table"]>;
