// The xla device's user-facing switches: default device, .cpu()/.to(), module
// dumps, and that in-place writes through views update the base and every view.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { parseModule } from "@xlatorch/stablehlo";
import { pinFused } from "../harness/modes";

// compile counts and pending graphs are the fused mode's (the suite may run under XLATORCH_EXECUTION_MODE)
pinFused();

afterEach(() => {
  torch.set_default_device(null);
  delete process.env.XLATORCH_DUMP_DIR;
});

describe("xla device", () => {
  it("set_default_device('xla') puts creation ops on xla; .cpu() and .to() move back and forth", () => {
    torch.set_default_device("xla");
    const a = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    expect(a.device.type).toBe("xla");
    expect(String(a.device)).toBe("xla");
    const b = a.mul(2).cpu();
    expect(b.device.type).toBe("cpu");
    expect(b.tolist()).toEqual([
      [0, 2, 4],
      [6, 8, 10],
    ]);
    expect(b.to("xla").add(1).to("cpu").tolist()).toEqual([
      [1, 3, 5],
      [7, 9, 11],
    ]);
  });

  it("XLATORCH_DUMP_DIR writes each compiled module as parseable .mlir", () => {
    const dir = mkdtempSync(join(tmpdir(), "xlatorch-dump-"));
    process.env.XLATORCH_DUMP_DIR = dir;
    torch.xla.clear_compilation_cache();
    const x = torch.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: torch.float32, device: "xla" },
    );
    x.matmul(x).exp().sum().item();
    const files = readdirSync(dir).filter((f) => f.endsWith(".mlir"));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const text = readFileSync(join(dir, files[0]!), "utf8");
    expect(text).toContain("stablehlo.dot_general");
    expect(parseModule(text).funcs[0]!.name).toBe("main");
  });

  it("in-place writes through views update the base and every other live view", () => {
    for (const device of ["cpu", "xla"]) {
      const base = torch.zeros(3, 4, { device });
      const row = base.getitem(1);
      const col = base.getitem(":", 2);
      const tview = base.t();
      row.fill_(5);
      col.add_(1);
      tview.getitem(0).mul_(10);
      expect(base.tolist()).toEqual([
        [0, 0, 1, 0],
        [50, 5, 6, 5],
        [0, 0, 1, 0],
      ]);
      expect(row.tolist()).toEqual([50, 5, 6, 5]);
      expect(col.tolist()).toEqual([1, 6, 1]);
    }
  });
});

describe("empty operands on xla", () => {
  it("gathers from an empty tensor give empty results", () => {
    const x = torch.zeros(0, 3).to("xla");
    expect(x.index_select(0, torch.tensor([], { dtype: torch.int64 }).to("xla")).cpu().shape).toEqual([0, 3]);
    const y = torch
      .zeros(3, 0)
      .to("xla")
      .gather(1, torch.zeros(3, 0, { dtype: torch.int64 }).to("xla"));
    expect(y.cpu().shape).toEqual([3, 0]);
  });
});
