/// <reference lib="dom" />
// The browser example (index.html): an MLP learns two spirals on the cpu or the
// xla device, with a progress display, its loss curve drawn on a canvas (no
// plotting library), and the trained weights offered as downloads: torch.save
// into a {write} collector, and safetensors' save, each turned into a Blob.
// Both are loaded back into a fresh model to check they hold the weights.
// Build and serve: npx tsx examples/browser/serve.ts (then open the printed URL).
import * as torch from "xlatorch";
import { load as loadSafetensors, save as saveSafetensors } from "xlatorch/safetensors";

const { nn, optim } = torch;
const F = nn.functional;

/** What the page exposes for tests/browser/browser.test.ts (and the curious, in the console). */
interface Demo {
  device: string;
  steps: number;
  losses: number[];
  accuracy: number | null;
  done: boolean;
  error: string | null;
  checkpointBytes: number;
  safetensorsBytes: number;
  checkpointOk: boolean | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

/** n points per class on two interleaved spirals, with noise. */
function spirals(n: number): { x: torch.Tensor; y: torch.Tensor } {
  const r = torch.linspace(0.15, 1, n);
  const xs: torch.Tensor[] = [],
    ys: torch.Tensor[] = [];
  for (const k of [0, 1]) {
    const theta = r
      .mul(3.2 * Math.PI)
      .add(k * Math.PI)
      .add(torch.randn(n).mul(0.15));
    xs.push(torch.stack([r.mul(torch.cos(theta)), r.mul(torch.sin(theta))], 1));
    ys.push(torch.full([n], k, { dtype: torch.int64 }));
  }
  return { x: torch.cat(xs), y: torch.cat(ys) };
}

const makeModel = () => new nn.Sequential(new nn.Linear(2, 32), new nn.Tanh(), new nn.Linear(32, 32), new nn.Tanh(), new nn.Linear(32, 2));
type Model = ReturnType<typeof makeModel>;

function drawLoss(canvas: HTMLCanvasElement, losses: readonly number[], total: number): void {
  const g = canvas.getContext("2d")!;
  const { width: w, height: h } = canvas;
  const left = 48,
    right = 12,
    top = 12,
    bottom = 28;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, w, h);
  const ymax = Math.max(...losses, 1e-3) * 1.05;
  const px = (i: number) => left + ((w - left - right) * i) / Math.max(1, total - 1);
  const py = (v: number) => top + (h - top - bottom) * (1 - v / ymax);
  g.strokeStyle = "#ddd";
  g.fillStyle = "#555";
  g.font = "11px system-ui, sans-serif";
  g.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = (ymax * k) / 4;
    g.beginPath();
    g.moveTo(left, py(v));
    g.lineTo(w - right, py(v));
    g.stroke();
    g.fillText(v.toFixed(2), 6, py(v) + 4);
  }
  for (let k = 0; k <= 5; k++) {
    const i = Math.round(((total - 1) * k) / 5);
    g.fillText(String(i), px(i) - 8, h - 10);
  }
  g.strokeStyle = "#888";
  g.strokeRect(left, top, w - left - right, h - top - bottom);
  if (!losses.length) return;
  g.strokeStyle = "#1f6feb";
  g.lineWidth = 2;
  g.beginPath();
  losses.forEach((v, i) => (i ? g.lineTo(px(i), py(v)) : g.moveTo(px(i), py(v))));
  g.stroke();
}

/** The data, and the model's predicted class over a grid behind it. */
function drawField(canvas: HTMLCanvasElement, model: Model | null, x: torch.Tensor, y: torch.Tensor, device: string): void {
  const g = canvas.getContext("2d")!;
  const { width: w, height: h } = canvas;
  const toPx = (v: number, size: number) => ((v + 1.25) / 2.5) * size;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, w, h);
  if (model) {
    const n = 56;
    const axis = torch.linspace(-1.25, 1.25, n);
    const grid = torch.stack([axis.repeat(n), axis.repeat_interleave(n).neg()], 1);
    const p = torch.no_grad(() => torch.softmax(model(grid.to(device)), 1).cpu());
    const prob = p.select(1, 1).tolist() as number[];
    const cell = w / n;
    prob.forEach((q, i) => {
      const c = Math.round(255 - 60 * Math.abs(q - 0.5) * 2);
      g.fillStyle = q > 0.5 ? `rgb(${c}, ${c}, 255)` : `rgb(255, ${c}, ${c})`;
      g.fillRect((i % n) * cell, Math.floor(i / n) * cell, cell + 1, cell + 1);
    });
  }
  const pts = x.tolist() as number[][],
    labels = y.tolist() as number[];
  pts.forEach(([a, b], i) => {
    g.fillStyle = labels[i] ? "#1f4fd0" : "#d0301f";
    g.beginPath();
    g.arc(toPx(a!, w), h - toPx(b!, h), 2.2, 0, 2 * Math.PI);
    g.fill();
  });
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function train(demo: Demo): Promise<void> {
  const { device, steps } = demo;
  torch.manual_seed(0);
  const { x, y } = spirals(200);
  const xd = x.to(device),
    yd = y.to(device);
  const model = makeModel().to(device);
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const progress = $<HTMLProgressElement>("progress"),
    status = $("status"),
    lossCanvas = $<HTMLCanvasElement>("loss");
  progress.max = steps;
  const t0 = performance.now();
  for (let step = 0; step < steps; step++) {
    optimizer.zero_grad();
    const loss = F.cross_entropy(model(xd), yd);
    loss.backward();
    optimizer.step();
    demo.losses.push(loss.item() as number);
    if (step % 10 === 9 || step === steps - 1) {
      progress.value = step + 1;
      status.textContent = `step ${step + 1}/${steps}, loss ${demo.losses[step]!.toFixed(4)}, ${((performance.now() - t0) / (step + 1)).toFixed(1)} ms/step on ${device}`;
      drawLoss(lossCanvas, demo.losses, steps);
      await nextFrame(); // let the page repaint
    }
  }
  model.eval();
  const pred = torch.no_grad(() => model(xd).argmax(1).cpu());
  demo.accuracy = pred.eq(y).float().mean().item() as number;
  status.textContent += `; accuracy ${(demo.accuracy * 100).toFixed(1)}%`;
  drawField($<HTMLCanvasElement>("field"), model, x, y, device);
  await offerCheckpoint(demo, model, x);
}

/** torch.save into a collector and safetensors' save, as downloads; each loaded back into a fresh model to check it. */
async function offerCheckpoint(demo: Demo, model: Model, x: torch.Tensor): Promise<void> {
  const chunks: Uint8Array[] = [];
  torch.save(model.state_dict(), { write: (b: Uint8Array) => chunks.push(b.slice()) });
  const pt = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (pt.set(c, at), at + c.length), 0);
  const st = saveSafetensors(model.state_dict(), { framework: "pt" });
  demo.checkpointBytes = pt.length;
  demo.safetensorsBytes = st.length;
  $<HTMLAnchorElement>("download-pt").href = URL.createObjectURL(new Blob([pt], { type: "application/octet-stream" }));
  $<HTMLAnchorElement>("download-st").href = URL.createObjectURL(new Blob([st], { type: "application/octet-stream" }));

  const want = torch.no_grad(() => model(x.to(demo.device)).cpu());
  const agrees = (sd: Record<string, torch.Tensor>) => {
    const fresh = makeModel();
    fresh.load_state_dict(sd);
    return torch.no_grad(() => torch.allclose(fresh(x), want, { rtol: 1e-5, atol: 1e-6 }));
  };
  demo.checkpointOk = agrees(torch.load(pt, { map_location: "cpu" })) && agrees(loadSafetensors(st));
  $("checked").textContent = demo.checkpointOk ? "(both checked: loaded back, same predictions)" : "(check FAILED)";
  $("downloads").classList.remove("hidden");
}

function start(): void {
  const demo: Demo = {
    device: $<HTMLSelectElement>("device").value,
    steps: Number($<HTMLInputElement>("steps").value),
    losses: [],
    accuracy: null,
    done: false,
    error: null,
    checkpointBytes: 0,
    safetensorsBytes: 0,
    checkpointOk: null,
  };
  (window as unknown as { demo: Demo }).demo = demo;
  $<HTMLButtonElement>("train").disabled = true;
  train(demo)
    .catch((e: Error) => {
      demo.error = `${e.name}: ${e.message}`;
      $("status").textContent = `error: ${demo.error}`;
      console.error(e);
    })
    .finally(() => {
      demo.done = true;
      $<HTMLButtonElement>("train").disabled = false;
    });
}

// ?device=xla&steps=200 preset the controls; ?autostart=1 trains at once.
if (params.get("device")) $<HTMLSelectElement>("device").value = params.get("device")!;
if (params.get("steps")) $<HTMLInputElement>("steps").value = params.get("steps")!;
$("train").addEventListener("click", start);
drawLoss($<HTMLCanvasElement>("loss"), [], 300);
{
  torch.manual_seed(0);
  const { x, y } = spirals(200);
  drawField($<HTMLCanvasElement>("field"), null, x, y, "cpu");
}
if (params.get("autostart")) start();
