// PyTorch's legacy checkpoint format (torch.save before 1.6, or with
// _use_new_zipfile_serialization=False): pickles one after another — the
// magic number, the protocol version (1001), a sys_info dict, the object
// (storages as persistent ids ('storage', type, key, location, numel, None)),
// the sorted list of storage keys — then, for each key in that order, its
// element count (int64, little-endian) and its raw bytes. Read only, with the
// same restricted unpickler and checks as the zip format (torch_format.ts).
import { TorchError, dtypeOf } from "@xlatorch/core";
import { deviceMap, type MapLocation } from "./decode.js";
import { type PyStorage, type PyValue, unpickle } from "./pickle_read.js";
import { objectsFromPickle, storageIds } from "./torch_format.js";

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** Whether `bytes` starts as torch.save's legacy format does: a protocol-2 pickle of MAGIC_NUMBER (LONG1, 10 bytes). */
export function isLegacy(bytes: Uint8Array): boolean {
  const head = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  return bytes.length >= head.length && head.every((b, i) => bytes[i] === b);
}

export function loadLegacyFormat(bytes: Uint8Array, describe: string, mapLocation: MapLocation, own: boolean): unknown {
  const fail = (msg: string): never => {
    throw new TorchError(`torch.load: ${describe}: ${msg}`);
  };
  const target = deviceMap(mapLocation);
  const noStorage = (): never => fail("a header pickle of the legacy format refers to a storage");
  const header = (at: number, label: string) => unpickle(bytes, fail, noStorage, { at, more: true, label });
  const magic = header(0, "the magic number");
  if (magic.value !== MAGIC_NUMBER) fail("the legacy format's magic number is wrong");
  const version = header(magic.end, "the protocol version");
  if (version.value !== PROTOCOL_VERSION)
    fail(`the legacy format's protocol version is ${String(version.value)}; xlatorch reads version ${PROTOCOL_VERSION}`);
  const sysInfo = header(version.end, "sys_info");
  const info = sysInfo.value;
  const little =
    typeof info === "object" && info !== null && info.t === "dict" ? info.entries.find(([k]) => k === "little_endian")?.[1] : undefined;
  if (little !== true)
    fail("the legacy checkpoint was not saved on a little-endian machine (sys_info.little_endian); xlatorch reads little-endian data");

  const storages = new Map<string, PyStorage>();
  const main = unpickle(
    bytes,
    fail,
    storageIds(fail, 6, (rec) => storages.set(rec.key, rec)),
    { at: sysInfo.end, more: true, label: "the object" },
  );
  const keysPickle = header(main.end, "the storage keys");
  const keys = keysPickle.value;
  if (typeof keys !== "object" || keys === null || keys.t !== "list" || !keys.items.every((k) => typeof k === "string"))
    fail("the legacy format's storage key list is not a list of strings");

  // The storages follow, in the key list's order: an int64 element count, then the bytes.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  let at = keysPickle.end;
  for (const key of (keys as { items: string[] }).items) {
    if (at + 8 > bytes.length) fail(`the file ends before storage '${key}' (it is truncated)`);
    const numel = view.getBigInt64(at, true);
    const rec = storages.get(key);
    if (!rec) fail(`the storage key list names '${key}', which the object does not use`);
    if (numel !== BigInt(rec!.numel)) fail(`storage '${key}' holds ${numel} elements, but the pickle declares ${rec!.numel}`);
    const nbytes = rec!.numel * dtypeOf(rec!.dtype).itemsize;
    if (at + 8 + nbytes > bytes.length) fail(`the file ends inside storage '${key}' (it is truncated)`);
    data.set(key, bytes.subarray(at + 8, at + 8 + nbytes));
    at += 8 + nbytes;
  }
  if (at !== bytes.length) fail(`${bytes.length - at} bytes follow the last storage`);
  for (const key of storages.keys()) if (!data.has(key)) fail(`the object uses storage '${key}', which the file does not hold`);
  return objectsFromPickle(main.value as PyValue, (s) => data.get(s.key)!, target, fail, describe, own);
}
