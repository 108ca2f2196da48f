// Why did this recompile? Compare a new graph's signature with the closest
// cached one and name the first parameter or op that differs.
import type { CacheEntry } from "./cache.js";

export function explainRecompile(g: { paramSigs: string[]; opSigs: string[] }, cached: Iterable<CacheEntry>): string {
  let best: CacheEntry | null = null,
    bestScore = -1;
  for (const e of cached) {
    let score = 0;
    const n = Math.min(e.opSigs.length, g.opSigs.length);
    for (let i = 0; i < n; i++) if (sameOp(e.opSigs[i]!, g.opSigs[i]!)) score++;
    // prefer graphs of the same structure: then the difference is a shape or dtype
    if (e.opSigs.length === g.opSigs.length && e.paramSigs.length === g.paramSigs.length) score += 1e6;
    if (score > bestScore) {
      best = e;
      bestScore = score;
    }
  }
  if (!best) return "first compilation";
  const parts: string[] = [];
  if (best.paramSigs.length !== g.paramSigs.length)
    parts.push(`number of inputs changed ${best.paramSigs.length} -> ${g.paramSigs.length}`);
  for (let i = 0; i < Math.min(best.paramSigs.length, g.paramSigs.length); i++) {
    if (best.paramSigs[i] !== g.paramSigs[i]) {
      parts.push(`input ${i} changed ${best.paramSigs[i]} -> ${g.paramSigs[i]}`);
      break;
    }
  }
  for (let i = 0; i < Math.max(best.opSigs.length, g.opSigs.length); i++) {
    if (best.opSigs[i] !== g.opSigs[i]) {
      parts.push(`op ${i} changed ${short(best.opSigs[i])} -> ${short(g.opSigs[i])}`);
      break;
    }
  }
  if (best.opSigs.length !== g.opSigs.length) parts.push(`graph size changed ${best.opSigs.length} -> ${g.opSigs.length} ops`);
  return parts.join("; ") || "outputs changed";
}

const opName = (s: string) => s.slice(0, s.search(/[[{(-]/));
const sameOp = (a: string, b: string) => opName(a) === opName(b);
const short = (s: string | undefined) => (s === undefined ? "(none)" : s.length > 160 ? s.slice(0, 157) + "..." : s);

/** The user's stack at the sync: frames outside the library. */
export function userStack(): string {
  const lines = stackLines();
  const user = lines.filter((l) => !LIBRARY_FRAME.test(l));
  return (user.length ? user : lines).slice(0, 6).join("\n");
}

/** A formatted frame of the library (or of a builtin, `at Array.map (<anonymous>)`): no user line. */
const LIBRARY_FRAME = /packages\/(core|lazy|cpu|stablehlo|pjrt|nn|xlatorch)\/|node_modules|node:internal|\((<anonymous>|native)\)$/;

/** The formatted frames of the caller's stack, from the caller's own frame on. */
function stackLines(): string[] {
  // the library's own frames can fill the default 10
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return stack.split("\n").slice(1);
}

/** The first user frame as file:line:column (for cut reasons and debug-mode errors). */
export function userLocation(): string {
  // every host read asks (loss.item() each step), and formatting the stack (source maps under tsx) is what costs:
  // the answer is remembered by the raw positions of the frames that decide it (see keyFrames)
  const key = framesKey(keyFrames);
  let loc = key === null ? undefined : locations.get(key);
  if (loc === undefined) {
    // (stackLines and framesKey are both called from here: their frame i is the same caller)
    const lines = stackLines();
    const u = lines.findIndex((l) => !LIBRARY_FRAME.test(l));
    const frame = lines[Math.max(u, 0)] ?? "";
    const m = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(frame);
    loc = m ? m[1]!.replace(/^file:\/\//, "") : frame.trim();
    // the first user frame and the library frames above it decide the answer: a key of fewer frames cannot hold
    // it (nor, without a user frame, one that does not cover the whole stack)
    if (u >= keyFrames) keyFrames = Math.min(u + 1, MAX_FRAMES);
    else if (key !== null && (u >= 0 || keyDepth < keyFrames)) {
      if (locations.size >= MAX_LOCATIONS) locations.clear();
      locations.set(key, loc);
    }
  }
  return loc;
}

const locations = new Map<string, string>();
const MAX_LOCATIONS = 512;
/**
 * Frames a location key covers: capturing a frame is most of the cost, and a
 * read's answer depends only on the frames down to the first user frame, so
 * keys cover as many frames as the deepest first user frame met so far needs
 * (a key of a stack shallower than that covers all of it). It only grows:
 * keys of one length stay valid.
 */
let keyFrames = 8;
const MAX_FRAMES = 64;
/** Frames the last key covered (fewer than asked: the whole stack). */
let keyDepth = 0;
/** V8 before getPosition (older engines) keys by line and column. */
let hasPosition = true;

/**
 * The top `n` frames of the current stack by file (or eval origin), source
 * position and function name, read from V8's structured frames without
 * formatting them; null where the engine gives none (not V8). The position
 * (an offset in the file) stands for line and column, which V8 computes from
 * the file's text: in a 3 MB bundle the first line asked of each capture cost
 * ~30 us and the position ~1 us (LSTM char-RNN, bench/results/issue11_recording_s24.md).
 */
function framesKey(n: number): string | null {
  const limit = Error.stackTraceLimit,
    prepare = Error.prepareStackTrace;
  let sites: unknown;
  Error.stackTraceLimit = n;
  try {
    Error.prepareStackTrace = (_e, s) => s;
    sites = new Error().stack;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  if (!Array.isArray(sites)) return null;
  keyDepth = sites.length;
  if (sites.length > 0 && typeof (sites[0] as NodeJS.CallSite).getPosition !== "function") hasPosition = false;
  let key = "";
  for (const s of sites as NodeJS.CallSite[])
    key += `${s.getFileName() ?? s.getEvalOrigin() ?? ""}:${hasPosition ? s.getPosition() : `${s.getLineNumber()}:${s.getColumnNumber()}`}:${s.getFunctionName() ?? ""}\n`;
  return key;
}

/** Ops whose output shape depends on tensor values: they read their input on the host. */
const DATA_DEPENDENT = new Set([
  "nonzero",
  "argwhere",
  "masked_select",
  "unique",
  "unique_consecutive",
  "bincount",
  "repeat_interleave",
  "histc",
  "histogram",
]);

/**
 * A graph break's reason for torch.compile and explain: the cut reason with
 * the op that caused it ("host read (item)", "data-dependent shape
 * (nonzero)"). The op is the op surface in progress (`surfaceOp`), else the
 * library function the user called (the frame just below the user's).
 */
export function breakReason(reason: string, surfaceOp: string | null): string {
  if (reason !== "host read" && reason !== "sync") return reason;
  const op = surfaceOp ?? calledOp();
  if (!op) return reason;
  if (DATA_DEPENDENT.has(op)) return `data-dependent shape (${op})`;
  return `${reason} (${op})`;
}

/** The name of the library function the user's code called, from the stack (null when not found). */
function calledOp(): string | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const lines = stack.split("\n").slice(1);
  const isLib = (l: string) => /packages\/(core|lazy|cpu|stablehlo|pjrt|nn|xlatorch)\/|node_modules|node:internal/.test(l);
  const u = lines.findIndex((l) => !isLib(l));
  if (u <= 0) return null;
  // the outermost library frame with a usable name, just below the user's frame
  for (let i = u - 1; i >= 0; i--) {
    const m = /^\s*at (?:new )?([\w$.<>]+)/.exec(lines[i]!);
    const name = m?.[1]?.split(".").pop();
    if (name && !/^(Object|Proxy|apply|call|<anonymous>|<computed>)$/.test(name) && /^[A-Za-z_]\w*$/.test(name)) return name;
  }
  return null;
}
