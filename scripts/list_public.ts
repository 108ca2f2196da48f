// Lists the public callables of the torch namespace as JSON, for
// tests/fixtures/gen_signatures.py (which looks each up in PyTorch).
import * as torch from "xlatorch";
import * as core from "@xlatorch/core";

const fns = (o: object) =>
  Object.keys(o)
    .filter((k) => typeof (o as Record<string, unknown>)[k] === "function" && !k.startsWith("_"))
    .sort();
// classes (possibly behind the keyword-form Proxy, which hides their source): constructible with a prototype
const isClass = (f: unknown) =>
  typeof f === "function" &&
  /^class\b|native code/.test(Function.prototype.toString.call(f)) &&
  typeof (f as { prototype?: unknown }).prototype === "object";
const proto = torch.Tensor.prototype as unknown as Record<string, unknown>;
const methods = Object.getOwnPropertyNames(proto)
  .filter((k) => {
    const d = Object.getOwnPropertyDescriptor(proto, k);
    return k !== "constructor" && !k.startsWith("_") && typeof d?.value === "function";
  })
  .sort();
// Python's dunder methods (x.__rsub__(2)) and Tensor attributes (x.T, x.mH): listed apart, for the
// OpInfo generator's naming rule (tests/fixtures/gen_opinfo.py), not as callables of the signature tables
const dunders = Object.getOwnPropertyNames(proto)
  .filter((k) => /^__\w+__$/.test(k) && typeof Object.getOwnPropertyDescriptor(proto, k)?.value === "function")
  .sort();
const attributes = Object.getOwnPropertyNames(proto)
  .filter((k) => !k.startsWith("_") && typeof Object.getOwnPropertyDescriptor(proto, k)?.get === "function")
  .sort();
const nn = torch.nn as unknown as Record<string, unknown>;
const coreRec = core as unknown as Record<string, unknown>;
const out = {
  // every value @xlatorch/core exports, and which are plain functions (the torch.* candidates)
  core: Object.keys(core).sort(),
  torch: fns(core).filter((k) => !isClass(coreRec[k])),
  tensor: methods,
  functional: fns(torch.nn.functional),
  modules: Object.keys(nn)
    .filter((k) => isClass(nn[k]))
    .sort(),
  optim: Object.keys(torch.optim)
    .filter((k) => isClass((torch.optim as Record<string, unknown>)[k]))
    .sort(),
  lr_scheduler: Object.keys(torch.optim.lr_scheduler)
    .filter((k) => isClass((torch.optim.lr_scheduler as Record<string, unknown>)[k]))
    .sort(),
  nn_utils: fns(torch.nn.utils),
  init: fns(torch.nn.init),
  linalg: fns(core.linalg).filter((k) => !isClass((core.linalg as unknown as Record<string, unknown>)[k])),
  fft: fns(core.fft),
  special: fns(core.special),
  masked: fns(core.masked),
  dunders,
  attributes,
};
console.log(JSON.stringify(out));
