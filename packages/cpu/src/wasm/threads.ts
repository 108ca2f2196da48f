// The worker pool that splits large WebAssembly kernels (gemm.ts, simd_f32.ts)
// across threads: see docs/ARCHITECTURE.md, "Threads".
//
// Each kernel family (one module's bytes and the shared WebAssembly.Memory
// it runs on) is registered once; workers instantiate the same bytes against
// the same memory, so a kernel call means the same thing on every thread. A
// job is a list of tasks, each a few kernel calls (function index + integer
// arguments), written into one control block (an Int32Array on a
// SharedArrayBuffer). The calling thread posts the job (Atomics.store +
// notify), then claims tasks itself from a shared counter like every worker
// (Atomics.add), and Atomics.wait's until all are done: synchronous from the
// caller's point of view. Claiming is dynamic, so a worker that is still
// starting, or descheduled on a loaded machine, never holds the caller up: the
// caller takes its tasks. Which thread runs a task never changes its result
// (tasks write disjoint outputs), so results are bit-identical for every
// thread count.
//
// Workers start lazily, at the first job that has more than one task while the
// thread count is above 1, never at import, and are unref()'d so a process
// exits while they wait. Without SharedArrayBuffer or worker_threads (a browser
// bundle: thread_host.browser.ts) every job runs on the calling thread.
import { type HostWorker, type MessagePortLike, type ThreadHost, threadHost } from "./thread_host.js";

type KernelFn = (...args: number[]) => unknown;

export interface KernelFamily {
  readonly id: number;
  /** The calling thread's instance's functions, by index (the `fn` of a call). */
  readonly fns: readonly KernelFn[];
}

interface FamilySource {
  bytes: Uint8Array;
  memory: WebAssembly.Memory;
  names: readonly string[];
  js?: FamilyJs;
}

/**
 * JavaScript functions of a family beside its module's: `source` is the body of a function of
 * (exports, memory, slot, cfg, require) returning functions by name (plain JavaScript, no imports:
 * each worker evaluates it against its own instance's exports, with slot = its index + 1, and the
 * calling thread's functions come from the same source with slot 0). A task's calls name them like
 * the module's functions. The convolution's blocks use this to call the system BLAS (through koffi,
 * which `cfg` locates) on a worker (im2col_module.ts).
 */
export interface FamilyJs {
  source: string;
  cfg: unknown;
}

// control block layout (int32 slots)
const GEN = 0, // job generation: odd while the caller writes a job, even once posted
  NEXT = 1, // next task to claim
  DONE = 2, // tasks finished
  NTASK = 3,
  FAM = 4,
  ACTIVE = 5, // workers inside a job (the caller waits for 0 before rewriting the block)
  LIMIT = 6, // workers with index < LIMIT take part (set_num_threads)
  ERR = 7, // a worker's kernel threw
  READY = 8, // tasks below this may run (the caller prepares their inputs in order, see runJob's prepare)
  IDLE = 15, // always 0: a worker sleeps on it while a module arrives
  TASKS = 16; // task t's calls are records [TASKS[t], TASKS[t+1]) of the call area
/** A call record: function index, then MAX_ARGS arguments. */
export const MAX_ARGS = 10;
const REC = MAX_ARGS + 1;
const MAX_TASKS = 4096,
  MAX_CALLS = 16384;
const CALLS = TASKS + MAX_TASKS + 1;
/** FLAGS + t holds the generation of the last job whose task t finished (runPipelined waits on it). */
const FLAGS = CALLS + MAX_CALLS * REC;
const CTRL_INTS = FLAGS + MAX_TASKS;

/**
 * The worker's program: plain JavaScript with no imports, so it runs the same under tsx, vitest or a bundle;
 * the host (thread_host.ts) gives it `workerData` and `receiveMessageOnPort`.
 */
const WORKER_SOURCE = `
const { ctrl, port, index } = workerData;
const c = new Int32Array(ctrl);
const fams = [];
function family(id) {
  for (let tries = 0; !fams[id] && tries < 5000; tries++) {
    const m = receiveMessageOnPort(port);
    if (!m) { Atomics.wait(c, ${IDLE}, 0, 1); continue; }
    const { id: fid, bytes, memory, names, js } = m.message;
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    let more = {};
    if (js) {
      try {
        more = new Function("exports", "memory", "slot", "cfg", "require", js.source)(ex, memory, index + 1, js.cfg, require);
      } catch (e) {
        // functions that cannot be built fail their tasks (ERR): the caller then sees the error
        more = Object.fromEntries(names.map((n) => [n, () => { throw e; }]));
      }
    }
    fams[fid] = names.map((n) => more[n] ?? ex[n]);
  }
  return fams[id];
}
function work(fns, g) {
  const n = Atomics.load(c, ${NTASK});
  for (;;) {
    const t = Atomics.add(c, ${NEXT}, 1);
    if (t >= n) return;
    for (let v = Atomics.load(c, ${READY}); v <= t; v = Atomics.load(c, ${READY})) Atomics.wait(c, ${READY}, v);
    try {
      for (let r = c[${TASKS} + t], end = c[${TASKS} + t + 1]; r < end; r++) {
        const p = ${CALLS} + r * ${REC};
        fns[c[p]](c[p + 1], c[p + 2], c[p + 3], c[p + 4], c[p + 5], c[p + 6], c[p + 7], c[p + 8], c[p + 9], c[p + 10]);
      }
    } catch (e) {
      Atomics.store(c, ${ERR}, 1);
    }
    Atomics.store(c, ${FLAGS} + t, g);
    Atomics.notify(c, ${FLAGS} + t);
    if (Atomics.add(c, ${DONE}, 1) === n - 1) Atomics.notify(c, ${DONE});
  }
}
let seen = 0;
for (;;) {
  Atomics.wait(c, ${GEN}, seen);
  const g = Atomics.load(c, ${GEN});
  seen = g;
  if (g & 1 || index >= Atomics.load(c, ${LIMIT})) continue;
  Atomics.add(c, ${ACTIVE}, 1);
  if (Atomics.load(c, ${GEN}) === g) {
    const fns = family(Atomics.load(c, ${FAM}));
    if (fns) work(fns, g);
  }
  if (Atomics.sub(c, ${ACTIVE}, 1) === 1) Atomics.notify(c, ${ACTIVE});
}
`;

const families: FamilySource[] = [];
let host: ThreadHost | null | undefined;
const hostOf = (): ThreadHost | null => {
  if (host === undefined) {
    try {
      host = threadHost();
    } catch {
      host = null;
    }
  }
  return host;
};

/**
 * Registers a kernel module: `bytes` instantiated against `memory` (shared
 * when threads are possible, see sharedMemory) gave `exports`; calls name
 * functions by their index in `names`. With `js`, `exports` also holds the
 * calling thread's JavaScript functions built from js.source (slot 0).
 */
export function registerFamily(
  bytes: Uint8Array,
  memory: WebAssembly.Memory,
  exports: Record<string, unknown>,
  names: readonly string[],
  js?: FamilyJs,
): KernelFamily {
  families.push({ bytes, memory, names, ...(js ? { js } : {}) });
  return { id: families.length - 1, fns: names.map((n) => exports[n] as KernelFn) };
}

/**
 * A WebAssembly.Memory that workers can share (initial/maximum in pages), or
 * a plain one where shared memory is unavailable (then `shared` is false and
 * every job runs on the calling thread).
 */
export function sharedMemory(initial: number, maximum: number): { memory: WebAssembly.Memory; shared: boolean } {
  if (hostOf()) {
    try {
      return { memory: new WebAssembly.Memory({ initial, maximum, shared: true }), shared: true };
    } catch {
      /* no shared memory here (e.g. a browser without cross-origin isolation) */
    }
  }
  return { memory: new WebAssembly.Memory({ initial, maximum }), shared: false };
}

// ------------------------------------------------------------ thread count

const envThreads = (): number | undefined => {
  const v = typeof process === "object" ? process.env?.XLATORCH_NUM_THREADS : undefined;
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** The machine's core count (1 where it cannot be known). */
export const coreCount = (): number => hostOf()?.cores() ?? 1;

let threads: number | undefined;

/** Threads a large kernel may use, the calling one included: set_num_threads, else XLATORCH_NUM_THREADS, else the core count. */
export function numThreads(): number {
  threads ??= envThreads() ?? coreCount();
  return threads;
}

/** Sets the thread count (a positive integer; torch.set_num_threads validates). */
export function setNumThreads(n: number): void {
  threads = n;
}

/** Jobs run and how many of their tasks workers took (tests check that work was split). */
export const threadStats = { jobs: 0, workerTasks: 0, workers: 0 };

// ------------------------------------------------------------ jobs

/**
 * An empty Job kept for the process's life (made by the first one). V8 holds the maps an instance passes
 * through as its fields are added only weakly, so a full collection that finds no Job alive (each lives
 * for one kernel call) frees them, and every optimized function that met a Job (call, endTask, runInline,
 * simd_f32.ts runChunks) is deoptimized ("weak objects" under --trace-deopt) and runs slower until it is
 * optimized again: the eager tanh(x*2+1) on 4M values took ~4-5 ms more CPU in each of the 3-4 calls after
 * every storage-pool collection (bench/results/issue11_eager_targets_s21.md).
 */
let keptJob: Job | null | undefined;

/** A job under construction: tasks of kernel calls. */
export class Job {
  /** call records, REC ints each */
  readonly calls: number[] = [];
  /** task t = calls [starts[t], starts[t+1]) */
  readonly starts: number[] = [0];
  constructor(readonly family: KernelFamily) {
    if (keptJob === undefined) {
      keptJob = null;
      keptJob = new Job(family);
    }
  }

  /** Appends a call of function `fn` to the current task. */
  call(fn: number, ...args: number[]): this {
    this.calls.push(fn, ...args);
    for (let i = args.length; i < MAX_ARGS; i++) this.calls.push(0);
    return this;
  }

  /** Closes the current task (its calls run in order, on one thread). */
  endTask(): this {
    const n = this.calls.length / REC;
    if (n > this.starts[this.starts.length - 1]!) this.starts.push(n);
    return this;
  }

  get tasks(): number {
    return this.starts.length - 1;
  }
}

/** Runs tasks [t0, t1) of `job` on the calling thread. */
function runInline(job: Job, t0: number, t1: number): void {
  const { calls, starts } = job,
    fns = job.family.fns;
  for (let r = starts[t0]!; r < starts[t1]!; r++) {
    const p = r * REC;
    fns[calls[p]!]!(
      calls[p + 1]!,
      calls[p + 2]!,
      calls[p + 3]!,
      calls[p + 4]!,
      calls[p + 5]!,
      calls[p + 6]!,
      calls[p + 7]!,
      calls[p + 8]!,
      calls[p + 9]!,
      calls[p + 10]!,
    );
  }
}

interface Pool {
  ctrl: Int32Array;
  workers: { worker: HostWorker; port: MessagePortLike; loaded: Set<number> }[];
}
let pool: Pool | null | undefined;

function getPool(): Pool | null {
  if (pool !== undefined) return pool;
  pool = null;
  const h = hostOf();
  if (!h) return null;
  try {
    pool = { ctrl: new Int32Array(new SharedArrayBuffer(CTRL_INTS * 4)), workers: [] };
  } catch {
    pool = null;
  }
  return pool;
}

/** Starts workers until there are `n` (each is unref()'d: it never keeps the process alive). */
function ensureWorkers(p: Pool, n: number): void {
  const h = hostOf()!;
  while (p.workers.length < n) {
    const { port1, port2 } = h.channel();
    const worker = h.spawn(WORKER_SOURCE, { ctrl: p.ctrl.buffer, port: port2, index: p.workers.length }, [
      port2 as unknown as Transferable,
    ]);
    worker.unref();
    // the port's handle would keep the event loop alive too
    (port1 as { unref?: () => void }).unref?.();
    p.workers.push({ worker, port: port1, loaded: new Set() });
    threadStats.workers++;
  }
}

/**
 * Runs every task of `job`: on the calling thread alone when threads are off,
 * unavailable, or the job has one task; else shared with the pool. Returns
 * when all tasks are done; a kernel error on a worker throws here.
 * `prepare(t)`, when given, is called on the calling thread before task t may
 * run, in task order (it copies the task's inputs into the shared memory): the
 * workers start on the first tasks while the caller still copies the next.
 */
export function runJob(job: Job, prepare?: (t: number) => void): void {
  job.endTask();
  const n = job.tasks;
  if (n === 0) return;
  const inline = () => {
    if (!prepare) return runInline(job, 0, n);
    for (let t = 0; t < n; t++) {
      prepare(t);
      runInline(job, t, t + 1);
    }
  };
  const on = poolFor(job, n > 1);
  if (!on) return inline();
  forRounds(job, (t0, t1) => runRound(on.p, job, t0, t1, on.workers, prepare));
}

/**
 * The pool `p` that runs `job` beside the calling thread, and how many of its workers take part
 * (numThreads() - 1: the pool may hold more, started under an earlier thread count), each started and
 * holding the job's module; null when the job runs on the calling thread alone: threads off, no shared
 * memory, `split` false (nothing to share), or a worker that cannot start. Counts the job in threadStats.
 */
function poolFor(job: Job, split: boolean): { p: Pool; workers: number } | null {
  const T = numThreads();
  const fam = families[job.family.id]!;
  const p = T > 1 && split && fam.memory.buffer instanceof SharedArrayBuffer ? getPool() : null;
  if (!p) return null;
  try {
    ensureWorkers(p, T - 1);
  } catch {
    // a worker that cannot start (resource limits): this job and every later one on the calling thread
    pool = null;
    return null;
  }
  threadStats.jobs++;
  sendFamily(p, job.family.id, T - 1);
  return { p, workers: T - 1 };
}

/** Calls `round(t0, t1)` for consecutive task ranges covering `job`, each small enough for the control block. */
function forRounds(job: Job, round: (t0: number, t1: number) => void): void {
  const n = job.tasks;
  for (let t0 = 0; t0 < n; ) {
    let t1 = Math.min(n, t0 + MAX_TASKS);
    while (job.starts[t1]! - job.starts[t0]! > MAX_CALLS) t1 = t0 + Math.max(1, (t1 - t0) >> 1);
    round(t0, t1);
    t0 = t1;
  }
}

/**
 * Writes tasks [t0, t1) of `job` into the control block and wakes `workers` workers; tasks below `ready` may
 * run at once. Returns the job's generation (what a worker stores in FLAGS + t when it finishes task t).
 */
function post(p: Pool, job: Job, t0: number, t1: number, workers: number, ready: number): number {
  const c = p.ctrl;
  // close the block to late workers, and wait until none is inside the last job
  const g = Atomics.add(c, GEN, 1) + 1;
  for (let a = Atomics.load(c, ACTIVE); a !== 0; a = Atomics.load(c, ACTIVE)) Atomics.wait(c, ACTIVE, a, 5);
  const n = t1 - t0,
    base = job.starts[t0]!;
  for (let t = 0; t <= n; t++) c[TASKS + t] = job.starts[t0 + t]! - base;
  c.set(job.calls.slice(base * REC, job.starts[t1]! * REC), CALLS);
  c[NTASK] = n;
  c[FAM] = job.family.id;
  c[LIMIT] = workers;
  Atomics.store(c, ERR, 0);
  Atomics.store(c, DONE, 0);
  Atomics.store(c, NEXT, 0);
  Atomics.store(c, READY, ready);
  Atomics.store(c, GEN, g + 1);
  Atomics.notify(c, GEN, workers);
  return g + 1;
}

function runRound(p: Pool, job: Job, t0: number, t1: number, workers: number, prepare?: (t: number) => void): void {
  const c = p.ctrl;
  const n = t1 - t0;
  post(p, job, t0, t1, workers, prepare ? 0 : n);
  let failure: unknown;
  if (prepare) {
    try {
      for (let t = 0; t < n; t++) {
        prepare(t0 + t);
        setReady(c, t + 1);
      }
    } catch (e) {
      // let the workers finish (on whatever is there), then throw
      failure = e;
      setReady(c, n);
    }
  }
  // the calling thread claims tasks too
  let mine = 0;
  for (;;) {
    const t = Atomics.add(c, NEXT, 1);
    if (t >= n) break;
    runInline(job, t0 + t, t0 + t + 1);
    mine++;
    Atomics.add(c, DONE, 1);
  }
  endRound(c, n, mine, failure);
}

/**
 * Runs the tasks of `job`, task u computing chunk u in slot u % `slots` of the kernels' shared memory, as one
 * pipeline: the calling thread loads chunk u's operands (load(u)) once the chunk that had its slot before,
 * u - slots, is done and stored (store(u - slots), always in chunk order), and between copies computes
 * loaded chunks itself, like every worker. Unlike runJob's rounds there is no barrier every few chunks:
 * the copies (which must stay on the calling thread: tensor data is not in shared memory) run while the
 * workers compute, and a thread waits only for the one chunk whose slot it needs next. A chunk is computed
 * by the same call whichever thread runs it, so results are bit-identical for every thread count.
 */
export function runPipelined(job: Job, slots: number, load: (u: number) => void, store: (u: number) => void): void {
  job.endTask();
  const n = job.tasks;
  if (n === 0) return;
  const inline = () => {
    for (let u = 0; u < n; u++) {
      load(u);
      runInline(job, u, u + 1);
      store(u);
    }
  };
  const on = poolFor(job, n > 1 && slots > 1);
  if (!on) return inline();
  forRounds(job, (t0, t1) => pipelineRound(on.p, job, t0, t1, on.workers, slots, load, store));
}

function pipelineRound(
  p: Pool,
  job: Job,
  t0: number,
  t1: number,
  workers: number,
  slots: number,
  load: (u: number) => void,
  store: (u: number) => void,
): void {
  const c = p.ctrl;
  const n = t1 - t0;
  const g = post(p, job, t0, t1, workers, 0);
  let mine = 0;
  /** Computes one loaded, unclaimed task (below `ready`) on this thread; false when there is none. */
  const help = (ready: number): boolean => {
    const v = Atomics.load(c, NEXT);
    if (v >= ready) return false;
    if (Atomics.compareExchange(c, NEXT, v, v + 1) !== v) return true;
    runInline(job, t0 + v, t0 + v + 1);
    Atomics.store(c, FLAGS + v, g);
    Atomics.add(c, DONE, 1);
    mine++;
    return true;
  };
  /** Returns once task i is done, computing other loaded tasks meanwhile. */
  const waitFor = (i: number, ready: number) => {
    for (let f = Atomics.load(c, FLAGS + i); f !== g; f = Atomics.load(c, FLAGS + i)) if (!help(ready)) Atomics.wait(c, FLAGS + i, f, 1);
  };
  let failure: unknown;
  let stored = 0;
  try {
    for (let u = 0; u < n; u++) {
      if (u >= slots) {
        waitFor(u - slots, u);
        store(t0 + u - slots);
        stored++;
      }
      load(t0 + u);
      setReady(c, u + 1);
    }
  } catch (e) {
    // let the workers finish (on whatever is there), then throw
    failure = e;
    setReady(c, n);
  }
  for (; stored < n; stored++) {
    waitFor(stored, n);
    if (failure === undefined) store(t0 + stored);
  }
  endRound(c, n, mine, failure);
}

/** Lets the workers take the round's tasks below `ready` (their inputs are in place). */
function setReady(c: Int32Array, ready: number): void {
  Atomics.store(c, READY, ready);
  Atomics.notify(c, READY);
}

/**
 * Ends a round of `n` tasks, `mine` of them run on the calling thread: waits until every task is done, counts
 * the workers' share, then throws the calling thread's `failure` if there was one, else a worker's kernel error.
 */
function endRound(c: Int32Array, n: number, mine: number, failure: unknown): void {
  for (let d = Atomics.load(c, DONE); d < n; d = Atomics.load(c, DONE)) Atomics.wait(c, DONE, d, 50);
  threadStats.workerTasks += n - mine;
  if (failure !== undefined) throw failure;
  if (Atomics.load(c, ERR)) throw new Error("xlatorch: a WebAssembly kernel failed on a worker thread");
}

/** Sends family `id`'s module to the first `workers` workers that lack it. */
function sendFamily(p: Pool, id: number, workers: number): void {
  const fam = families[id]!;
  for (let i = 0; i < workers; i++) {
    const w = p.workers[i]!;
    if (!w.loaded.has(id)) {
      w.port.postMessage({ id, bytes: fam.bytes, memory: fam.memory, names: fam.names, js: fam.js });
      w.loaded.add(id);
    }
  }
}

/** Stops the workers (tests; the next job starts new ones). */
export async function _shutdownPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  if (!p) return;
  for (const w of p.workers) {
    w.port.close();
    await w.worker.terminate();
  }
}
