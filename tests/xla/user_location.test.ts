// A host read records the user's file:line:column (metrics().recentCuts,
// metrics_report). The location is remembered by the raw positions of the
// stack's frames (packages/lazy/src/explain.ts userLocation), so a repeated
// read does not format the stack again: the remembered answer must be the
// read's own line at every call, for reads at different lines alternating, in
// a loop, and through a helper called from two places.
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { userLocation, userStack } from "../../packages/lazy/src/explain";

const xla = torch.xla;
beforeEach(() => {
  xla.set_execution_mode("fused");
  xla.sync();
  xla.reset_metrics();
});

/** The caller's line in this file. */
const lineHere = (): number => Number(/user_location\.test\.ts:(\d+):\d+/.exec(new Error().stack!.split("\n")[2]!)![1]);
const hostReads = () => xla.metrics().recentCuts.filter((c) => c.reason === "host read");

describe("host read locations", () => {
  it("reads at two lines, alternating over 6 steps: each cut names its own line", () => {
    const x = torch.arange(6, { dtype: torch.float32 }).to("xla");
    const lines: number[] = [];
    const got: number[] = [];
    for (let i = 0; i < 6; i++) {
      // each value pending when it is read (b made after a's read), so each read is a cut
      const a = x.mul(i).sum();
      lines.push(lineHere() + 1); // the read is on the next line
      got.push(Number(a.item()));
      const b = x.add(i).sum();
      lines.push(lineHere() + 1);
      got.push(Number(b.item()));
    }
    expect(got).toEqual([0, 15, 15, 21, 30, 27, 45, 33, 60, 39, 75, 45]);
    const where = hostReads().map((c) => c.where ?? "");
    expect(where).toHaveLength(12);
    where.forEach((w, i) => expect(w).toMatch(new RegExp(`user_location\\.test\\.ts:${lines[i]}:\\d+$`)));
    // the two lines differ, so the remembered answers did not mix them up
    expect(new Set(where).size).toBe(2);
  });

  it("userLocation equals the first user frame of the formatted stack, first call and remembered", () => {
    // the formatted stack's first user frame (userStack called on the same line: same frames)
    const first = (stack: string) =>
      /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(stack.split("\n")[0]!)![1]!.replace(/^file:\/\//, "");
    // called from one line, then from another, each several times
    const seen: [string, string][] = [];
    for (let i = 0; i < 3; i++) seen.push([userLocation(), first(userStack())]);
    for (let i = 0; i < 3; i++) seen.push([userLocation(), first(userStack())]);
    // same file and line (the columns of the two calls differ)
    for (const [fast, ref] of seen) expect(fast.replace(/:\d+$/, "")).toBe(ref.replace(/:\d+$/, ""));
    expect(seen[0]![0]).toMatch(/user_location\.test\.ts:\d+:\d+$/);
    expect(seen[0]![0]).not.toBe(seen[3]![0]);
    expect(seen[1]![0]).toBe(seen[0]![0]);
  });

  it("the same library call from two lines, its user frame deeper than the key covered so far: each read names its own line", () => {
    // String(t) and torch.equal read 8-9 library frames down; a remembered key of fewer frames would hold only
    // library frames, the same for both lines, and hand the first line's answer to the second
    const x = torch.arange(4, { dtype: torch.float32 }).to("xla");
    const lines: number[] = [];
    const printed: string[] = [];
    const equal: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      lines.push(lineHere() + 1);
      printed.push(String(x.mul(i)));
      lines.push(lineHere() + 1);
      printed.push(String(x.mul(i)));
      lines.push(lineHere() + 1);
      equal.push(torch.equal(x.add(i), x.add(i).mul(1)));
    }
    expect(printed[2]).toContain("[0., 1., 2., 3.]");
    expect(printed[6]).toContain("[0., 3., 6., 9.]");
    expect(equal).toEqual([true, true, true, true]);
    const where = hostReads().map((c) => c.where ?? "");
    expect(where).toHaveLength(lines.length);
    where.forEach((w, i) => expect(w, `read ${i}`).toMatch(new RegExp(`user_location\\.test\\.ts:${lines[i]}:\\d+$`)));
    expect(new Set(where).size).toBe(3);
  });
});
