// The ops added after the first fixture set (isclose, nan_to_num, median,
// unique, scatter_reduce, addmm, cdist, ...; each in its concept file under
// packages/core/src/ops/) and torch.testing.assert_close
// against PyTorch 1.13 (tests/fixtures/gen_more_ops.py writes more_ops.json and
// more_grads.json), on both devices. Op and gradient cases use the shared
// fixture format (tests/harness/fixtures.ts); assert_close cases check the
// thrown error's type and exact message.
import { expect, it } from "vitest";
import { decodeValue, loadCases, loadTorch, runGradCase, runOpCase, type GradCase, type Json, type OpCase } from "./harness/fixtures";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

interface AssertCloseCase {
  name: string;
  kind: "assert_close";
  args: Json[];
  kwargs: Record<string, Json>;
  error: { type: "AssertionError" | "ValueError" | "TypeError"; message: string } | null;
}

type AnyCase = OpCase | AssertCloseCase | ErrorCase;
const all = loadCases<AnyCase>("more_ops.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const opCases = all.filter((c): c is OpCase => kindOf(c) === undefined);
const acCases = all.filter((c): c is AssertCloseCase => kindOf(c) === "assert_close");
const errCases = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const gradCases = loadCases<GradCase>("more_grads.json");

onEveryTarget("more ops vs PyTorch on %s", (device) => {
  for (const c of opCases) {
    it(c.name, async () => {
      await runOpCase(c, device);
    });
  }
});

onEveryTarget("more ops gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) {
    it(c.name, async () => {
      await runGradCase(c, device);
    });
  }
});

onEveryTarget("torch.testing.assert_close vs PyTorch on %s", (device) => {
  for (const c of acCases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const args = decodeValue(c.args, device, { torch }) as unknown[];
      const kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
      const call = () => torch.testing.assert_close(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
      if (c.error === null) {
        expect(call).not.toThrow();
        return;
      }
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, "assert_close should throw").toBeInstanceOf(Error);
      const e = thrown as Error;
      if (c.error.type === "TypeError") expect(e).toBeInstanceOf(TypeError);
      else expect(e.name).toBe(c.error.type);
      expect(e.message).toBe(c.error.message);
    });
  }
});

onEveryTarget("bad calls throw as PyTorch does on %s", (device) => {
  for (const c of errCases)
    it(c.name, async () => {
      await runErrorCase(c, device);
    });
});

// grad_fn names as PyTorch 1.13 reports them (type(y.grad_fn).__name__ for the
// same expressions, printed by real PyTorch).
const PYTORCH_GRAD_FN_NAMES: Record<string, string> = {
  addmm: "AddmmBackward0",
  addmv: "AddmvBackward0",
  addr: "AddrBackward0",
  addbmm: "AddbmmBackward0",
  baddbmm: "BaddbmmBackward0",
  addcmul: "AddcmulBackward0",
  addcdiv: "AddcdivBackward0",
  mv: "MvBackward0",
  diag1: "DiagBackward0",
  diag2: "DiagBackward0",
  diag_embed: "DiagEmbedBackward0",
  trace: "TraceBackward0",
  tensordot: "ReshapeAliasBackward0",
  kron: "UnsafeViewBackward0",
  cross: "LinalgCrossBackward0",
  cdist: "CdistBackward0",
  dist: "DistBackward0",
  block_diag: "BlockDiagBackward0",
  cartesian_prod: "StackBackward0",
  nan_to_num: "NanToNumBackward0",
  hypot: "HypotBackward0",
  logaddexp: "LogaddexpBackward0",
  logaddexp2: "Logaddexp2Backward0",
  xlogy: "XlogyBackward0",
  sinc: "SincBackward0",
  copysign: "CopysignBackward0",
  deg2rad: "Deg2RadBackward0",
  rad2deg: "Rad2DegBackward0",
  float_power: "PowBackward0",
  sgn: "SgnBackward0",
  logit: "LogitBackward0",
  erfc: "ErfcBackward0",
  std_mean: "StdMeanBackward0",
  var_mean: "VarMeanBackward0",
  median: "MedianBackward0",
  median_dim: "MedianBackward1",
  nanmedian: "NanmedianBackward0",
  nansum: "NansumBackward0",
  nanmean: "DivBackward0",
  logcumsumexp: "LogcumsumexpBackward0",
  cummax: "CummaxBackward0",
  cummin: "CumminBackward0",
  diff: "SubBackward0",
  tile: "RepeatBackward0",
  index_add: "IndexAddBackward0",
  index_fill: "IndexFillBackward0",
  index_copy: "IndexCopyBackward0",
  masked_scatter: "MaskedScatterBackward0",
  scatter_reduce: "ScatterReduceBackward0",
  rot90: "Rot90Backward0",
  meshgrid: "ExpandBackward0",
  broadcast_tensors: "ExpandBackward0",
  tensor_split: "SliceBackward0",
  atleast_3d: "UnsqueezeBackward0",
  column_stack: "CatBackward0",
  dstack: "CatBackward0",
  type_as: "ToCopyBackward0",
  nanmedian_dim: "NanmedianBackward1",
  atleast_2d: "UnsqueezeBackward0",
  atleast_1d_0dim: "ReshapeAliasBackward0",
  atleast_3d_1d: "UnsqueezeBackward0",
  std_mean_dim: "StdMeanBackward0",
  addmm_inplace: "AddmmBackward0",
  diag_offset: "DiagBackward0",
  cdist_p1: "CdistBackward0",
};

it("grad_fn names of the more ops follow PyTorch", async () => {
  const T = await loadTorch();
  const x = T.randn(3, 3, { requires_grad: true }),
    v = T.randn(3, { requires_grad: true }),
    b = T.randn(2, 3, 3, { requires_grad: true });
  const s = T.tensor(1.5, { requires_grad: true }),
    i = T.tensor([0, 2]);
  const E: Record<string, () => any> = {
    addmm: () => T.addmm(x, x, x),
    addmv: () => T.addmv(v, x, v),
    addr: () => T.addr(x, v, v),
    addbmm: () => T.addbmm(x, b, b),
    baddbmm: () => T.baddbmm(b, b, b),
    addcmul: () => T.addcmul(x, x, x),
    addcdiv: () => T.addcdiv(x, x, x),
    mv: () => T.mv(x, v),
    diag1: () => T.diag(v),
    diag2: () => T.diag(x),
    diag_embed: () => T.diag_embed(x),
    trace: () => T.trace(x),
    tensordot: () => T.tensordot(x, x),
    kron: () => T.kron(x, x),
    cross: () => T.cross(x, x, 1),
    cdist: () => T.cdist(x, x),
    dist: () => T.dist(x, x),
    block_diag: () => T.block_diag(x, x),
    cartesian_prod: () => T.cartesian_prod(v, v),
    nan_to_num: () => T.nan_to_num(x),
    hypot: () => T.hypot(x, x),
    logaddexp: () => T.logaddexp(x, x),
    logaddexp2: () => T.logaddexp2(x, x),
    xlogy: () => T.xlogy(x, x),
    sinc: () => T.sinc(x),
    copysign: () => T.copysign(x, x),
    deg2rad: () => T.deg2rad(x),
    rad2deg: () => T.rad2deg(x),
    float_power: () => T.float_power(x, 2),
    sgn: () => T.sgn(x),
    logit: () => T.logit(x),
    erfc: () => T.erfc(x),
    std_mean: () => T.std_mean(x)[0],
    var_mean: () => T.var_mean(x, 1)[1],
    median: () => T.median(x),
    median_dim: () => T.median(x, 1)[0],
    nanmedian: () => T.nanmedian(x),
    nansum: () => T.nansum(x),
    nanmean: () => T.nanmean(x),
    logcumsumexp: () => T.logcumsumexp(x, 0),
    cummax: () => T.cummax(x, 0)[0],
    cummin: () => T.cummin(x, 0)[0],
    diff: () => T.diff(x),
    tile: () => T.tile(x, [2]),
    index_add: () => T.index_add(x, 0, i, x.getitem(":2")),
    index_fill: () => T.index_fill(x, 0, i, 1.0),
    index_copy: () => T.index_copy(x, 0, i, x.getitem(":2")),
    masked_scatter: () => T.masked_scatter(x, x.gt(0), x),
    scatter_reduce: () => T.scatter_reduce(x, 0, T.zeros(3, 3, { dtype: T.int64 }), x, "sum"),
    rot90: () => T.rot90(x),
    meshgrid: () => T.meshgrid(v, v, { indexing: "ij" })[0],
    broadcast_tensors: () => T.broadcast_tensors(x, v)[1],
    tensor_split: () => T.tensor_split(x, 2)[0],
    atleast_3d: () => T.atleast_3d(x),
    column_stack: () => T.column_stack([v, v]),
    dstack: () => T.dstack([x, x]),
    type_as: () => v.type_as(T.zeros(1, { dtype: T.float64 })),
    nanmedian_dim: () => T.nanmedian(x, 1)[0],
    atleast_2d: () => T.atleast_2d(v),
    atleast_1d_0dim: () => T.atleast_1d(s),
    atleast_3d_1d: () => T.atleast_3d(v),
    std_mean_dim: () => T.std_mean(x, 1)[0],
    addmm_inplace: () => x.clone().addmm_(x, x),
    diag_offset: () => T.diag(v, 1),
    cdist_p1: () => T.cdist(x, x, 1),
  };
  const got: Record<string, string> = {};
  for (const [k, f] of Object.entries(E)) got[k] = f().grad_fn?.name;
  expect(got).toEqual(PYTORCH_GRAD_FN_NAMES);
});
