// PyTorch 1.13's deprecated nn classes kept for old code: nn.NLLLoss2d (NLLLoss
// under its old name for 4-d input; NLLLoss takes any rank) and nn.Container
// (a Module whose keyword arguments become submodules). Each warns once, as
// Python's warnings.warn does for one call site.
import { parseArgs } from "../args.js";
import { Module } from "../module.js";
import { NLLLoss } from "./loss.js";

const warned = new Set<string>();
const quiet = () => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.XLATORCH_QUIET;
function warnOnce(key: string, message: string): void {
  if (warned.has(key) || quiet()) return;
  warned.add(key);
  console.warn(`UserWarning: ${message}`);
}

export class NLLLoss2d extends NLLLoss {
  /** NLLLoss2d(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean') */
  constructor(...args: ConstructorParameters<typeof NLLLoss>) {
    warnOnce(
      "NLLLoss2d",
      "NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.",
    );
    // NLLLoss's own parse, so that a wrong argument is refused under this class's name
    parseArgs("NLLLoss2d", args, ["weight", "size_average", "ignore_index", "reduce", "reduction"]);
    super(...args);
  }
}

export class Container extends Module {
  /** Container(**kwargs): each keyword names a submodule. */
  constructor(kwargs: Record<string, Module> = {}) {
    super();
    warnOnce("Container", "nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. Subclass that instead.");
    for (const [key, value] of Object.entries(kwargs)) this.add_module(key, value);
  }
}
