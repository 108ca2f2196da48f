// Run by tests/malloc_tuning.test.ts in a child process (XLATORCH_MALLOC as the test sets it): imports
// xlatorch (the cpu device tunes malloc as it registers), then counts glibc's mmapped blocks
// (mallinfo2().hblks) before and after allocating 8 float32 arrays of 1 MiB through the library, kept
// alive, and prints one JSON line.
import { createRequire } from "node:module";
import { mallocTuning } from "../packages/cpu/src/malloc_tuning.js";
import * as torch from "xlatorch";

// (koffi is the cpu package's dependency, not the tests': its few calls used here, typed by hand)
interface KoffiLike {
  load(path: string): { func(name: string, result: unknown, args: unknown[]): () => { hblks: number | bigint } };
  struct(name: string, fields: Record<string, string>): unknown;
}
const koffi = createRequire(import.meta.url)("../packages/cpu/node_modules/koffi") as KoffiLike;
const libc = koffi.load("libc.so.6");
// struct mallinfo2: ten size_t fields; hblks (the 5th) counts the blocks glibc mapped with mmap
const Info = koffi.struct("mallinfo2_t", {
  arena: "size_t",
  ordblks: "size_t",
  smblks: "size_t",
  hblks: "size_t",
  hblkhd: "size_t",
  usmblks: "size_t",
  fsmblks: "size_t",
  uordblks: "size_t",
  fordblks: "size_t",
  keepcost: "size_t",
});
const mallinfo2 = libc.func("mallinfo2", Info, []);
const hblks = () => Number(mallinfo2().hblks);

const before = hblks();
const kept = Array.from({ length: 8 }, (_, i) => torch.full([256, 1024], i + 1));
const after = hblks();
console.log(
  JSON.stringify({ tuning: mallocTuning, mapped: after - before, sum: kept.reduce((s, t) => s + (t.sum().item() as number), 0) }),
);
