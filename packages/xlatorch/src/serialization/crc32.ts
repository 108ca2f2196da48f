// CRC-32 (zlib's / zip's polynomial 0xEDB88320) in plain TypeScript with a
// 256-entry table: serialization code imports no Node built-in (no node:zlib),
// so a browser bundle needs to alias only files.ts.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of `data`, continuing from `crc` (0 to start), as zlib.crc32 computes it. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The file's CRC-32 with its own field (4 bytes at `at`) counted as zeros (the XLTC checkpoint's rule). */
export const fileCrc = (bytes: Uint8Array, at: number): number =>
  crc32(bytes.subarray(at + 4), crc32(new Uint8Array(4), crc32(bytes.subarray(0, at))));
