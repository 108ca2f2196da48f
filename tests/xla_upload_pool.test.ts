// A large float32 value moved to the xla device is copied once, by the first
// execution whose WebAssembly loop reads it, into the CPU runtime's fused-loop
// memory (CpuRuntime.toDeviceOwned and adopt), so every later fused loop reads
// it in place (one only a kernel reads stays where it is): with nothing to copy, an arithmetic
// chain over it splits across the threads from THREAD_MIN.inPlace values
// (simd_f32.ts), where a borrowed plain array is copied in chunk by chunk by
// the calling thread at every execution and stays on it below 2^24 values.
// The values must equal the eager cpu device's and the unpooled path's bit for bit.
import { afterEach, describe, expect, it } from "vitest";
import { fusedPoolStats, fusedWasmStats, wasmSimdEnabled } from "@xlatorch/cpu";
import * as torch from "xlatorch";

const saved = { threads: torch.get_num_threads(), pool: process.env.XLATORCH_POOL };
afterEach(() => {
  torch.set_num_threads(saved.threads);
  if (saved.pool === undefined) delete process.env.XLATORCH_POOL;
  else process.env.XLATORCH_POOL = saved.pool;
});

const bits = (t: torch.Tensor) => {
  const a = Float32Array.from(t.flatten().tolist() as number[]);
  return new Uint32Array(a.buffer);
};
// a pool exists only with WebAssembly SIMD, shared memory and a synchronous collector net
const enabled = wasmSimdEnabled() && typeof SharedArrayBuffer === "function";

describe.runIf(enabled)("xla uploads in the fused loops' memory", () => {
  // 1,048,993 values: above the pool's 1,048,576, below the copying arithmetic split (2^24)
  const R = 2029,
    C = 517;

  it("an uploaded operand is read in place: the arithmetic chain splits across 2 threads, values as eager cpu", () => {
    torch.set_num_threads(2);
    torch.manual_seed(5);
    const a = torch.randn(R, C);
    const want = bits(a.mul(2).add(1));
    const x = a.to("xla");
    const allocs = fusedPoolStats()?.allocations ?? 0;
    const threaded = fusedWasmStats.threaded;
    const got = x.mul(2).add(1);
    torch.xla.sync(got);
    // the upload and the result: two arrays in the fused loops' memory
    expect((fusedPoolStats()?.allocations ?? 0) - allocs).toBe(2);
    expect(fusedWasmStats.threaded - threaded).toBe(1);
    expect(bits(got)).toEqual(want);
    // a second execution reads the same uploaded array again
    const again = x.mul(2).add(1);
    torch.xla.sync(again);
    expect(fusedWasmStats.threaded - threaded).toBe(2);
    expect(bits(again)).toEqual(want);
  });

  it("an upload only a kernel reads (a matmul's input) is not copied", () => {
    torch.manual_seed(8);
    const a = torch.randn(R, C);
    const w = torch.randn(C, 3);
    const want = bits(a.matmul(w));
    const allocs = fusedPoolStats()?.allocations ?? 0;
    const got = a.to("xla").matmul(w.to("xla"));
    torch.xla.sync(got);
    expect((fusedPoolStats()?.allocations ?? 0) - allocs).toBe(0);
    expect(bits(got)).toEqual(want);
  });

  it("the source array stays the caller's: writing the cpu tensor afterwards leaves the xla value", () => {
    torch.manual_seed(6);
    const a = torch.randn(R, C);
    const before = bits(a);
    const x = a.to("xla");
    torch.xla.sync(x.add(0));
    a.fill_(3);
    expect(bits(x)).toEqual(before);
  });

  it("with the pool off the upload is kept as it is and the values are the same", () => {
    torch.set_num_threads(2);
    torch.manual_seed(7);
    const a = torch.randn(R, C);
    const run = () => {
      const r = torch.tanh(a.to("xla").mul(2).add(1));
      torch.xla.sync(r);
      return bits(r);
    };
    const pooled = run();
    process.env.XLATORCH_POOL = "off";
    const allocs = fusedPoolStats()?.allocations ?? 0;
    const plain = run();
    expect(fusedPoolStats()?.allocations ?? 0).toBe(allocs);
    expect(plain).toEqual(pooled);
  });
});
