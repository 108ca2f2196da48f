// torch.special.airy_ai, composed of elementwise ops as PyTorch's
// airy_ai_forward (ATen/native/Math.h, Cephes' airy) computes it: below -2.09
// the oscillatory asymptotic form (rational functions in 1/zeta), from 2.09 on
// the exponentially decaying one (0 past 103.892), between them the power
// series f, g of Ai = c1 f - c2 g. PyTorch sums the series until a term is
// below machine epsilon; for |x| < 2.09 (|x^3| < 9.2) 24 terms are past
// that, so a fixed count is used (the branches not taken are computed on a
// clamped argument and dropped). NaN at +-inf; not differentiable (as PyTorch).
import { surface } from "../autograd.js";
import { get_default_dtype } from "../dtype_all.js";
import type { Tensor } from "../tensor.js";
import { checkTensor } from "./args.js";
import { opmath } from "./base.js";
import { add, clamp, cos, div, exp, ge, gt, isinf, lt, mul, neg, sin, sqrt, sub, where } from "./elementwise.js";

const AN = [
  3.46538101525629032477e-1, 1.20075952739645805542e1, 7.62796053615234516538e1, 1.68089224934630576269e2, 1.59756391350164413639e2,
  7.05360906840444183113e1, 1.40264691163389668864e1, 9.99999999999999995305e-1,
];
const AD = [
  5.67594532638770212846e-1, 1.47562562584847203173e1, 8.45138970141474626562e1, 1.77318088145400459522e2, 1.64234692871529701831e2,
  7.14778400825575695274e1, 1.40959135607834029598e1, 1.0000000000000000047,
];
const AFN = [
  -1.31696323418331795333e-1, -6.26456544431912369773e-1, -6.93158036036933542233e-1, -2.79779981545119124951e-1, -4.9190013260950031802e-2,
  -4.06265923594885404393e-3, -1.5927649623926209634e-4, -2.77649108155232920844e-6, -1.6778769848911463378e-8,
];
const AFD = [
  1.33560420706553243746e1, 3.26825032795224613948e1, 2.67367040941499554804e1, 9.1870740290725962584, 1.47529146771666414581,
  1.15687173795188044134e-1, 4.40291641615211203805e-3, 7.54720348287414296618e-5, 4.51850092970580378464e-7,
];
const AGN = [
  1.97339932091685679179e-2, 3.91103029615688277255e-1, 1.06579897599595591108, 9.39169229816650230044e-1, 3.51465656105547619242e-1,
  6.33888919628925490927e-2, 5.85804113048388458567e-3, 2.82851600836737019778e-4, 6.98793669997260967291e-6, 8.11789239554389293311e-8,
  3.41551784765923618484e-10,
];
const AGD = [
  9.30892908077441974853, 1.98352928718312140417e1, 1.55646628932864612953e1, 5.47686069422975497931, 9.54293611618961883998e-1,
  8.64580826352392193095e-2, 4.12656523824222607191e-3, 1.0125908511650913551e-4, 1.17166733214413521882e-6, 4.91834570062930015649e-9,
];

/** Horner's rule as the Cephes loops run it: p = p * v + c for each coefficient, from 0. */
const horner = (cs: readonly number[], v: Tensor): Tensor => cs.reduce<Tensor>((p, c) => add(mul(p, v), c), mul(v, 0));

export function airy_ai(x: Tensor): Tensor {
  checkTensor("special_airy_ai", "x", x);
  const dt = x.dtype.is_floating_point ? x.dtype : get_default_dtype();
  return surface("special_airy_ai", () =>
    opmath(dt, [x.detach()], (u) => {
      // x < -2.09: 0.5642 / (-x)^(1/4) (sin t (1 + z^2 afn / afd) - cos t z agn / agd), t = zeta + pi / 4
      const xn = clamp(u!, null, -2.09);
      const s = sqrt(neg(xn));
      const zeta = div(mul(mul(xn, -2), s), 3);
      const z = div(1, zeta);
      const z2 = mul(z, z);
      const t = add(zeta, 0.25 * Math.PI);
      const neg_ = mul(
        div(5.64189583547756286948e-1, sqrt(s)),
        sub(
          mul(sin(t), add(1, div(mul(z2, horner(AFN, z2)), horner(AFD, z2)))),
          mul(cos(t), div(mul(z, horner(AGN, z2)), horner(AGD, z2))),
        ),
      );
      // x >= 2.09: 0.5642 an / ad / (2 x^(1/4) exp(zeta))
      const xp = clamp(u!, 2.09, null);
      const sp = sqrt(xp);
      const zp = div(mul(mul(xp, 2), sp), 3);
      const iz = div(1, zp);
      const pos = div(mul(5.64189583547756286948e-1, div(horner(AN, iz), horner(AD, iz))), mul(mul(sqrt(sp), 2), exp(zp)));
      // between: Ai = c1 f - c2 g, f = sum 3^k (1/3)_k x^3k / (3k)!, g likewise with x^(3k+1)
      const xm = clamp(u!, -2.09, 2.09);
      const z3 = mul(mul(xm, xm), xm);
      let f = add(mul(xm, 0), 1),
        g = xm,
        m = add(mul(xm, 0), 1),
        n = xm;
      let k = 1;
      for (let i = 0; i < 24; i++) {
        m = div(mul(m, z3), k + 1);
        n = div(mul(n, z3), k + 2);
        m = div(m, k + 2);
        f = add(f, m);
        n = div(n, k + 3);
        g = add(g, n);
        k += 3;
      }
      const mid = sub(mul(f, 0.35502805388781723926), mul(g, 0.258819403792806798405));
      let r = where(lt(u!, -2.09), neg_, where(ge(u!, 2.09), pos, mid));
      r = where(gt(u!, 103.892), 0, r);
      return where(isinf(u!), Number.NaN, r);
    }),
  );
}
