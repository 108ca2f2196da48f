// torch.save / torch.load: every dtype bit-exact, shapes and strides, devices
// and map_location, state dicts of a model and an optimizer, object and
// storage aliasing, and the errors for foreign, corrupted and unsupported input.
// torch.save writes PyTorch's format (tests/checkpoints_pytorch.test.ts checks
// it against PyTorch); the earlier XLTC format, which torch.load still reads,
// is written here with saveXltc.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import * as core from "@xlatorch/core";
import { saveXltc } from "../packages/xlatorch/src/serialization/index.js";

const dir = mkdtempSync(join(tmpdir(), "xlatorch-ser-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = () => join(dir, `ckpt${n++}.pt`);

/** Through the earlier XLTC format, which keeps what Python has no type for (undefined, Maps with any keys). */
const xltcRoundTrip = <T>(obj: T): T => torch.load(saveXltc(obj));

/** save to bytes through a writable, then load from them. */
function roundTrip<T>(obj: T, map_location?: torch.DeviceLike): T {
  const chunks: Uint8Array[] = [];
  torch.save(obj, { write: (b: Uint8Array) => chunks.push(b) });
  expect(chunks.length).toBe(1);
  return torch.load(chunks[0]!, map_location);
}
function toBytes(obj: unknown): Uint8Array {
  let out!: Uint8Array;
  torch.save(obj, {
    write: (b: Uint8Array) => {
      out = b;
    },
  });
  return out;
}
/** The raw bytes of a tensor's contiguous host values. */
const bits = (t: torch.Tensor) => {
  const h = t._host();
  return [...new Uint8Array(h.buffer, h.byteOffset, h.byteLength)];
};
const fromBits = (a: torch.HostArray, shape: number[], dtype: torch.DType, device: torch.DeviceLike = "cpu") =>
  core.fromHost(a, shape, dtype, torch.device(device));

const SPECIAL = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-3, 65504, 6e-8];

describe.each(["cpu", "xla"])("tensors on %s", (device) => {
  const cases: [torch.DType, () => torch.Tensor][] = [
    [torch.float32, () => torch.tensor([...SPECIAL, 3.4e38, 1.4e-45], { dtype: torch.float32, device })],
    [torch.float64, () => torch.tensor([...SPECIAL, Number.MAX_VALUE, 5e-324], { dtype: torch.float64, device })],
    [
      torch.float16,
      () =>
        fromBits(new Uint16Array([0x0000, 0x8000, 0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x7d01, 0x0001, 0x7bff]), [3, 3], torch.float16, device),
    ],
    [
      torch.bfloat16,
      () =>
        fromBits(new Uint16Array([0x3f80, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0x7fc1, 0xffff, 0x0001, 0x4049]), [9], torch.bfloat16, device),
    ],
    [torch.int8, () => torch.tensor([-128, 127, 0, -1], { dtype: torch.int8, device })],
    [torch.uint8, () => torch.tensor([0, 255, 128], { dtype: torch.uint8, device })],
    [torch.int16, () => torch.tensor([-32768, 32767, -1], { dtype: torch.int16, device })],
    [torch.int32, () => torch.tensor([-2147483648, 2147483647, 7], { dtype: torch.int32, device })],
    [
      torch.int64,
      () =>
        fromBits(
          new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 53n) - 3n, 0n, -1n]),
          [2, 3],
          torch.int64,
          device,
        ),
    ],
    [torch.bool, () => torch.tensor([true, false, true], { dtype: torch.bool, device })],
  ];

  it.each(cases)("%s round-trips bit-exactly, with shape, dtype and device", (dtype, make) => {
    const x = make();
    const y = roundTrip(x);
    expect(y).toBeInstanceOf(torch.Tensor);
    expect(y.dtype).toBe(dtype);
    expect([...y.shape]).toEqual([...x.shape]);
    expect(y.device.type).toBe(device);
    expect(bits(y)).toEqual(bits(x));
  });

  it("int64 beyond 2^53 survives exactly", () => {
    const y = roundTrip(fromBits(new BigInt64Array([2n ** 53n + 1n, 2n ** 62n + 12345n]), [2], torch.int64, device));
    expect(y.tolist()).toEqual([2n ** 53n + 1n, 2n ** 62n + 12345n]);
  });

  it("0-dim and empty tensors", () => {
    const s = roundTrip(torch.tensor(3.5, { device }));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3.5);
    const e = roundTrip({ a: torch.zeros([0, 3], { device }), b: torch.empty(0, { dtype: torch.int64, device }) });
    expect(e.a.shape).toEqual([0, 3]);
    expect(e.b.shape).toEqual([0]);
    expect(e.b.dtype).toBe(torch.int64);
  });

  it("non-contiguous tensors are saved contiguous, with their values", () => {
    const base = torch.arange(24, { dtype: torch.float32, device }).reshape(2, 3, 4);
    const t = base.permute(2, 0, 1);
    const sl = base.getitem(":", 1, "::2");
    if (device === "cpu") expect(t.is_contiguous()).toBe(false);
    for (const v of [t, sl]) {
      const y = roundTrip(v);
      expect(y.tolist()).toEqual(v.tolist());
      expect(y.is_contiguous()).toBe(true);
      expect(y.stride()).toEqual(torch.empty(v.shape).stride());
    }
    // only the values are written: a view of a big tensor costs its own size
    expect(toBytes(base.getitem(0, 0, 0)).length).toBeLessThan(toBytes(base).length - 80);
  });

  it("requires_grad and nn.Parameter are restored", () => {
    const p = new torch.nn.Parameter(torch.ones(2, { device }));
    const g = torch.ones(2, { device, requires_grad: true });
    const y = roundTrip({ p, g, plain: torch.ones(2, { device }) });
    expect(y.p).toBeInstanceOf(torch.nn.Parameter);
    expect(y.p.requires_grad).toBe(true);
    expect(y.g).not.toBeInstanceOf(torch.nn.Parameter);
    expect(y.g.requires_grad).toBe(true);
    expect(y.g.is_leaf).toBe(true);
    expect(y.plain.requires_grad).toBe(false);
  });

  it("pending lazy work is read at save (a sync point)", () => {
    const x = torch.tensor([1, 2, 3], { device }).mul(2).add(1);
    expect(roundTrip(x).tolist()).toEqual([3, 5, 7]);
  });
});

describe("map_location", () => {
  it("'cpu', 'xla', a device, and a table by saved device", () => {
    const obj = { a: torch.tensor([1, 2], { device: "xla" }), b: torch.tensor([3], { device: "cpu" }) };
    const bytes = toBytes(obj);
    const same = torch.load(bytes);
    expect([same.a.device.type, same.b.device.type]).toEqual(["xla", "cpu"]);
    const cpu = torch.load(bytes, "cpu");
    expect([cpu.a.device.type, cpu.b.device.type]).toEqual(["cpu", "cpu"]);
    const xla = torch.load(bytes, { map_location: torch.device("xla") });
    expect([xla.a.device.type, xla.b.device.type]).toEqual(["xla", "xla"]);
    const table = torch.load(bytes, { map_location: { xla: "cpu", cpu: "xla" } });
    expect([table.a.device.type, table.b.device.type]).toEqual(["cpu", "xla"]);
    expect(table.a.tolist()).toEqual([1, 2]);
    expect(table.b.tolist()).toEqual([3]);
  });

  it("rejects unknown devices and options", () => {
    const bytes = toBytes(torch.ones(1));
    expect(() => torch.load(bytes, "cuda")).toThrow(/device type/);
    expect(() => torch.load(bytes, { map_location: "cpu", mmap: true } as any)).toThrow(/unexpected keyword argument 'mmap'/);
    expect(torch.load(bytes, { weights_only: true }).tolist()).toEqual([1]);
  });
});

describe("state dicts", () => {
  const net = () => new torch.nn.Sequential(new torch.nn.Linear(4, 3), new torch.nn.ReLU(), new torch.nn.Linear(3, 2));

  it.each(["cpu", "xla"])("a model's state_dict through a file into a fresh model (%s)", (device) => {
    torch.manual_seed(0);
    const model = net().to(device);
    const path = tmp();
    torch.save(model.state_dict(), path);
    const sd = torch.load(path);
    expect(Object.keys(sd)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(sd["0.weight"].device.type).toBe(device);
    const fresh = net().to(device);
    expect(fresh.load_state_dict(sd)).toEqual({ missing_keys: [], unexpected_keys: [] });
    const x = torch.randn(5, 4, { device });
    expect(fresh(x).tolist()).toEqual(model(x).tolist());
  });

  it("an Adam state_dict after a step, resumed: the next step matches", () => {
    torch.manual_seed(1);
    const x = torch.randn(8, 4),
      target = torch.randn(8, 2);
    const train = (m: torch.nn.Module, opt: torch.optim.Optimizer) => {
      opt.zero_grad();
      torch.nn.functional.mse_loss(m(x), target).backward();
      opt.step();
    };
    const model = net();
    const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01, betas: [0.8, 0.99] });
    train(model, opt);
    const path = tmp();
    torch.save({ model: model.state_dict(), optimizer: opt.state_dict(), epoch: 1 }, path);

    const ck = torch.load(path);
    expect(ck.epoch).toBe(1);
    expect(ck.optimizer.param_groups[0].betas).toEqual([0.8, 0.99]);
    expect(ck.optimizer.param_groups[0].params).toEqual([0, 1, 2, 3]);
    expect(ck.optimizer.param_groups[0].foreach).toBeNull();
    expect(ck.optimizer.state[0].step.item()).toBe(1);
    expect(ck.optimizer.state[0].exp_avg.tolist()).toEqual(opt.state_dict().state[0]!.exp_avg.tolist());

    const model2 = net();
    model2.load_state_dict(ck.model);
    const opt2 = new torch.optim.Adam(model2.parameters(), { lr: 0.5 });
    opt2.load_state_dict(ck.optimizer);
    expect(opt2.param_groups[0]!.lr).toBe(0.01);
    train(model, opt);
    train(model2, opt2);
    const a = model.state_dict(),
      b = model2.state_dict();
    for (const k of Object.keys(a)) expect(b[k]!.tolist()).toEqual(a[k]!.tolist());
  });

  it("keep_vars state dicts load as Parameters", () => {
    const sd = roundTrip(net().state_dict({ keep_vars: true }));
    expect(sd["0.weight"]).toBeInstanceOf(torch.nn.Parameter);
    expect(sd["0.weight"].requires_grad).toBe(true);
  });
});

describe("aliasing", () => {
  it("an object referenced twice loads as one object; cycles survive", () => {
    const t = torch.tensor([1, 2]);
    const shared = [1, "two"];
    const o: any = { a: t, b: t, list: [t], s1: shared, s2: shared };
    o.self = o;
    const y = roundTrip(o);
    expect(y.a).toBe(y.b);
    expect(y.list[0]).toBe(y.a);
    expect(y.s1).toBe(y.s2);
    expect(y.self).toBe(y);
  });

  it("a Parameter and its detach() (tied weights) share one storage and stay aliased", () => {
    const p = new torch.nn.Parameter(torch.zeros(1000));
    const path1 = tmp(),
      path2 = tmp();
    torch.save({ p }, path1);
    torch.save({ p, tied: p.detach(), again: p.detach() }, path2);
    expect(statSync(path2).size - statSync(path1).size).toBeLessThan(400);
    const y = torch.load(path2);
    expect(y.tied).not.toBe(y.again);
    torch.no_grad(() => y.p.add_(1));
    expect(y.tied.sum().item()).toBe(1000);
    expect(y.again.getitem(0).item()).toBe(1);
    expect(y.tied._version).toBe(y.p._version);
  });

  it.each(["cpu", "xla"])("cpu views of one tensor are saved once and load as views (onto %s)", (to) => {
    const x = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
    const obj = { x, xt: x.T, row: x.getitem(1), col: x.getitem(":", 2) };
    const alone = toBytes({ x }).length,
      all = toBytes(obj).length;
    expect(all - alone).toBeLessThan(600); // the views add metadata, not values
    const y = roundTrip(obj, to);
    expect(y.xt.tolist()).toEqual(x.T.tolist());
    expect(y.row.tolist()).toEqual([4, 5, 6, 7]);
    expect(y.col.tolist()).toEqual([2, 6, 10]);
    y.row.mul_(10);
    expect(y.x.tolist()).toEqual([
      [0, 1, 2, 3],
      [40, 50, 60, 70],
      [8, 9, 10, 11],
    ]);
    expect(y.xt.getitem(1).tolist()).toEqual([1, 50, 9]);
    expect(y.col.tolist()).toEqual([2, 60, 10]);
  });

  it("small views of a large tensor are saved alone, not with the whole", () => {
    const big = torch.zeros(10000);
    const a = big.getitem(":2"),
      b = big.getitem("9998:");
    expect(toBytes({ a, b }).length).toBeLessThan(1000);
    expect(roundTrip({ a, b }).b.shape).toEqual([2]);
  });
});

describe("values other than tensors", () => {
  it("numbers (NaN, -0, infinities), bigints, strings, booleans, null/undefined, dtypes, devices, Maps", () => {
    const m = new Map<unknown, unknown>([
      ["k", 1],
      [2, "two"],
      [torch.float16, null],
    ]);
    const obj = {
      nums: [NaN, -0, Infinity, -Infinity, 0.1, -1e308, 5e-324],
      big: [2n ** 100n, -(2n ** 70n), 0n],
      str: ["", "héllo ✓ 🤖"],
      flags: [true, false],
      none: null,
      undef: undefined,
      dtype: torch.bfloat16,
      device: torch.device("xla:1"),
      m,
      empty: {},
      nested: [[[]]],
      ["__proto__"]: 5,
    } as Record<string, unknown>;
    const y = xltcRoundTrip(obj) as any;
    expect(y.nums).toEqual([NaN, -0, Infinity, -Infinity, 0.1, -1e308, 5e-324]);
    expect(Object.is(y.nums[1], -0)).toBe(true);
    expect(y.big).toEqual([2n ** 100n, -(2n ** 70n), 0n]);
    expect(y.str).toEqual(["", "héllo ✓ 🤖"]);
    expect(y.flags).toEqual([true, false]);
    expect(y.none).toBeNull();
    expect("undef" in y && y.undef === undefined).toBe(true);
    expect(y.dtype).toBe(torch.bfloat16);
    expect(y.device.toString()).toBe("xla:1");
    expect([...y.m.entries()]).toEqual([
      ["k", 1],
      [2, "two"],
      [torch.float16, null],
    ]);
    expect(Object.getPrototypeOf(y)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(y, "__proto__")?.value).toBe(5);
    expect(y.nested).toEqual([[[]]]);
    expect(roundTrip(42)).toBe(42);
    expect(roundTrip(null)).toBeNull();

    // PyTorch's format holds Python values: undefined is None, a bigint is an int (small
    // ones load as numbers), a Map is a dict (a plain object when its keys are strings or ints).
    const p = roundTrip(obj) as any;
    expect(p.nums).toEqual([NaN, -0, Infinity, -Infinity, 0.1, -1e308, 5e-324]);
    expect(Object.is(p.nums[1], -0)).toBe(true);
    expect(p.big).toEqual([2n ** 100n, -(2n ** 70n), 0]);
    expect([p.str, p.flags, p.none, p.undef]).toEqual([["", "héllo ✓ 🤖"], [true, false], null, null]);
    expect(p.dtype).toBe(torch.bfloat16);
    expect(p.device.toString()).toBe("xla:1");
    expect([...p.m.entries()]).toEqual([
      ["k", 1],
      [2, "two"],
      [torch.float16, null],
    ]);
    expect(
      roundTrip(
        new Map<unknown, unknown>([
          ["a", 1],
          [2, 3],
        ]),
      ),
    ).toEqual({ a: 1, 2: 3 });
    expect(Object.getOwnPropertyDescriptor(p, "__proto__")?.value).toBe(5);
    expect([p.empty, p.nested]).toEqual([{}, [[[]]]]);
  });

  it("Maps keyed by tensors (an optimizer's state) keep the key identity", () => {
    const p = torch.ones(2);
    const y = xltcRoundTrip({ params: [p], state: new Map([[p, { step: 3 }]]) });
    expect(y.state.get(y.params[0])).toEqual({ step: 3 });
    // a Python dict cannot have tensor keys
    expect(() => toBytes(new Map([[p, 1]]))).toThrow(/Map key .* is a tensor/);
  });
});

describe("files and errors", () => {
  it("paths, URLs, Buffers and ArrayBuffers", () => {
    const path = tmp();
    torch.save({ w: torch.ones(3) }, path);
    const buf = readFileSync(path);
    expect(torch.load(path).w.tolist()).toEqual([1, 1, 1]);
    expect(torch.load(new URL(`file://${path}`)).w.tolist()).toEqual([1, 1, 1]);
    expect(torch.load(buf).w.tolist()).toEqual([1, 1, 1]);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    expect(torch.load(ab).w.tolist()).toEqual([1, 1, 1]);
    expect([...buf.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // "PK\x03\x04": PyTorch's zip format
    const xltc = tmp();
    writeFileSync(xltc, saveXltc({ w: torch.ones(3) }));
    expect(torch.load(xltc).w.tolist()).toEqual([1, 1, 1]);
  });

  it("unsupported values name where they are", () => {
    expect(() => toBytes({ a: [1, { b: new Set([1]) }] })).toThrow(/cannot save an object of type Set at obj\["a"\]\[1\]\["b"\]/);
    expect(() => toBytes({ m: new torch.nn.Linear(2, 2) })).toThrow(/state_dict\(\)/);
    expect(() => toBytes(() => 1)).toThrow(/a value of type function at obj/);
    expect(() => torch.save({}, 42 as any)).toThrow(/expected 'f' to be a path/);
    const t = torch.ones(1);
    t.dispose();
    expect(() => toBytes([t])).toThrow(/obj\[0\] was disposed/);
  });

  it("a foreign file is refused with its path and what was expected", () => {
    const text = tmp(),
      zip = tmp(),
      pickle = tmp(),
      empty = tmp();
    writeFileSync(text, "hello, not a checkpoint");
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]));
    writeFileSync(pickle, Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20]));
    writeFileSync(empty, "");
    expect(() => torch.load(text)).toThrow(
      `torch.load: '${text}': expected a checkpoint written by torch.save: PyTorch's zip format (starting "PK\\x03\\x04"), its legacy format (a pickle of its magic number) or xlatorch's earlier format (identifier "XLTC" at bytes 4-7), but the file starts with bytes 68 65 6c 6c 6f 2c 20 6e`,
    );
    expect(() => torch.load(zip)).toThrow(
      `torch.load: '${zip}': the zip archive is corrupted or truncated: no end-of-central-directory record`,
    );
    expect(() => torch.load(pickle)).toThrow(/a Python pickle without PyTorch's magic number/);
    expect(() => torch.load(empty)).toThrow(/the file is empty/);
    expect(() => torch.load(new Uint8Array(3))).toThrow(/the given 3-byte buffer: expected a checkpoint written by torch.save/);
  });

  it("another format version is refused", () => {
    const bytes = saveXltc(torch.ones(2)).slice();
    const dv = new DataView(bytes.buffer);
    const root = dv.getUint32(0, true),
      vt = root - dv.getInt32(root, true);
    dv.setUint32(root + dv.getUint16(vt + 4, true), 2, true); // Checkpoint.version
    const path = tmp();
    writeFileSync(path, bytes);
    expect(() => torch.load(path)).toThrow(
      `torch.load: '${path}': the xlatorch checkpoint has format version 2, but this xlatorch reads version 1 (it was written by a newer xlatorch; upgrade to read it)`,
    );
  });

  it("PyTorch's format: every truncation and bit flip fails with a torch.load error or loads the same value", () => {
    const obj = {
      w: torch.arange(6, { dtype: torch.float32 }),
      t: torch.tensor([1, 2], { dtype: torch.int64 }),
      note: "x",
      n: [1.5, null],
    };
    const bytes = toBytes(obj);
    for (let cut = 0; cut < bytes.length; cut++) expect(() => torch.load(bytes.subarray(0, cut))).toThrow(/^torch\.load: the given/);
    let refused = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const c = bytes.slice();
        c[i]! ^= bit;
        let y: typeof obj;
        try {
          y = torch.load(c);
        } catch (e) {
          expect((e as Error).message).toMatch(/^torch\.load: the given \d+-byte buffer: /);
          refused++;
          continue;
        }
        // a flip in a field the reader does not use (a date, the padding, the local header's copies of the sizes)
        expect([y.w.tolist(), y.t.tolist(), y.note, y.n]).toEqual([obj.w.tolist(), obj.t.tolist(), obj.note, obj.n]);
      }
    }
    expect(refused).toBeGreaterThan(bytes.length); // most flips are caught
  });

  it("truncation and corruption of the XLTC format are detected", () => {
    const bytes = saveXltc({ w: torch.arange(100, { dtype: torch.float32 }), note: "x" });
    const path = tmp();
    writeFileSync(path, bytes.subarray(0, bytes.length - 50));
    expect(() => torch.load(path)).toThrow(
      new RegExp(
        `^torch.load: '${path}': the xlatorch checkpoint is corrupted or truncated: its CRC-32 is 0x[0-9a-f]{8}, but 0x[0-9a-f]{8} was written$`,
      ),
    );
    const flipped = bytes.slice();
    flipped[flipped.length - 100]! ^= 0x10; // inside the tensor data, which is written first and so sits at the end
    expect(() => torch.load(flipped)).toThrow(/corrupted or truncated: its CRC-32/);
    // every truncation and every single-bit flip fails with a torch.load error, never a wrong value
    for (let cut = 0; cut < bytes.length; cut += 3) expect(() => torch.load(bytes.subarray(0, cut))).toThrow(/^torch\.load: the given/);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const c = bytes.slice();
        c[i]! ^= bit;
        expect(() => torch.load(c)).toThrow(
          /^torch\.load: the given \d+-byte buffer: (the xlatorch checkpoint|expected a checkpoint|the zip archive)/,
        );
      }
    }
  });
});

// scripts/export_state_dict.py's output for this PyTorch 1.13 checkpoint (its bytes, base64):
//   torch.manual_seed(0)
//   model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
//   torch.save({"model": model.state_dict(), "step": 7, "big": 2**60 + 1,
//               "bf16": torch.tensor([1.5, -0.0, float("nan")], dtype=torch.bfloat16),
//               "i64": torch.tensor([2**62 + 1, -5]), "tied": [model[2].bias, model[2].bias.detach()]}, "ck.pt")
//   python3 scripts/export_state_dict.py --unsafe ck.pt ck.xlt
// and model(x) there, for x = torch.linspace(-1, 1, 8).reshape(2, 4).
const FROM_PYTORCH =
  "IAAAAFhMVEMAAAAAAAAAAAAADgAYABQAEAAMAAgABAAOAAAA1MfWuBAAAAAoAAAAAAAAAAEAAAAGAAAA1AYAAKAGAABsBgAASAYAACQGAADwBQ" +
  "AADQAAAFgFAADUBAAASAQAAMQDAAAwAwAArAIAAIACAABMAgAA0AEAAEwBAAAcAQAAnAAAABgAAAAAABIADgAHAAAAAAAAAAAAAAAIABIAAAAA" +
  "AAAJGAAAAAAAEgAkABQAGAAQAAwACAAHAAYAEgAAAAAAAAAcAAAAIAAAACwAAAADAAAAAAAAAAAAAAAAAAAAAwAAAGNwdQABAAAAAQAAAAAAAA" +
  "AAAAAAAQAAAAIAAAAAAAAAAAAAAAAAEgAOAAcAAAAAAAAAAAAAAAgAEgAAAAAAAAkYAAAAAAASACQAFAAYABAADAAIAAcABgASAAAAAAABARwA" +
  "AAAgAAAALAAAAAMAAAAAAAAAAAAAAAAAAAADAAAAY3B1AAEAAAABAAAAAAAAAAAAAAABAAAAAgAAAAAAAAAAAAAAEAAMAAcAAAAAAAAAAAAIAB" +
  "AAAAAAAAAGBAAAAAIAAAALAAAADAAAAAAAEgAOAAcAAAAAAAAAAAAAAAgAEgAAAAAAAAkYAAAAAAASACQAFAAYABAADAAIAAcABgASAAAAAAAA" +
  "ABwAAAAgAAAALAAAAAUAAAAAAAAAAAAAAAAAAAADAAAAY3B1AAEAAAABAAAAAAAAAAAAAAABAAAAAgAAAAAAAAAAAAAAAAASAA4ABwAAAAAAAA" +
  "AAAAAACAASAAAAAAAACRgAAAAAABIAJAAUABgAEAAMAAgABwAGABIAAAAAAAAAHAAAACAAAAAsAAAABAAAAAAAAAAAAAAAAAAAAAMAAABjcHUA" +
  "AQAAAAEAAAAAAAAAAAAAAAEAAAADAAAAAAAAAAAAAAAMAAwABwAAAAAACAAMAAAAAAAABAQAAAATAAAAMTE1MjkyMTUwNDYwNjg0Njk3NwAAAA" +
  "oAFgAHAAAACAAKAAAAAAAAAwAAAAAAABxAAAAAAAAAEgAOAAcAAAAAAAAAAAAAAAgAEgAAAAAAAAkYAAAAAAASACQAFAAYABAADAAIAAcABgAS" +
  "AAAAAAAAABwAAAAgAAAALAAAAAMAAAAAAAAAAAAAAAAAAAADAAAAY3B1AAEAAAABAAAAAAAAAAAAAAABAAAAAgAAAAAAAAAAAAAAAAASAA4ABw" +
  "AAAAAAAAAAAAAACAASAAAAAAAACRgAAAAAABIAJAAUABgAEAAMAAgABwAGABIAAAAAAAAAHAAAACAAAAA0AAAAAgAAAAAAAAAAAAAAAAAAAAMA" +
  "AABjcHUAAgAAAAMAAAAAAAAAAQAAAAAAAAAAAAAAAgAAAAIAAAAAAAAAAwAAAAAAAAAAAAAAAAASAA4ABwAAAAAAAAAAAAAACAASAAAAAAAACR" +
  "gAAAAAABIAJAAUABgAEAAMAAgABwAGABIAAAAAAAAAHAAAACAAAAAsAAAAAQAAAAAAAAAAAAAAAAAAAAMAAABjcHUAAQAAAAEAAAAAAAAAAAAA" +
  "AAEAAAADAAAAAAAAAAAAAAAAABIADgAHAAAAAAAAAAAAAAAIABIAAAAAAAAJGAAAAAAAEgAkABQAGAAQAAwACAAHAAYAEgAAAAAAAAAcAAAAIA" +
  "AAADQAAAAAAAAAAAAAAAAAAAAAAAAAAwAAAGNwdQACAAAABAAAAAAAAAABAAAAAAAAAAAAAAACAAAAAwAAAAAAAAAEAAAAAAAAABAAEAAHAAAA" +
  "AAAAAAwACAAQAAAAAAAABwgAAAAYAAAABAAAAAIAAAADAAAABAAAAAUAAAAEAAAAOAAAACgAAAAUAAAABAAAAAYAAAAyLmJpYXMAAAgAAAAyLn" +
  "dlaWdodAAAAAAGAAAAMC5iaWFzAAAIAAAAMC53ZWlnaHQAAAAAEAAQAAcAAAAAAAAADAAIABAAAAAAAAAHCAAAACAAAAAGAAAAAQAAAAYAAAAH" +
  "AAAACAAAAAkAAAAKAAAABgAAAEwAAAA8AAAAMAAAACAAAAAUAAAABAAAAAQAAAB0aWVkAAAAAAMAAABpNjQABAAAAGJmMTYAAAAAAwAAAGJpZw" +
  "AEAAAAc3RlcAAAAAAFAAAAbW9kZWwAAAAIAAwABwAIAAgAAAAAAAAIBAAAABAAAAABAAAAAAAAQPv/////////AAAAAAAAAAAIAAwABwAIAAgA" +
  "AAAAAAADBAAAAAYAAADAPwCAwH8AAAgADAAHAAgACAAAAAAAAAAEAAAACAAAACd39T5DV/O9CAAMAAcACAAIAAAAAAAAAAQAAAAYAAAACDSvPI" +
  "25aT5mXrE+0mbIvmm5gL6DvFY+CAAMAAcACAAIAAAAAAAAAAQAAAAMAAAAuJH0vlKLqb7oDlO+AAAAAAAAAAAAAAAACAAMAAcACAAIAAAAAAAA" +
  "AAQAAAAwAAAAAFR1u15UiT4Ws9K+gGa8vvQyRb7sSwk+QE8ivM76yj5wvzW9THsHPqy7Gr5wSMm9";
const PYTORCH_Y = [
  [0.47942468523979187, -0.11881878226995468],
  [0.4995512366294861, -0.14098821580410004],
];

describe("weights from PyTorch (scripts/export_state_dict.py)", () => {
  it("load into the same model and give PyTorch's outputs", () => {
    const ck = torch.load(Buffer.from(FROM_PYTORCH, "base64"));
    expect(Object.keys(ck)).toEqual(["model", "step", "big", "bf16", "i64", "tied"]);
    expect([ck.step, ck.big]).toEqual([7, 2n ** 60n + 1n]);
    expect(bits(ck.bf16)).toEqual([0xc0, 0x3f, 0x00, 0x80, 0xc0, 0x7f]);
    expect(ck.i64.tolist()).toEqual([2n ** 62n + 1n, -5]);
    const model = new torch.nn.Sequential(new torch.nn.Linear(4, 3), new torch.nn.ReLU(), new torch.nn.Linear(3, 2));
    model.load_state_dict(ck.model);
    expect(model(torch.linspace(-1, 1, 8).reshape(2, 4)).tolist()).toEqual(PYTORCH_Y);
    // the bias, its detach() and the state dict's entry were one memory in PyTorch, and still are
    expect(ck.tied[0]).toBeInstanceOf(torch.nn.Parameter);
    torch.no_grad(() => ck.tied[0].add_(1));
    expect(ck.tied[1].tolist()).toEqual(ck.tied[0].tolist());
    expect(ck.model["2.bias"].tolist()).toEqual(ck.tied[0].tolist());
  });
});
