// Child of bench/persistent_cache.ts: examples/mlp_xla.ts's digits MLP on the
// xla device, from process start to the first training step's loss on the
// host ("first-step" line, which the parent timestamps), then a few more steps
// so the steady-state graph is compiled too, and the metrics as JSON.
const t0 = performance.now();
const torch = await import("xlatorch");
const { loadDigits } = await import("../../examples/digits.js");
const tImport = performance.now();

const { nn, optim } = torch;
torch.manual_seed(0);
const { images, labels } = loadDigits();
const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10)).to("xla");
const lossFn = new nn.CrossEntropyLoss();
const opt = new optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.5 });
const steps = Number(process.env.BENCH_STEPS ?? 5);
const losses: number[] = [];
let firstStepMs = 0;
let atFirst = { ...torch.xla.metrics() };
for (let s = 0; s < steps; s++) {
  const x = images.getitem(`${s * 128}:${(s + 1) * 128}`).to("xla");
  const y = labels.getitem(`${s * 128}:${(s + 1) * 128}`).to("xla");
  const loss = lossFn(model(x), y);
  opt.zero_grad();
  loss.backward();
  opt.step();
  losses.push(loss.item() as number);
  if (s === 0) {
    firstStepMs = performance.now();
    atFirst = { ...torch.xla.metrics() };
    console.log("first-step");
  }
}
const m = torch.xla.metrics();
const pick = (x: typeof m) => ({
  uncachedCompiles: x.uncachedCompiles,
  persistentCacheHits: x.persistentCacheHits,
  persistentCacheMisses: x.persistentCacheMisses,
  compileMs: x.compileMs,
  persistentCacheMs: x.persistentCacheMs,
  lowerMs: x.lowerMs,
  traceMs: x.traceMs,
  executeMs: x.executeMs,
});
console.log(
  JSON.stringify({
    importMs: tImport - t0,
    processToImportMs: tImport,
    firstStepMs,
    losses,
    atFirstStep: pick(atFirst),
    total: pick(m),
  }),
);

export {};
