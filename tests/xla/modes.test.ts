// The xla device's execution modes: debug (every op now, errors and NaN/Inf at
// the op), strict (every op its own cached executable), fused (the default)
// and lazy, selected globally, scoped, or from XLATORCH_EXECUTION_MODE.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const xla = torch.xla;
const atStart = xla.get_execution_mode();
afterEach(() => {
  xla.set_nan_check(false);
  xla.set_execution_mode("fused");
});
beforeEach(() => xla.set_execution_mode("fused"));
const executions = () => xla.metrics().executions;

describe("execution modes", () => {
  it("fused is the default; unknown names are refused with the list", () => {
    expect(atStart).toBe(process.env.XLATORCH_EXECUTION_MODE ?? "fused");
    expect(() => xla.set_execution_mode("eager" as never)).toThrow(
      /unknown execution mode "eager"; expected one of debug, strict, fused, lazy/,
    );
    expect(xla.get_execution_mode()).toBe("fused");
  });

  it("execution_mode(name, fn) is scoped, restores the mode when fn throws, and runs pending work first", () => {
    const x = torch.ones(4).to("xla").mul(3); // pending in fused mode
    const before = executions();
    const r = xla.execution_mode("strict", () => {
      expect(xla.get_execution_mode()).toBe("strict");
      expect(executions()).toBe(before + 1); // switching ran the pending mul
      return x.add(1);
    });
    expect(executions()).toBeGreaterThan(before + 1);
    expect(xla.get_execution_mode()).toBe("fused");
    expect(r.tolist()).toEqual([4, 4, 4, 4]);
    expect(() =>
      xla.execution_mode("debug", () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(xla.get_execution_mode()).toBe("fused");
  });

  it("strict: every op is one execution of a cached per-op executable", () => {
    xla.set_execution_mode("strict");
    const x = torch.arange(5, { dtype: torch.float32 }).to("xla");
    const run = () => x.mul(2).add(1).relu().sum();
    run();
    const c0 = xla.metrics().uncachedCompiles,
      e0 = executions();
    const y = run();
    expect(xla.metrics().uncachedCompiles).toBe(c0);
    expect(executions() - e0).toBeGreaterThanOrEqual(4);
    const e1 = executions();
    expect(y.item()).toBe(25);
    expect(executions()).toBe(e1); // the read executes nothing
  });

  it("debug: each op runs at its call; with the NaN check the first op that makes a NaN/Inf is named with the user's line", () => {
    xla.set_execution_mode("debug");
    const x = torch.tensor([1, -1, 4], { dtype: torch.float32 }).to("xla");
    const e0 = executions();
    const s = x.sqrt();
    expect(executions()).toBe(e0 + 1);
    expect(s.isnan().tolist()).toEqual([false, true, false]); // no check: NaN flows on
    xla.set_nan_check(true);
    expect(() => x.sqrt()).toThrow(
      /xla debug mode: sqrt \(primitive sqrt\) produced NaN or Inf in output 0 \(float32\[3\]\) at .*modes\.test\.ts:\d+:\d+/,
    );
    expect(() => x.div(0)).toThrow(/div .*produced NaN or Inf.*modes\.test\.ts/);
    // a NaN that came in with the input is not the op's doing
    const withNan = torch.tensor([NaN, 1]).to("xla");
    expect(withNan.mul(2).isnan().tolist()).toEqual([true, false]);
    expect(x.mul(2).tolist()).toEqual([2, -2, 8]);
  });

  it("XLATORCH_EXECUTION_MODE picks the mode at start-up", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const script = 'import * as torch from "xlatorch"; console.log(torch.xla.get_execution_mode());';
    const run = (mode: string) =>
      execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: root,
        env: { ...process.env, XLATORCH_EXECUTION_MODE: mode, TSX_TSCONFIG_PATH: "tsconfig.json" },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
    expect(run("strict")).toBe("strict");
    expect(() => run("warp")).toThrow(/XLATORCH_EXECUTION_MODE: unknown execution mode "warp"/);
  });
});
