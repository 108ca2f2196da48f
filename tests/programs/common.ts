// What a ported program reports, and the probe it calls after every training
// step (the test reads torch.xla.metrics() there to watch compiles).
import * as torch from "xlatorch";

export interface ProgramRun {
  losses: number[];
  evals: number[];
  lrs?: number[];
  norms?: number[];
  /** Sampled token ids (nanoGPT's generate), compared exactly. */
  generated?: number[];
  /** state_dict name -> [sum, sum of |.|], in float64, at the end. */
  params: Record<string, [number, number]>;
}
export type Form = "positional" | "keyword";
export type OnStep = (step: number) => void;
export type Program = (device: string, onStep?: OnStep) => ProgramRun;

/** The generator's checksums(model): every floating-point state_dict entry's sum and absolute sum. */
export function checksums(model: torch.nn.Module): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (let [k, v] of Object.entries(model.state_dict())) {
    if (!v.is_floating_point()) continue;
    if (k.endsWith("in_proj_bias")) {
      // (the generator's reason: the key bias's gradient is exactly zero, so its Adam steps follow rounding noise)
      const e = v.numel() / 3;
      v = torch.cat([v.getitem(`:${e}`), v.getitem(`${2 * e}:`)]);
      k = `${k}[q,v]`;
    }
    const d = v.double();
    out[k] = [d.sum().item() as number, d.abs().sum().item() as number];
  }
  return out;
}
