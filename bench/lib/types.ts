// Shared types for the benchmark harness. A case module (bench/cases/*.ts)
// default-exports a `Case`; run.ts discovers every file in bench/cases/.

/** The runtimes a case can be measured on. Each runs in its own process. */
// xlatorch-noblas / xlatorch-xla-noblas: the same, with XLATORCH_BLAS=off (the
// JavaScript matmul kernel), for the cases marked `blas`.
export const PEERS = [
  "xlatorch",
  "xlatorch-noblas",
  "xlatorch-xla",
  "xlatorch-xla-noblas",
  "torch",
  "tfjs-wasm",
  "tfjs-cpu",
  "jax-js",
] as const;
export type PeerId = (typeof PEERS)[number];

/** The xlatorch peer whose case implementation a no-BLAS peer runs. */
export const BLAS_OFF_OF: Partial<Record<PeerId, "xlatorch" | "xlatorch-xla">> = {
  "xlatorch-noblas": "xlatorch",
  "xlatorch-xla-noblas": "xlatorch-xla",
};
/** One input tensor: deterministic f32 data (see lib/data.ts), shared by every peer. */
export interface InputSpec {
  name: string;
  shape: number[];
  /** Values are uniform in [lo, hi). Default [-1, 1). */
  range?: [number, number];
}

/** What a peer's setup returns for one case. */
export interface Impl {
  /**
   * One timed repetition. It must force the whole computation to finish and
   * read back at least one value (a lazy peer that skips work would be caught
   * by this), and free what it allocated. May be async (jax-js).
   */
  run(): unknown | Promise<unknown>;
  /** The full output as f32 host data, computed once outside the timing, to cross-check peers. */
  output(): Float32Array | Promise<Float32Array>;
  /** Extra facts to record (counters, graph sizes, ...). Called after timing. */
  info?(): Record<string, unknown> | Promise<Record<string, unknown>>;
  dispose?(): void;
}

/** Inputs handed to a peer implementation, as host data. */
export type HostInputs = Record<string, { data: Float32Array; shape: number[] }>;

/** The module objects each JS peer gets (typed loosely on purpose). */
export interface PeerCtx {
  peer: PeerId;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  lib: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  extra: Record<string, any>;
}

export type ImplFactory = (ctx: PeerCtx, inputs: HostInputs) => Impl | Promise<Impl>;

export interface Case {
  /** Stable id: the key in results JSON. */
  id: string;
  title: string;
  /** Results file it is reported in: bench/results/<group>.{json,md}. Default "eager-cpu". */
  group?: string;
  /** How the figure is shown. "GFLOP/s" needs `flops`; "us/op" needs `opsPerRun`. */
  unit: "ms" | "GFLOP/s" | "us/op";
  flops?: number;
  opsPerRun?: number;
  inputs: InputSpec[];
  /**
   * The peer whose ratio against every other peer is reported (default
   * "xlatorch"; a lazy-device case would use "xlatorch-xla").
   */
  subject?: PeerId;
  /** Smaller is better in the table's ratio unless this says otherwise. */
  impls: {
    xlatorch?: ImplFactory;
    "xlatorch-xla"?: ImplFactory;
    /** Used for both tfjs-wasm and tfjs-cpu (unless listed in skip). */
    tfjs?: ImplFactory;
    "jax-js"?: ImplFactory;
  };
  /**
   * PyTorch: Python run by bench/torch_bench.py. Inputs are torch tensors
   * bound to their names; `setup` is exec'd once, `expr` is evaluated each
   * repetition and must return a tensor (eager, so it is computed).
   */
  torch?: { setup?: string; expr: string };
  /**
   * Peers without which the case is pointless: if one is unavailable (e.g.
   * xlatorch-xla before torch.xla exists) the case is not run at all.
   */
  needs?: PeerId[];
  /**
   * Matmul-bound: the xlatorch peers also run it with the system BLAS disabled
   * (xlatorch-noblas, xlatorch-xla-noblas), side by side.
   */
  blas?: boolean;
  /** Peers not to run (too slow to be worth it, etc.), with the reason. */
  skip?: Partial<Record<PeerId, string>>;
  /** Absolute/relative tolerance for the cross-peer output check. */
  tol?: number;
}

export interface Timing {
  /** Median wall time of one repetition, ms. */
  median_ms: number;
  min_ms: number;
  reps: number;
  warmup: number;
}

export interface PeerCaseResult extends Partial<Timing> {
  /** Checksum of the output: [sum, sum of |x|, first element, last element]. */
  checksum?: number[];
  info?: Record<string, unknown>;
  error?: string;
  skipped?: string;
}

export interface PeerReport {
  peer: PeerId;
  available: boolean;
  why?: string;
  /** Library version, threads, backend flags... */
  about?: Record<string, unknown>;
  results: Record<string, PeerCaseResult>;
}
