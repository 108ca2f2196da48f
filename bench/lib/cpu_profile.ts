// V8's sampling CPU profiler from inside the process (node:inspector), and
// the self / inclusive time per function of what it sampled: shared by the
// bench scripts that profile a steady state (gpt_cpu_profile.ts,
// compiled_host_profile.ts).
import { Session } from "node:inspector";

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Runs `body` under the profiler, sampling every `intervalUs` microseconds, and returns the profile. */
export async function profileWhile(intervalUs: number, body: () => Promise<void> | void): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((res, rej) => session.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r as T))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: intervalUs });
  await post("Profiler.start");
  let profile: CpuProfile | undefined;
  try {
    await body();
  } finally {
    profile = (await post<{ profile: CpuProfile }>("Profiler.stop")).profile;
    session.disconnect();
  }
  return profile;
}

/** A frame as "function file:line[:column]", the file relative to the repository where it is in it. */
export function frameKey(n: ProfileNode, column = true): string {
  const f = n.callFrame;
  const url = f.url.split("/work/main/")[1] ?? f.url.split("/").pop() ?? "";
  return `${f.functionName || "(anon)"} ${url}:${f.lineNumber + 1}${column ? `:${f.columnNumber + 1}` : ""}`;
}

/**
 * Sampled microseconds by frame key: self (the sample's own frame) and inclusive (every distinct frame on its
 * stack), over the samples whose stack (innermost first) `keep` accepts; `kept` and `dropped` are their totals.
 */
export function timeByFrame(
  profile: CpuProfile,
  key: (n: ProfileNode) => string,
  keep: (stack: readonly ProfileNode[]) => boolean = () => true,
): { self: Map<string, number>; incl: Map<string, number>; kept: number; dropped: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const self = new Map<string, number>(),
    incl = new Map<string, number>();
  let kept = 0,
    dropped = 0;
  profile.samples.forEach((nid, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const stack: ProfileNode[] = [];
    for (let m: number | undefined = nid; m !== undefined; m = parent.get(m)) stack.push(byId.get(m)!);
    if (!keep(stack)) {
      dropped += dt;
      return;
    }
    kept += dt;
    const k0 = key(stack[0]!);
    self.set(k0, (self.get(k0) ?? 0) + dt);
    const seen = new Set<string>();
    for (const m of stack) {
      const k = key(m);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  });
  return { self, incl, kept, dropped };
}
