// The zip container of PyTorch's checkpoint format (APPNOTE.TXT, the subset
// PyTorch's writer uses): stored (uncompressed) entries, ZIP64 when sizes or
// offsets pass 4 GiB, and each record's data aligned to 64 bytes by padding
// in an "FB" extra field, as PyTorch's writer does (so storages can be mapped).
// The reader trusts nothing: every offset and size is checked against the file,
// names must match between the central directory and the local headers, and
// each record's CRC-32 is checked when it is read.
import { crc32 } from "./crc32.js";

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  size: number;
  /** Where the data starts in the file. */
  start: number;
}

const SIG_LOCAL = 0x04034b50,
  SIG_CENTRAL = 0x02014b50,
  SIG_EOCD = 0x06054b50,
  SIG_ZIP64_EOCD = 0x06064b50,
  SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff,
  U16_MAX = 0xffff;
/** PyTorch's alignment of record data. */
export const ZIP_ALIGNMENT = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encode = new TextEncoder();

/** A parsed zip archive: entries by name, whose data are checked and returned on demand. */
export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  readonly names: string[] = [];
  private readonly view: DataView;

  /** `fail` throws with the message (it names the source). */
  constructor(
    readonly bytes: Uint8Array,
    private readonly fail: (msg: string) => never,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.parse();
  }

  private corrupt(what: string): never {
    return this.fail(`the zip archive is corrupted or truncated: ${what}`);
  }
  private u16(at: number): number {
    if (at < 0 || at + 2 > this.bytes.length)
      this.corrupt(`a 2-byte field at offset ${at} is past the end of the ${this.bytes.length}-byte file`);
    return this.view.getUint16(at, true);
  }
  private u32(at: number): number {
    if (at < 0 || at + 4 > this.bytes.length)
      this.corrupt(`a 4-byte field at offset ${at} is past the end of the ${this.bytes.length}-byte file`);
    return this.view.getUint32(at, true);
  }
  private u64(at: number): number {
    if (at < 0 || at + 8 > this.bytes.length)
      this.corrupt(`an 8-byte field at offset ${at} is past the end of the ${this.bytes.length}-byte file`);
    const v = this.view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.corrupt(`a 64-bit size or offset at ${at} is ${v}`);
    return Number(v);
  }

  private parse(): void {
    const n = this.bytes.length;
    // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
    let eocd = -1;
    for (let at = n - 22; at >= Math.max(0, n - 22 - U16_MAX); at--) {
      if (this.view.getUint32(at, true) === SIG_EOCD && at + 22 + this.view.getUint16(at + 20, true) === n) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) this.corrupt("no end-of-central-directory record (the file is truncated or not a zip archive)");
    if (this.u16(eocd + 4) !== 0 || this.u16(eocd + 6) !== 0) this.fail("multi-disk zip archives are not supported");
    let count = this.u16(eocd + 10),
      cdSize = this.u32(eocd + 12),
      cdStart = this.u32(eocd + 16);
    const locator = eocd - 20;
    if (locator >= 0 && this.view.getUint32(locator, true) === SIG_ZIP64_LOCATOR) {
      const rec = this.u64(locator + 8);
      if (rec + 56 > locator || this.u32(rec) !== SIG_ZIP64_EOCD)
        this.corrupt(`the ZIP64 end-of-central-directory locator points at ${rec}, where there is no ZIP64 record`);
      count = this.u64(rec + 32);
      cdSize = this.u64(rec + 40);
      cdStart = this.u64(rec + 48);
    } else if (count === U16_MAX || cdSize === U32_MAX || cdStart === U32_MAX) {
      this.corrupt("the archive needs ZIP64 but has no ZIP64 end-of-central-directory locator");
    }
    if (cdStart + cdSize > (locator >= 0 && this.view.getUint32(locator, true) === SIG_ZIP64_LOCATOR ? locator : eocd))
      this.corrupt(`the central directory (${cdSize} bytes at ${cdStart}) overlaps the end records or lies past the end of the file`);

    let at = cdStart;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cdStart + cdSize || this.u32(at) !== SIG_CENTRAL)
        this.corrupt(`central directory entry ${i} of ${count} at offset ${at} is missing`);
      const method = this.u16(at + 10),
        crc = this.u32(at + 16);
      let csize = this.u32(at + 20),
        usize = this.u32(at + 24),
        local = this.u32(at + 42);
      const nameLen = this.u16(at + 28),
        extraLen = this.u16(at + 30),
        commentLen = this.u16(at + 32);
      const end = at + 46 + nameLen + extraLen + commentLen;
      if (end > cdStart + cdSize) this.corrupt(`central directory entry ${i} runs past the directory`);
      const name = this.name(at + 46, nameLen);
      // ZIP64 extended information: the fields that are 0xFFFFFFFF above, in this order.
      for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen; ) {
        const id = this.u16(e),
          len = this.u16(e + 2);
        if (e + 4 + len > at + 46 + nameLen + extraLen) this.corrupt(`entry '${name}' has an extra field running past its header`);
        if (id === 0x0001) {
          let f = e + 4;
          const next = (): number => {
            if (f + 8 > e + 4 + len) this.corrupt(`entry '${name}' has a short ZIP64 extra field`);
            const v = this.u64(f);
            f += 8;
            return v;
          };
          if (usize === U32_MAX) usize = next();
          if (csize === U32_MAX) csize = next();
          if (local === U32_MAX) local = next();
        }
        e += 4 + len;
      }
      if (this.entries.has(name)) this.corrupt(`entry '${name}' appears twice`);
      // The local header: its own name and extra lengths decide where the data starts.
      if (local + 30 > cdStart || this.u32(local) !== SIG_LOCAL)
        this.corrupt(`entry '${name}' points at offset ${local}, where there is no local file header`);
      const localNameLen = this.u16(local + 26),
        localExtraLen = this.u16(local + 28);
      if (localNameLen !== nameLen || this.name(local + 30, localNameLen) !== name)
        this.corrupt(`entry '${name}': the local file header at ${local} names a different file`);
      const start = local + 30 + localNameLen + localExtraLen;
      if (start + csize > cdStart)
        this.corrupt(`entry '${name}' (${csize} bytes at ${start}) runs into the central directory or past the end of the file`);
      if (method === 0 && csize !== usize) this.corrupt(`stored entry '${name}' has compressed size ${csize} but size ${usize}`);
      this.entries.set(name, { name, method, crc, size: csize, start });
      this.names.push(name);
      at = end;
    }
  }

  private name(at: number, len: number): string {
    if (at + len > this.bytes.length) this.corrupt(`a file name at ${at} runs past the end of the file`);
    try {
      return utf8.decode(this.bytes.subarray(at, at + len));
    } catch {
      return this.corrupt(`a file name at ${at} is not UTF-8`);
    }
  }

  /** The data of `name` (a view into the file, not a copy), its CRC-32 checked; undefined when absent. */
  read(name: string): Uint8Array | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    if (e.method !== 0)
      this.fail(
        `the record '${name}' is compressed (zip method ${e.method}${e.method === 8 ? ", deflate" : ""}); xlatorch reads only stored (uncompressed) records, as torch.save writes them`,
      );
    const data = this.bytes.subarray(e.start, e.start + e.size);
    const crc = crc32(data);
    if (crc !== e.crc) this.corrupt(`the record '${name}' has CRC-32 ${hex(crc)}, but ${hex(e.crc)} was recorded`);
    return data;
  }
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, "0")}`;

export interface ZipRecord {
  name: string;
  data: Uint8Array;
}

/**
 * A zip archive of stored records, data aligned to ZIP_ALIGNMENT as PyTorch's
 * writer does. ZIP64 fields are written where a size or offset needs them
 * (`forceZip64` writes them always, for tests of the reader).
 */
export function writeZip(records: ZipRecord[], forceZip64 = false): Uint8Array {
  const names = records.map((r) => utf8Encode.encode(r.name));
  const big = (x: number) => forceZip64 || x >= U32_MAX;
  // Layout first, then one buffer of the final size.
  const layout: { local: number; start: number; padding: number; zip64: boolean }[] = [];
  let at = 0;
  records.forEach((r, i) => {
    const zip64 = big(r.data.length);
    const headerEnd = at + 30 + names[i]!.length + (zip64 ? 20 : 0) + 4;
    const padding = (ZIP_ALIGNMENT - (headerEnd % ZIP_ALIGNMENT)) % ZIP_ALIGNMENT;
    layout.push({ local: at, start: headerEnd + padding, padding, zip64 });
    at = headerEnd + padding + r.data.length;
  });
  const cdStart = at;
  const centralZip64 = records.map((r, i) => big(r.data.length) || big(layout[i]!.local));
  let cdSize = 0;
  records.forEach((_, i) => {
    cdSize += 46 + names[i]!.length + (centralZip64[i] ? 28 : 0);
  });
  const endZip64 = forceZip64 || big(cdStart) || big(cdSize) || records.length >= U16_MAX;
  const total = cdStart + cdSize + (endZip64 ? 56 + 20 : 0) + 22;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const u16 = (p: number, x: number) => v.setUint16(p, x, true);
  const u32 = (p: number, x: number) => v.setUint32(p, x, true);
  const u64 = (p: number, x: number) => v.setBigUint64(p, BigInt(x), true);

  const crcs = records.map((r, i) => {
    const { local, start, padding, zip64 } = layout[i]!;
    const crc = crc32(r.data);
    u32(local, SIG_LOCAL);
    u16(local + 4, zip64 ? 45 : 20); // version needed
    u32(local + 14, crc);
    u32(local + 18, zip64 ? U32_MAX : r.data.length);
    u32(local + 22, zip64 ? U32_MAX : r.data.length);
    u16(local + 26, names[i]!.length);
    u16(local + 28, (zip64 ? 20 : 0) + 4 + padding);
    out.set(names[i]!, local + 30);
    let e = local + 30 + names[i]!.length;
    if (zip64) {
      u16(e, 0x0001);
      u16(e + 2, 16);
      u64(e + 4, r.data.length);
      u64(e + 12, r.data.length);
      e += 20;
    }
    u16(e, 0x4246); // "FB", PyTorch's padding field
    u16(e + 2, padding);
    out.fill(0x5a, e + 4, e + 4 + padding); // 'Z', as PyTorch pads
    out.set(r.data, start);
    return crc;
  });

  let c = cdStart;
  records.forEach((r, i) => {
    const z = centralZip64[i]!;
    u32(c, SIG_CENTRAL);
    u16(c + 4, z ? 45 : 20); // version made by
    u16(c + 6, z ? 45 : 20); // version needed
    u32(c + 16, crcs[i]!);
    u32(c + 20, z ? U32_MAX : r.data.length);
    u32(c + 24, z ? U32_MAX : r.data.length);
    u16(c + 28, names[i]!.length);
    u16(c + 30, z ? 28 : 0);
    u32(c + 42, z ? U32_MAX : layout[i]!.local);
    out.set(names[i]!, c + 46);
    c += 46 + names[i]!.length;
    if (z) {
      u16(c, 0x0001);
      u16(c + 2, 24);
      u64(c + 4, r.data.length);
      u64(c + 12, r.data.length);
      u64(c + 20, layout[i]!.local);
      c += 28;
    }
  });
  if (endZip64) {
    u32(c, SIG_ZIP64_EOCD);
    u64(c + 4, 44); // size of the rest of this record
    u16(c + 12, 45);
    u16(c + 14, 45);
    u64(c + 24, records.length);
    u64(c + 32, records.length);
    u64(c + 40, cdSize);
    u64(c + 48, cdStart);
    u32(c + 56, SIG_ZIP64_LOCATOR);
    u64(c + 64, c);
    u32(c + 72, 1); // total disks
    c += 76;
  }
  u32(c, SIG_EOCD);
  u16(c + 8, endZip64 ? U16_MAX : records.length);
  u16(c + 10, endZip64 ? U16_MAX : records.length);
  u32(c + 12, endZip64 ? U32_MAX : cdSize);
  u32(c + 16, endZip64 ? U32_MAX : cdStart);
  return out;
}
