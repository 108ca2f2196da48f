// NumPy's .npy format (version 1.0-3.0), little-endian, C order: the arrays
// run_mlir.ts reads as inputs and writes as outputs.
const DESCR: Record<string, string> = {
  "<f4": "float32",
  "<f8": "float64",
  "<f2": "float16",
  "|i1": "int8",
  "|u1": "uint8",
  "<i2": "int16",
  "<i4": "int32",
  "<i8": "int64",
  "|b1": "bool",
  "<c8": "complex64",
  "<c16": "complex128",
};
const DTYPE_DESCR = Object.fromEntries(Object.entries(DESCR).map(([k, v]) => [v, k]));

export interface NpyArray {
  /** xlatorch dtype name. */
  dtype: string;
  shape: number[];
  /** The raw little-endian element bytes. */
  data: Uint8Array;
}

export function readNpy(bytes: Uint8Array, what = "npy"): NpyArray {
  const magic = [0x93, ..."NUMPY"].map((c) => (typeof c === "number" ? c : c.charCodeAt(0)));
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) throw new Error(`${what}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [hlen, start] = major === 1 ? [dv.getUint16(8, true), 10] : [dv.getUint32(8, true), 12];
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`${what}: unreadable .npy header ${header.trim()}`);
  const dtype = DESCR[descr.replace(/^=/, "<")];
  if (!dtype) throw new Error(`${what}: unsupported .npy dtype '${descr}' (supported: ${Object.keys(DESCR).join(" ")})`);
  if (fortran === "True") throw new Error(`${what}: Fortran-order .npy arrays are not supported`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length)
    .map(Number);
  return { dtype, shape, data: bytes.slice(start + hlen) };
}

export function writeNpy(a: NpyArray): Uint8Array {
  const descr = DTYPE_DESCR[a.dtype];
  if (!descr) throw new Error(`npy: no .npy dtype for ${a.dtype}`);
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // pad with spaces so the data starts at a multiple of 64, newline last
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + a.data.length);
  out.set([0x93, 78, 85, 77, 80, 89, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(a.data, total);
  return out;
}
