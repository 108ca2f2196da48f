// Safetensors: files written byte by byte from the format's specification by
// tests/fixtures/gen_safetensors.py (values from PyTorch 1.13), loaded on cpu
// and xla with identical values; save() reproducing the generator's bytes;
// round trips; and every malformed file refused with a message naming the op.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { SafetensorError, load, load_file, save, save_file } from "xlatorch/safetensors";

interface TensorCase {
  dtype: string;
  shape: number[];
  values: unknown[];
}
interface ValidCase {
  file: string;
  canonical: boolean;
  metadata: Record<string, string> | null;
  tensors: Record<string, TensorCase>;
  mlp?: { input: number[][]; output: number[][] };
}
const dir = new URL("./fixtures/safetensors/", import.meta.url);
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/safetensors.json", import.meta.url), "utf8")) as {
  valid: ValidCase[];
  malformed: { file: string; error: string }[];
};
const pathOf = (f: string) => new URL(f, dir).pathname;
const bytesOf = (f: string) => new Uint8Array(readFileSync(pathOf(f)));
const tmp = mkdtempSync(join(tmpdir(), "xlatorch-safetensors-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Values as the fixture writes them: NaN and infinities as strings, int64 as strings, complex as [re, im]. */
function flatValues(t: torch.Tensor): unknown[] {
  const flat = t.reshape(-1).tolist() as unknown[];
  const int64 = t.dtype === torch.int64;
  return flat.map((v) => {
    if (int64) return String(v);
    if (typeof v === "object" && v !== null) return [(v as { re: number }).re, (v as { im: number }).im];
    if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    return v;
  });
}

function expectTensors(got: Record<string, torch.Tensor>, want: Record<string, TensorCase>, device: string) {
  // As sets: an object lists integer-like names ("2", "10") first, whatever order they were added in.
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    const t = got[name]!;
    expect(String(t.dtype), name).toBe(`torch.${w.dtype}`);
    expect([...t.shape], name).toEqual(w.shape);
    expect(t.device.type, name).toBe(device);
    expect(flatValues(t), name).toEqual(w.values);
  }
}
describe.each(["cpu", "xla"])("safetensors fixtures on %s", (device) => {
  for (const c of fixtures.valid) {
    it(`load_file ${c.file} (positional and keyword device)`, () => {
      expectTensors(load_file(pathOf(c.file), device), c.tensors, device);
      expectTensors(load_file(pathOf(c.file), { device }), c.tensors, device);
    });
    if (c.canonical) {
      it(`save() of ${c.file}'s tensors gives the generator's bytes`, () => {
        const tensors = load_file(pathOf(c.file), { device });
        expect(save(tensors, c.metadata)).toEqual(bytesOf(c.file));
        expect(save(tensors, { metadata: c.metadata })).toEqual(bytesOf(c.file));
        const out = join(tmp, `${device}_${c.file}`);
        save_file(tensors, out, c.metadata);
        expect(new Uint8Array(readFileSync(out))).toEqual(bytesOf(c.file));
      });
    }
  }

  it("model.load_state_dict(load_file(path)) computes PyTorch's output", () => {
    const c = fixtures.valid.find((v) => v.mlp)!;
    const { nn } = torch;
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2)).to(device);
    model.load_state_dict(load_file(pathOf(c.file), { device }));
    const y = model(torch.tensor(c.mlp!.input, { device }));
    torch.testing.assert_close(y.cpu(), torch.tensor(c.mlp!.output), { rtol: 1e-6, atol: 1e-6 });
  });

  it("round trips every dtype, from an object and from a Map", () => {
    torch.manual_seed(1);
    const tensors: Record<string, torch.Tensor> = {
      b: torch.tensor([true, false, true], { device }),
      u8: torch.tensor([0, 7, 255], { dtype: torch.uint8, device }),
      i8: torch.tensor([-5, 6], { dtype: torch.int8, device }),
      i16: torch.tensor([[-300], [300]], { dtype: torch.int16, device }),
      i32: torch.arange(6, { dtype: torch.int32, device }).reshape(2, 3),
      i64: torch.tensor([-(2n ** 62n), 2n ** 62n], { dtype: torch.int64, device }),
      f16: torch.randn(4, { device }).to(torch.float16),
      bf16: torch.randn(2, 2, { device }).to(torch.bfloat16),
      f32: torch.randn(3, 2, { device }).t(), // a non-contiguous view: saved as its values
      f64: torch.randn(2, { dtype: torch.float64, device }),
      c64: torch.complex(torch.randn(3, { device }), torch.randn(3, { device })),
      empty: torch.zeros(2, 0, { device }),
      scalar: torch.tensor(7.5, { device }),
    };
    for (const input of [tensors, new Map(Object.entries(tensors))]) {
      const back = load(save(input, { note: "round trip" }));
      expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
      for (const [k, t] of Object.entries(tensors)) {
        expect(String(back[k]!.dtype), k).toBe(String(t.dtype));
        expect([...back[k]!.shape], k).toEqual([...t.shape]);
        expect(flatValues(back[k]!), k).toEqual(flatValues(t));
      }
    }
  });

  it("saves with gradients and parameters as plain values", () => {
    const lin = new torch.nn.Linear(2, 3).to(device);
    const sd = lin.state_dict();
    const back = load(save(sd));
    for (const [k, t] of Object.entries(sd)) expect(flatValues(back[k]!)).toEqual(flatValues(t));
    expect(back.weight!.requires_grad).toBe(false);
  });
});

describe("malformed safetensors files are refused whole", () => {
  it("the catalogue has at least 12 malformed files", () => {
    expect(fixtures.malformed.length).toBeGreaterThanOrEqual(12);
  });
  for (const m of fixtures.malformed) {
    it(m.file, () => {
      for (const [op, run] of [
        ["load_file", () => load_file(pathOf(m.file))],
        ["load", () => load(bytesOf(m.file))],
      ] as const) {
        let thrown: unknown;
        try {
          run();
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${op} accepted ${m.file}`).toBeInstanceOf(SafetensorError);
        expect(thrown).toBeInstanceOf(torch.TorchError);
        const msg = (thrown as Error).message;
        expect(msg.startsWith(`${op}: `), msg).toBe(true);
        expect(msg).toContain(m.error);
      }
    });
  }
  it("a failed load leaves a model's parameters as they were", () => {
    const model = new torch.nn.Linear(2, 4);
    const before = model.weight.tolist();
    expect(() => model.load_state_dict(load_file(pathOf("bad_overlap.safetensors")))).toThrow(/overlap/);
    expect(model.weight.tolist()).toEqual(before);
  });
});

describe("safetensors argument errors name the op", () => {
  const t = torch.ones(2);
  it.each([
    ["save", () => save({ z: torch.ones(2, { dtype: torch.complex128 }) }), 'save(): the tensor "z" has dtype torch.complex128'],
    ["save", () => save({ a: [1, 2] } as never), 'save(): "a" must be a tensor'],
    ["save", () => save({ __metadata__: t }), 'save(): "__metadata__" is reserved'],
    [
      "save",
      () => save({ a: t }, { epoch: 3 } as never),
      "save(): metadata must map strings to strings, but epoch maps to a value of type number",
    ],
    ["save", () => save(t as never), "save(): argument 'tensors' must be an object or Map"],
    ["save_file", () => save_file({ a: t }, 3 as never), "save_file(): argument 'filename' must be a path"],
    ["load", () => load("x.safetensors" as never), "load(): argument 'data' must be a Uint8Array"],
    [
      "load_file",
      () => load_file(pathOf("mlp.safetensors"), { map_location: "cpu" } as never),
      "load_file() got an unexpected keyword argument 'map_location'",
    ],
    ["load_file", () => load_file(join(tmp, "missing.safetensors")), "ENOENT"],
  ])("%s: %#", (_op, run, message) => {
    expect(run).toThrow(message);
  });
});
