// A pickle writer for torch.save's data.pkl: protocol 2 and the opcodes
// Python's pickler uses for what a checkpoint holds (torch_format.ts decides
// what to write; this file only encodes opcodes).

export class PickleWriter {
  private buf = new Uint8Array(1024);
  private n = 0;
  private memoSize = 0;
  private readonly globals = new Map<string, number>();

  constructor() {
    this.bytes(0x80, 2); // PROTO 2
  }

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  private bytes(...xs: number[]): void {
    this.reserve(xs.length);
    for (const x of xs) this.buf[this.n++] = x;
  }
  private raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  private u32(x: number): void {
    this.bytes(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
  }

  /** BINPUT/LONG_BINPUT of the top of the stack; returns its memo index. */
  memoize(): number {
    const i = this.memoSize++;
    if (i < 256) this.bytes(0x71, i);
    else {
      this.bytes(0x72);
      this.u32(i);
    }
    return i;
  }
  /** BINGET/LONG_BINGET. */
  get(i: number): void {
    if (i < 256) this.bytes(0x68, i);
    else {
      this.bytes(0x6a);
      this.u32(i);
    }
  }
  /** GLOBAL 'module name', memoized as Python does. */
  global(module: string, name: string): void {
    const key = `${module}\n${name}\n`;
    const m = this.globals.get(key);
    if (m !== undefined) return this.get(m);
    this.bytes(0x63);
    this.raw(new TextEncoder().encode(key));
    this.globals.set(key, this.memoize());
  }
  none(): void {
    this.bytes(0x4e);
  }
  bool(b: boolean): void {
    this.bytes(b ? 0x88 : 0x89);
  }
  /** An int: BININT1/BININT2/BININT, or LONG1 beyond 32 bits. */
  int(x: number | bigint): void {
    if (typeof x === "number" && Number.isInteger(x)) {
      if (x >= 0 && x < 256) return this.bytes(0x4b, x);
      if (x >= 0 && x < 65536) return this.bytes(0x4d, x & 0xff, x >>> 8);
      if (x >= -0x80000000 && x <= 0x7fffffff) {
        this.bytes(0x4a);
        return this.u32(x >>> 0);
      }
    }
    // LONG1: little-endian two's complement, as few bytes as hold the sign.
    let v = BigInt(x);
    const out: number[] = [];
    for (;;) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
      const sign = out[out.length - 1]! & 0x80;
      if ((v === 0n && !sign) || (v === -1n && sign)) break;
    }
    if (out.length > 255) throw new RangeError(`torch.save: the integer ${x} needs ${out.length} bytes; at most 255 are written`);
    this.bytes(0x8a, out.length, ...out);
  }
  /** BINFLOAT: 8 bytes, big-endian. */
  float(x: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    this.bytes(0x47);
    this.raw(b);
  }
  /** BINUNICODE, memoized as Python does. */
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.bytes(0x58);
    this.u32(b.length);
    this.raw(b);
    this.memoize();
  }
  mark(): void {
    this.bytes(0x28);
  }
  /** A tuple of the items pushed since mark() (n items: TUPLE1-3 without a mark). */
  tuple(n: number, marked: boolean): void {
    if (!marked && n === 0) this.bytes(0x29);
    else if (!marked && n <= 3) this.bytes(0x84 + n);
    else this.bytes(0x74);
  }
  emptyList(): void {
    this.bytes(0x5d);
  }
  emptyDict(): void {
    this.bytes(0x7d);
  }
  appends(): void {
    this.bytes(0x65);
  }
  setitems(): void {
    this.bytes(0x75);
  }
  reduce(): void {
    this.bytes(0x52);
  }
  persid(): void {
    this.bytes(0x51);
  }
  /** STOP, and the pickle's bytes. */
  finish(): Uint8Array {
    this.bytes(0x2e);
    return this.buf.slice(0, this.n);
  }
}
