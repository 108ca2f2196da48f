// torch.memory_format against PyTorch 1.13 (tests/fixtures/gen_memory_format.py):
// contiguous()/clone() with each format give PyTorch's strides and values,
// is_contiguous(memory_format) agrees, and bad formats are refused as PyTorch
// refuses them, positionally and by keyword, on cpu and xla.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

interface Case {
  name: string;
  shape: number[];
  perm: number[] | null;
  op: "contiguous" | "clone";
  format: "channels_last" | "channels_last_3d" | "contiguous_format";
  stride: number[];
  is_contiguous: boolean;
  is_channels_last: boolean | null;
  values: number[];
}
const fx = JSON.parse(fs.readFileSync(new URL("./fixtures/memory_format.json", import.meta.url), "utf8")) as {
  cases: Case[];
  errors: { name: string; type?: string; error: string | null }[];
  repr: string[];
};

for (const device of ["cpu", "xla"]) {
  describe(`memory_format on ${device}`, () => {
    for (const c of fx.cases) {
      for (const form of ["positional", "keyword"] as const) {
        it(`${c.name} (${form})`, () => {
          let x = torch
            .arange(
              c.shape.reduce((a, b) => a * b, 1),
              { dtype: torch.float32 },
            )
            .reshape(c.shape)
            .to(device);
          if (c.perm) x = x.permute(c.perm);
          const f = torch[c.format];
          const y =
            c.op === "contiguous"
              ? form === "positional"
                ? x.contiguous(f)
                : x.contiguous({ memory_format: f })
              : x.clone({ memory_format: f });
          expect(y.stride()).toEqual(c.stride);
          expect(y.is_contiguous()).toBe(c.is_contiguous);
          if (c.is_channels_last !== null) expect(y.is_contiguous({ memory_format: torch.channels_last })).toBe(c.is_channels_last);
          expect(y.flatten().tolist()).toEqual(c.values);
        });
      }
    }
    const x2 = () => torch.zeros(2, 3).to(device);
    const calls: Record<string, () => unknown> = {
      "contiguous channels_last of a 2-d tensor": () => x2().contiguous(torch.channels_last),
      "clone channels_last_3d of a 2-d tensor": () => x2().clone({ memory_format: torch.channels_last_3d }),
      "contiguous memory_format=int (keyword)": () => x2().contiguous({ memory_format: 42 as never }),
      "contiguous memory_format=None (keyword)": () => x2().contiguous({ memory_format: null as never }),
      "clone memory_format=str (keyword)": () => x2().clone({ memory_format: "channels_last" as never }),
    };
    for (const e of fx.errors) {
      it(`refuses: ${e.name}`, () => {
        expect(calls[e.name]).toBeDefined();
        expect(calls[e.name]!).toThrow(e.error!);
      });
    }
  });
}

it("prints as PyTorch", () => {
  expect([String(torch.channels_last), String(torch.contiguous_format)]).toEqual(fx.repr);
});
