// Which public callables the fixture suites outside nn_keyword.json /
// keyword_rest.json / ops.json call in their keyword form (PyTorch's keyword
// names in a trailing options object), for the coverage checks of
// tests/nn_keyword_fixtures.test.ts and tests/keyword_rest_fixtures.test.ts.
//
// A name ("modules.X", "functional.f", "torch.f", "tensor.f", "init.f",
// "optim.X", "lr_scheduler.X", "special.f", "linalg.f", "fft.f") counts only
// where its suite really runs a call that passes at least one argument by
// keyword and compares the result with PyTorch's, read off each suite's test
// file:
//   optim_more.json   every optim / sched / init case runs the "keyword" form
//                     (every argument named) and the "mixed" one
//                     (optim_more.fixtures.test.ts FORMS); nested schedulers
//                     (SequentialLR's) are built in the same form
//   nn_more.json      call and grad cases (no "kind", or "grad") and module
//                     cases ("kind": "module", constructor args/kwargs) with a
//                     non-empty "kwargs"; program steps with non-empty kwargs on
//                     "torch" or on a tensor variable. Error cases do not count
//   attention.json    sdpa cases with a form k < the number of args or
//                     keyword-only kwargs; mha_fn cases (always run in form 3:
//                     query, key, value positional, the rest by keyword); bag
//                     cases with non-empty kwargs (run as embedding_bag(input,
//                     weight, kwargs)); module specs ({ctor, args, kwargs}, in
//                     init/cases/bag_module and nested {"module": spec}) with
//                     non-empty kwargs. ParameterList/Dict's hand-written tests,
//                     masks and errors do not count
//   nn_unpool.json    as nn_more.json (max_unpool, fractional pooling, grid_sample, ctc_loss)
//   linalg_eig.json   cases (not errors) with non-empty kwargs, as linalg.json
//   linalg.json       cases (not errors) with non-empty kwargs: "linalg.f",
//                     "f" (torch.f), "Tensor.f" (the method)
//   special.json      cases (not errors) with non-empty kwargs: "special.f",
//                     "Tensor.f", "f"
//   torch_more.json   call / grad cases (not "kind": "error") with non-empty
//                     kwargs by their "call"; program steps as in nn_more
//   torch_nn_aliases.json  as torch_more.json (torch.selu, torch.conv2d, ...)
//   complex_fft.json  cases without "error" with non-empty kwargs: method ->
//                     tensor.f, a dotted function path ("fft.fft") as is,
//                     else torch.f
//   masked_native.json  cases with non-empty kwargs by their dotted "fn"
//                     ("nn.functional.f", "masked.f", "f"); module cases ("ctor")
//                     with a constructor options object. Errors do not count
//   linalg_ldl.json   cases (not errors) with non-empty kwargs: "linalg.f",
//                     "F.f" (functional.f), "f" (torch.f); nn.X module cases
//                     and "celu_ on a non-leaf" do not count
//   lu_hfft.json      cases (not errors) with non-empty kwargs: "fft.f" and
//                     "fft.f complex" (fft.f), "Tensor.f" (tensor.f), "f" (torch.f)
//   missing_names.json  as torch_more.json; "F.f" is functional.f; a compared
//                     chain_matmul call counts (its one parameter is *matrices)
//   strided_symeig.json  cases (not errors) with non-empty kwargs ("call"/"fn")
//   issue10_gaps.json  module cases ("kind": "module") with a non-empty "kwargs"; call cases ("kind": "call")
//                     with non-empty kwargs by their dotted "fn" or method
//   lazy_modules.json  "lazy" cases (module built from cls/args/kwargs) and "uninit" ones
//                     (nn.UninitializedParameter) with a non-empty "kwargs"
//   adaptive_log_softmax.json  "module" cases with a non-empty "kwargs"
//   sparse_adam.json  "build" cases with a non-empty "kwargs" (optim.SparseAdam)
//   nn_last.json      "lazy", "module", "sync", "data_parallel" cases (cls, or SyncBatchNorm/DataParallel) and
//                     "uninit_buffer" ones (nn.UninitializedBuffer) with a non-empty "kwargs"; the "container"
//                     case (nn.Container takes only **kwargs: built from keywords, its one form)
// A callable none of whose signatures (packages/core/src/signatures.json) has
// a parameter has no keyword form: a compared call of it counts.
// A fixture file that is not there (a suite not landed yet) adds nothing.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type J = any;

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const SIGNATURES = fileURLToPath(new URL("../../packages/core/src/signatures.json", import.meta.url));

function load(file: string): J | undefined {
  const path = FIXTURES + file;
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}

const nonEmpty = (kw: unknown): boolean => kw !== null && typeof kw === "object" && Object.keys(kw as object).length > 0;

/** "nn.functional.elu" -> "functional.elu", "nn.init.x" -> "init.x", "special.x"/"linalg.x"/"fft.x" as is, "x" -> "torch.x". */
function functionName(path: string): string {
  if (path.startsWith("torch.")) path = path.slice(6);
  if (path.startsWith("nn.functional.")) return `functional.${path.slice(14)}`;
  if (path.startsWith("nn.init.")) return `init.${path.slice(8)}`;
  if (path.startsWith("nn.utils.")) return `nn_utils.${path.slice(9)}`;
  if (path.startsWith("nn.")) return `modules.${path.slice(3)}`;
  return path.includes(".") ? path : `torch.${path}`;
}

/** The covered names; `called` also gets every name a suite calls and compares (keyword form or not). */
function collect(keyword: Set<string>, called: Set<string>): void {
  const hit = (name: string, kw: boolean) => {
    called.add(name);
    if (kw) keyword.add(name);
  };
  const program = (c: J) => {
    for (const step of c.program as J[]) {
      const kw = nonEmpty(step.kwargs);
      if (step.target === "torch") hit(functionName(step.method), kw);
      else if (c.vars?.[step.target] && typeof c.vars[step.target] === "object" && "t" in c.vars[step.target])
        hit(`tensor.${step.method}`, kw);
    }
  };
  const opCall = (c: J) => hit(c.call === "method" ? `tensor.${c.fn}` : functionName(c.fn), nonEmpty(c.kwargs));

  const optim = load("optim_more.json");
  if (optim) {
    for (const c of optim.optim ?? []) hit(`optim.${c.cls}`, true);
    const sched = (spec: J) => {
      hit(`lr_scheduler.${spec.cls}`, true);
      const walk = (v: J): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          if ("sched" in v) sched(v.sched);
          else Object.values(v).forEach(walk);
        }
      };
      walk(spec.params);
    };
    for (const c of optim.sched ?? []) sched(c.sched);
    for (const c of optim.init ?? []) hit(`init.${c.fn}`, true);
  }

  const nnMore = [...((load("nn_more.json") as J[] | undefined) ?? []), ...((load("nn_unpool.json") as J[] | undefined) ?? [])];
  for (const c of nnMore) {
    if (c.kind === "error") continue;
    if (c.kind === "module") hit(`modules.${c.cls}`, nonEmpty(c.kwargs));
    else if ("program" in c) program(c);
    else opCall(c);
  }

  const att = load("attention.json");
  if (att) {
    const spec = (s: J) => {
      hit(`modules.${s.ctor}`, nonEmpty(s.kwargs));
      const walk = (v: J): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          if ("module" in v) spec(v.module);
          else if (!("t" in v)) Object.values(v).forEach(walk);
        }
      };
      walk(s.args);
      walk(s.kwargs);
    };
    for (const c of att.sdpa ?? [])
      hit("functional.scaled_dot_product_attention", nonEmpty(c.kwargs) || (c.forms as number[]).some((k) => k < c.args.length));
    for (const _ of att.mha_fn ?? []) hit("functional.multi_head_attention_forward", true);
    for (const c of att.bag ?? []) hit("functional.embedding_bag", nonEmpty(c.kwargs));
    for (const c of [...(att.init ?? []), ...(att.cases ?? [])]) spec(c.spec);
    if (att.bag_module) spec(att.bag_module.spec);
  }

  const named = (fn: string) => (fn.startsWith("Tensor.") ? `tensor.${fn.slice(7)}` : functionName(fn));
  for (const file of ["linalg.json", "special.json"]) {
    const d = load(file);
    for (const c of d?.cases ?? []) hit(named(c.fn), nonEmpty(c.kwargs));
  }
  for (const c of load("linalg_eig.json")?.cases ?? []) if (!c.error && !c.backward_error) hit(named(c.fn), nonEmpty(c.kwargs));

  const more = [...((load("torch_more.json") as J[] | undefined) ?? []), ...((load("torch_nn_aliases.json") as J[] | undefined) ?? [])];
  for (const c of more) {
    if (c.kind === "error") continue;
    if ("program" in c) program(c);
    else opCall(c);
  }

  const cfft = load("complex_fft.json") as J[] | undefined;
  for (const c of cfft ?? []) if (!c.error) opCall(c);

  for (const c of load("masked_native.json")?.cases ?? [])
    if (c.ctor) hit(functionName(c.fn), c.ctor.length > 0 && nonEmpty(c.ctor[c.ctor.length - 1]) && !("t" in c.ctor[c.ctor.length - 1]));
    else hit(functionName(c.fn), nonEmpty(c.kwargs));

  for (const c of load("linalg_ldl.json")?.cases ?? []) {
    if (c.error || c.backward_error || c.fn.startsWith("nn.") || c.fn.includes(" ")) continue;
    hit(c.fn.startsWith("F.") ? `functional.${c.fn.slice(2)}` : functionName(c.fn), nonEmpty(c.kwargs));
  }
  for (const c of load("segment_reduce.json")?.cases ?? []) if (!c.error) hit("torch.segment_reduce", nonEmpty(c.kwargs));
  for (const c of load("lu_hfft.json")?.cases ?? []) if (!c.error) hit(named(c.fn.replace(/ complex$/, "")), nonEmpty(c.kwargs));
  for (const c of (load("missing_names.json") as J[] | undefined) ?? []) {
    if (c.kind === "error") continue;
    if ("program" in c) program(c);
    else if (c.fn.startsWith("F.")) hit(`functional.${c.fn.slice(2)}`, nonEmpty(c.kwargs));
    // chain_matmul's one parameter is *matrices: it has no keyword form, a compared call counts
    else if (c.fn === "chain_matmul") hit("torch.chain_matmul", true);
    else opCall(c);
  }
  for (const c of (load("strided_symeig.json") as J[] | undefined) ?? []) if (c.kind !== "error") opCall(c);
  for (const c of (load("issue10_gaps.json") as J[] | undefined) ?? []) {
    if (c.kind === "module") hit(`modules.${c.cls}`, nonEmpty(c.kwargs));
    else if (c.kind === "call") opCall(c);
  }
  // engineer F's: the Lazy* modules and UninitializedParameter, AdaptiveLogSoftmaxWithLoss, SparseAdam
  for (const c of (load("lazy_modules.json") as J[] | undefined) ?? [])
    if (c.kind === "lazy" || c.kind === "uninit")
      hit(`modules.${c.kind === "uninit" ? "UninitializedParameter" : c.cls}`, nonEmpty(c.kwargs));
  for (const c of (load("adaptive_log_softmax.json") as J[] | undefined) ?? [])
    if (c.kind === "module") hit("modules.AdaptiveLogSoftmaxWithLoss", nonEmpty(c.kwargs));
  for (const c of (load("sparse_adam.json") as J[] | undefined) ?? []) if (c.kind === "build") hit("optim.SparseAdam", nonEmpty(c.kwargs));
  // engineer E's: the Lazy norms, UninitializedBuffer, CrossMapLRN2d, NLLLoss2d, SyncBatchNorm, DataParallel, Container
  const NN_LAST: Record<string, string | undefined> = {
    uninit_buffer: "UninitializedBuffer",
    sync: "SyncBatchNorm",
    data_parallel: "DataParallel",
  };
  for (const c of (load("nn_last.json") as J[] | undefined) ?? []) {
    if (c.kind === "lazy" || c.kind === "module") hit(`modules.${c.cls}`, nonEmpty(c.kwargs));
    else if (NN_LAST[c.kind]) hit(`modules.${NN_LAST[c.kind]}`, nonEmpty(c.kwargs));
    else if (c.kind === "container") hit("modules.Container", true);
  }
}

/** Names with no parameter in any of their signatures.json overloads (no keyword form exists). */
function parameterless(name: string, table: Record<string, Record<string, J>>): boolean {
  const dot = name.indexOf(".");
  const overloads = table[name.slice(0, dot)]?.[name.slice(dot + 1)] as J[] | undefined;
  return Array.isArray(overloads) && overloads.length > 0 && overloads.every((o) => o.params.length === 0 && !o.varargs);
}

/** The names whose keyword form a fixture suite checks against PyTorch (see the comment at the top). */
export function keywordCovered(): Set<string> {
  const keyword = new Set<string>();
  const called = new Set<string>();
  collect(keyword, called);
  const table = JSON.parse(readFileSync(SIGNATURES, "utf8")).table as Record<string, Record<string, J>>;
  for (const n of called) if (parameterless(n, table)) keyword.add(n);
  return keyword;
}
