// Loading each JS peer in its own process (see peer.ts). A loader returns the
// context handed to case implementations and a description of the runtime, or
// throws with the reason it cannot run here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import type { PeerCtx, PeerId } from "./types.js";

const require = createRequire(import.meta.url);

function pkgVersion(name: string): string {
  try {
    if (name.startsWith(".")) {
      return JSON.parse(fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), name, "package.json"), "utf8"))
        .version;
    }
    // Packages whose "exports" hide package.json: walk up from the entry point.
    for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const f = path.join(dir, "package.json");
      if (fs.existsSync(f)) {
        const pj = JSON.parse(fs.readFileSync(f, "utf8"));
        if (pj.name === name) return pj.version;
      }
    }
    return "?";
  } catch {
    return "?";
  }
}

export interface Loaded {
  ctx: PeerCtx;
  about: Record<string, unknown>;
}

async function loadXlatorch(peer: PeerId): Promise<Loaded> {
  const torch = await import("xlatorch");
  const t = torch as unknown as Record<string, unknown>;
  const xla = peer === "xlatorch-xla" || peer === "xlatorch-xla-noblas";
  if (xla && !t.xla) throw new Error("torch.xla is not available in this build of xlatorch (the lazy device is not registered yet)");
  // The system BLAS float32/float64 matmul calls (run.ts sets XLATORCH_BLAS=off for the -noblas peers).
  const cfg = t.__config__ as
    | { blas?: () => { active: boolean; vendor: string | null; path: string | null; config?: string; threads?: number } }
    | undefined;
  const b = cfg?.blas?.();
  const blas = !b
    ? "?"
    : b.active
      ? `${b.vendor} ${b.path}${b.config ? ` (${b.config})` : ""}${b.threads ? `, ${b.threads} threads` : ""}`
      : "none (JavaScript matmul kernel)";
  return {
    ctx: { peer, lib: torch, extra: { device: xla ? "xla" : "cpu" } },
    // The worker pool's size as the library reports it (PyTorch's default: the core count).
    about: {
      version: pkgVersion("../../packages/xlatorch"),
      device: xla ? "xla" : "cpu",
      threads: (t.get_num_threads as () => number)(),
      blas,
    },
  };
}

async function loadTfjs(peer: PeerId): Promise<Loaded> {
  const tf = await import("@tensorflow/tfjs-core");
  if (peer === "tfjs-cpu") {
    await import("@tensorflow/tfjs-backend-cpu");
    if (!(await tf.setBackend("cpu"))) throw new Error("tf.setBackend('cpu') failed");
  } else {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    // In Node the .wasm files are read from disk: point at the package's dist/.
    const dir = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep;
    wasm.setWasmPaths(dir);
    if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') failed");
  }
  await tf.ready();
  const about: Record<string, unknown> = { version: tf.version_core, backend: tf.getBackend() };
  if (peer === "tfjs-wasm") {
    about.simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    about.multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    about.threads = 1;
    about.note = "tfjs-backend-wasm disables threads under Node (tfjs issue 3830): single-threaded SIMD build";
  } else {
    about.threads = 1;
  }
  return { ctx: { peer, lib: tf, extra: {} }, about };
}

async function loadJax(peer: PeerId): Promise<Loaded> {
  // jax-js 0.1.25 reads `navigator` (init's webgpu probe and the kernel
  // optimizer's `navigator.userAgent` test); Node 20 has no global navigator
  // (Node 21+ does). Provide the two fields it reads.
  const g = globalThis as Record<string, unknown>;
  let shim = false;
  if (typeof g.navigator === "undefined") {
    Object.defineProperty(g, "navigator", {
      value: { userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: os.cpus().length },
      configurable: true,
    });
    shim = true;
  }
  const jax = await import("@jax-js/jax");
  const devices = await jax.init("wasm");
  if (!devices.includes("wasm")) throw new Error(`jax-js init("wasm") gave ${JSON.stringify(devices)}`);
  jax.defaultDevice("wasm");
  const threaded = typeof SharedArrayBuffer !== "undefined" && typeof (globalThis as Record<string, unknown>).Worker !== "undefined";
  return {
    ctx: { peer, lib: jax, extra: {} },
    about: {
      version: pkgVersion("@jax-js/jax"),
      device: "wasm",
      jit: true,
      threads: threaded ? os.cpus().length : 1,
      note:
        (shim ? "global navigator shimmed for Node 20; " : "") +
        (threaded ? "" : "no global Worker in Node, so jax-js runs its wasm kernels on the main thread"),
    },
  };
}

export async function loadPeer(peer: PeerId): Promise<Loaded> {
  switch (peer) {
    case "xlatorch":
    case "xlatorch-xla":
    case "xlatorch-noblas":
    case "xlatorch-xla-noblas":
      return loadXlatorch(peer);
    case "tfjs-wasm":
    case "tfjs-cpu":
      return loadTfjs(peer);
    case "jax-js":
      return loadJax(peer);
    default:
      throw new Error(`${peer} is not a JS peer`);
  }
}
