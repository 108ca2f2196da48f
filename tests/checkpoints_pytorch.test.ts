// PyTorch's checkpoint format both ways, against real PyTorch (1.13):
// - files written by PyTorch's torch.save (tests/fixtures/gen_checkpoints.py)
//   load with what PyTorch itself loads: values bit for bit, dtypes, shapes,
//   strides, storage offsets, which tensors share a storage, Parameters;
// - files written by xlatorch (write_from_xlatorch.ts) are what PyTorch read
//   in the generator's --check mode (from_xlatorch.json), and xlatorch's
//   torch.save still writes exactly those bytes;
// - malformed and malicious files (evil/) are refused with a message naming
//   the problem, and nothing is loaded.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import * as core from "@xlatorch/core";
import { saveTorchFormat } from "../packages/xlatorch/src/serialization/torch_format.js";
import { saveXltc } from "../packages/xlatorch/src/serialization/index.js";
import { xlatorchObjects } from "./fixtures/checkpoints/xlatorch_objects.js";

const DIR = new URL("./fixtures/checkpoints/", import.meta.url);
const path = (p: string) => new URL(p, DIR).pathname;
const json = (p: string) => JSON.parse(readFileSync(path(p), "utf8"));

// gen_checkpoints.py's description of a Python value (see its docstring)
type Desc = any;

const hexOf = (t: torch.Tensor): string => {
  if (t.numel() === 0) return "";
  const h = t.detach().cpu().contiguous()._host();
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("hex");
};
const floatOf = (s: string) => (s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));
const keyOf = (k: Desc): string => (k.str !== undefined ? k.str : k.int);

/**
 * Checks a loaded JS value against gen_checkpoints.py's description of what
 * PyTorch loaded. `storages` maps the description's storage numbers to the
 * memory the loaded tensors use, both ways (shared in PyTorch iff shared here).
 */
function check(d: Desc, v: unknown, at: string, storages: Map<number, unknown>, owners: Map<unknown, number>): void {
  if (d === null || typeof d === "boolean") return expect(v, at).toBe(d);
  if (d.int !== undefined) {
    expect(typeof v === "number" || typeof v === "bigint", at).toBe(true);
    return expect(String(v), at).toBe(d.int);
  }
  if (d.float !== undefined) return expect(Object.is(v, floatOf(d.float)), `${at}: ${String(v)} vs ${d.float}`).toBe(true);
  if (d.str !== undefined) return expect(v, at).toBe(d.str);
  if (d.dtype !== undefined) return expect((v as torch.DType).name, at).toBe(d.dtype);
  if (d.device !== undefined) return expect(String(v), at).toBe(d.device);
  if (d.list !== undefined) {
    expect(Array.isArray(v), at).toBe(true);
    expect((v as unknown[]).length, at).toBe(d.list.length);
    d.list.forEach((x: Desc, i: number) => check(x, (v as unknown[])[i], `${at}[${i}]`, storages, owners));
    return;
  }
  if (d.dict !== undefined) {
    const o = v as Record<string, unknown>;
    expect(Object.keys(o).sort(), at).toEqual(d.dict.map(([k]: [Desc]) => keyOf(k)).sort());
    for (const [k, x] of d.dict) check(x, o[keyOf(k)], `${at}[${JSON.stringify(keyOf(k))}]`, storages, owners);
    return;
  }
  const e = d.tensor;
  expect(v, at).toBeInstanceOf(torch.Tensor);
  const t = v as torch.Tensor;
  expect(t.dtype.name, at).toBe(e.dtype);
  expect([...t.shape], at).toEqual(e.shape);
  expect(t.requires_grad, at).toBe(e.requires_grad);
  expect(t instanceof torch.nn.Parameter, at).toBe(e.parameter);
  expect(hexOf(t), at).toBe(e.hex);
  if (t.device.type !== "cpu") return;
  expect(t.stride(), at).toEqual(e.stride);
  expect(t.storage_offset(), at).toBe(e.offset);
  const memory = (core.internals(t)._payload as { data: unknown }).data;
  if (!storages.has(e.storage)) storages.set(e.storage, memory);
  expect(storages.get(e.storage) === memory, `${at}: shares storage ${e.storage} as in PyTorch`).toBe(true);
  if (!owners.has(memory)) owners.set(memory, e.storage);
  expect(owners.get(memory), `${at}: a storage of its own as in PyTorch`).toBe(e.storage);
}
const checkLoaded = (d: Desc, v: unknown) => check(d, v, "obj", new Map(), new Map());

describe("files written by PyTorch's torch.save", () => {
  const expected: Record<string, Desc> = json("expected.json");
  it("the fixture set covers models, dtypes, views, optimizers, nesting, Parameters and protocol 4", () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(13);
  });
  it.each(Object.keys(expected))("%s loads as PyTorch loads it", (name) => {
    checkLoaded(expected[name], torch.load(path(`${name}.pt`)));
  });
  it.each(Object.keys(expected))('%s loads with map_location "xla": the same values', (name) => {
    checkLoaded(expected[name], torch.load(path(`${name}.pt`), { map_location: "xla" }));
  });

  it("loaded Parameters are leaves that differentiate (cpu and xla; and a float64 copy)", () => {
    for (const device of ["cpu", "xla"]) {
      const { p } = torch.load(path("parameters.pt"), device);
      const p64 = new torch.nn.Parameter(p.detach().to(torch.float64));
      for (const q of [p, p64]) {
        expect(q.is_leaf).toBe(true);
        q.mul(q).sum().backward();
        expect(q.grad.cpu().tolist()).toEqual(q.detach().mul(2).cpu().tolist());
      }
    }
  });

  it("bytes, positional and keyword map_location load the same", () => {
    const bytes = readFileSync(path("views.pt"));
    checkLoaded(expected.views, torch.load(bytes));
    checkLoaded(expected.views, torch.load(new Uint8Array(bytes).buffer, "cpu"));
    checkLoaded(expected.views, torch.load(path("views.pt"), { map_location: "cpu", weights_only: true }));
  });

  it('map_location "xla": the same values, and views of one storage stay views', () => {
    const v = torch.load(path("views.pt"), { map_location: "xla" });
    checkLoaded(expected.views, v);
    expect(v.t.device.type).toBe("xla");
    v.base.add_(1);
    expect(v.corner.cpu().tolist()[0]).toEqual([9, 10, 11, 12]);
  });

  it("views loaded on cpu share memory: an in-place change shows through all of them", () => {
    const v = torch.load(path("views.pt"));
    v.base.getitem(1).fill_(-1);
    expect(v.t.getitem(":", 1).tolist()).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(v.other.tolist()).toEqual([1, 1]);
  });

  it("a PyTorch state dict loads into the same xlatorch model; an Adam state dict into Adam", () => {
    const net = new torch.nn.Sequential(
      new torch.nn.Conv2d(2, 3, 3, { padding: 1 }),
      new torch.nn.BatchNorm2d(3),
      new torch.nn.ReLU(),
      new torch.nn.Flatten(),
      new torch.nn.Linear(48, 2),
    );
    net.load_state_dict(torch.load(path("conv_bn_state.pt")));
    expect(net.state_dict()["1.num_batches_tracked"]!.item()).toBe(2);
    const ck = torch.load(path("adam.pt"));
    const model = new torch.nn.Linear(3, 2);
    model.load_state_dict(ck.model);
    const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
    opt.load_state_dict(ck.optimizer);
    expect(opt.param_groups[0]!.lr).toBe(0.01);
    expect(ck.epoch).toBe(2);
  });
});

describe("files written by xlatorch, as PyTorch read them", () => {
  const read: Record<string, { weights_only: boolean; value: Desc }> = json("from_xlatorch.json");
  const objects = xlatorchObjects();

  it("PyTorch read every file, all but one with weights_only=True (1.13 has no BINFLOAT)", () => {
    expect(Object.keys(read).sort()).toEqual(Object.keys(objects).sort());
    expect(
      Object.entries(read)
        .filter(([, r]) => !r.weights_only)
        .map(([n]) => n),
    ).toEqual(["plain_values"]);
  });

  it.each(Object.keys(objects))("%s: torch.save writes the bytes PyTorch read, and xlatorch reads them as PyTorch did", (name) => {
    const [obj, zip64] = objects[name]!;
    const committed = readFileSync(path(`from_xlatorch/${name}.pt`));
    const bytes = saveTorchFormat(obj, zip64);
    expect(Buffer.from(bytes).equals(committed)).toBe(true);
    if (!zip64) {
      const chunks: Uint8Array[] = [];
      torch.save(obj, { write: (b: Uint8Array) => chunks.push(b) });
      expect(Buffer.from(chunks[0]!).equals(committed)).toBe(true);
    }
    // PyTorch's reading of the file is xlatorch's, and the values are the objects' own.
    const back = torch.load(committed, "cpu");
    checkLoaded(read[name]!.value, back);
  });
});

describe("malformed and malicious files", () => {
  const evil: Record<string, string[]> = json("evil.json");
  it("the catalogue has at least 20 files", () => {
    expect(Object.keys(evil).length).toBeGreaterThanOrEqual(20);
  });
  it.each(Object.keys(evil))("%s is refused with a clear error", (name) => {
    let err: unknown;
    let loaded: unknown;
    try {
      loaded = torch.load(path(`evil/${name}.pt`));
    } catch (e) {
      err = e;
    }
    expect(loaded).toBeUndefined();
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg.startsWith("torch.load: ")).toBe(true);
    expect(msg).toContain(`evil/${name}.pt`);
    for (const s of evil[name]!) expect(msg).toContain(s);
  });
  it('with map_location "xla" too', () => {
    expect(() => torch.load(path("evil/os_system.pt"), { map_location: "xla" })).toThrow(/unsupported global 'os\.system'/);
  });
  it("a CUDA checkpoint loads once map_location says where (positional, keyword, or a table)", () => {
    const p = path("evil/cuda_location.pt");
    for (const y of [
      torch.load(p, "cpu"),
      torch.load(p, { map_location: { cuda: "cpu" } }),
      torch.load(p, { map_location: { "cuda:0": "xla" } }),
    ])
      expect(y.tolist()).toEqual([0, 0, 0, 0]);
  });
  it("a bad map_location is refused even for a file without tensors", () => {
    expect(() => torch.load(path("evil/os_system.pt"), { map_location: 5 as never })).toThrow(/map_location must be a device/);
  });
});

describe("round trips", () => {
  it("complex64/complex128, views of them included, on cpu", () => {
    const z = core.fromHost(new Float32Array([1, 2, 3, 4, 5, 6]), [3], torch.complex64, torch.device("cpu"));
    const w = core.fromHost(new Float64Array([1, -1, 0.5, 2]), [2, 1], torch.complex128, torch.device("cpu"));
    const chunks: Uint8Array[] = [];
    torch.save({ z, tail: z.getitem("1:"), w: w.t() }, { write: (b: Uint8Array) => chunks.push(b) });
    const y = torch.load(chunks[0]!);
    expect(hexOf(y.z)).toBe(hexOf(z));
    expect(hexOf(y.tail)).toBe(hexOf(z.getitem("1:")));
    expect(y.tail.storage_offset()).toBe(1);
    expect(hexOf(y.w)).toBe(hexOf(w.t()));
  });
  it("the earlier XLTC format still loads, and cannot hold complex tensors", () => {
    const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    const y = torch.load(saveXltc({ x, n: 1 }));
    expect(y.x.tolist()).toEqual(x.tolist());
    expect(y.n).toBe(1);
    const z = core.fromHost(new Float32Array([1, 2]), [1], torch.complex64, torch.device("cpu"));
    expect(() => saveXltc(z)).toThrow(/XLTC\) format cannot hold complex64/);
  });
  it("ZIP64 records and end records read back", () => {
    const obj = { w: torch.arange(100, { dtype: torch.float64 }), s: "x" };
    const y = torch.load(saveTorchFormat(obj, true));
    expect(y.w.tolist()).toEqual(obj.w.tolist());
  });
  it("record data is 64-byte aligned, as PyTorch writes it", () => {
    const bytes = saveTorchFormat({ a: torch.ones(3), b: torch.zeros(5, { dtype: torch.int64 }) });
    const text = Buffer.from(bytes).toString("latin1");
    for (const key of ["0", "1"]) {
      const at = text.indexOf(`archive/data/${key}FB`);
      const extra = bytes[at + `archive/data/${key}`.length + 2]! | (bytes[at + `archive/data/${key}`.length + 3]! << 8);
      expect((at + `archive/data/${key}`.length + 4 + extra) % 64).toBe(0);
    }
  });
  it("a Map with a tensor key cannot be written as a Python dict", () => {
    expect(() => saveTorchFormat(new Map([[torch.ones(1), 1]]))).toThrow(/Map key .* is a tensor/);
  });
});
