// The CRC-32 that guards the project's FlatBuffer files (checkpoints, compile
// cache entries): each file stores the CRC of its own bytes, its CRC field
// counted as zeros.
import * as zlib from "node:zlib";

/** CRC-32 as zlib computes it, continuing from `crc` (node:zlib's when present). */
export function crc32(data: Uint8Array, crc = 0): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (native) return native(data, crc) >>> 0;
  let c = ~crc;
  for (let i = 0; i < data.length; i++) {
    c ^= data[i]!;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** The file's CRC-32 with its own field (4 bytes at `at`) counted as zeros. */
export const fileCrc = (bytes: Uint8Array, at: number): number =>
  crc32(bytes.subarray(at + 4), crc32(new Uint8Array(4), crc32(bytes.subarray(0, at))));
