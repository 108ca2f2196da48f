// complex64 pow as PyTorch's CPU computes it: std::pow(complex<float>, complex<float>)
// is glibc's cpowf, cexpf(y * clogf(x)) with every step rounded to float32.
// The angle of y log x is often large (tens of radians), so rounding it to
// float32 moves the result by ~1e-6 relative: float64 evaluation rounded once is
// out of float32 tolerance of PyTorch's value for ~3% of random inputs, this
// step-by-step evaluation for ~0.02%. clogf's argument is atan2f, glibc 2.36's
// fdlibm port (below, identical to it on 200000 random inputs); log, hypot, exp,
// sin and cos are taken in float64 and rounded (glibc's float versions round
// correctly but in rare cases).
const f = Math.fround;
const scratch = new DataView(new ArrayBuffer(4));
const bits = (x: number): number => {
  scratch.setFloat32(0, x);
  return scratch.getInt32(0);
};

const ATANHI = [4.6364760399e-1, 7.8539812565e-1, 9.8279368877e-1, 1.5707962513].map(f);
const ATANLO = [5.012158244e-9, 3.7748947079e-8, 3.447321717e-8, 7.5497894159e-8].map(f);
const AT = [
  3.3333334327e-1, -2.0000000298e-1, 1.4285714924e-1, -1.1111110449e-1, 9.0908870101e-2, -7.6918758452e-2, 6.6610731184e-2,
  -5.8335702866e-2, 4.9768779427e-2, -3.6531571299e-2, 1.6285819933e-2,
].map(f);
const PI = f(3.141592741),
  PI_O_2 = f(1.5707963705),
  PI_LO = f(-8.7422776573e-8);

/** fdlibm's atanf (glibc sysdeps/ieee754/flt-32/s_atanf.c), each operation in float32. */
function atanf(x0: number): number {
  let x = f(x0);
  const hx = bits(x),
    ix = hx & 0x7fffffff;
  let id: number;
  if (ix >= 0x4c000000) {
    if (ix > 0x7f800000) return x + x;
    return hx > 0 ? f(ATANHI[3]! + ATANLO[3]!) : f(-ATANHI[3]! - ATANLO[3]!);
  }
  if (ix < 0x3ee00000) {
    if (ix < 0x31000000) return x;
    id = -1;
  } else {
    x = Math.abs(x);
    if (ix < 0x3f980000) {
      if (ix < 0x3f300000) {
        id = 0;
        x = f(f(f(2 * x) - 1) / f(2 + x));
      } else {
        id = 1;
        x = f(f(x - 1) / f(x + 1));
      }
    } else if (ix < 0x401c0000) {
      id = 2;
      x = f(f(x - 1.5) / f(1 + f(1.5 * x)));
    } else {
      id = 3;
      x = f(-1 / x);
    }
  }
  const z = f(x * x),
    w = f(z * z);
  const s1 = f(z * f(AT[0]! + f(w * f(AT[2]! + f(w * f(AT[4]! + f(w * f(AT[6]! + f(w * f(AT[8]! + f(w * AT[10]!)))))))))));
  const s2 = f(w * f(AT[1]! + f(w * f(AT[3]! + f(w * f(AT[5]! + f(w * f(AT[7]! + f(w * AT[9]!)))))))));
  if (id < 0) return f(x - f(x * f(s1 + s2)));
  const r = f(ATANHI[id]! - f(f(f(x * f(s1 + s2)) - ATANLO[id]!) - x));
  return hx < 0 ? -r : r;
}

/** fdlibm's atan2f (glibc e_atan2f.c), float32. */
export function atan2f(y0: number, x0: number): number {
  const y = f(y0),
    x = f(x0);
  const hx = bits(x),
    ix = hx & 0x7fffffff,
    hy = bits(y),
    iy = hy & 0x7fffffff;
  if (ix > 0x7f800000 || iy > 0x7f800000) return x + y;
  if (hx === 0x3f800000) return atanf(y);
  const m = ((hy >>> 31) & 1) | ((hx >>> 30) & 2);
  if (iy === 0) return m === 0 || m === 1 ? y : m === 2 ? PI : -PI;
  if (ix === 0) return hy < 0 ? -PI_O_2 : PI_O_2;
  // an infinite part: the exact angles (a multiple of pi/4), rounded
  if (ix === 0x7f800000 || iy === 0x7f800000) return f(Math.atan2(y, x));
  const k = (iy - ix) >> 23;
  const z = k > 60 ? f(PI_O_2 + f(0.5 * PI_LO)) : hx < 0 && k < -60 ? 0 : atanf(Math.abs(f(y / x)));
  if (m === 0) return z;
  if (m === 1) return -z;
  if (m === 2) return f(PI - f(z - PI_LO));
  return f(f(z - PI_LO) - PI);
}

/** cpowf(a + ib, c + id) = cexpf((c + id) clogf(a + ib)), float32 throughout; x^0 = 1 and 0^y as float64's formula gives them. */
export function cpowf(
  a: number,
  b: number,
  c: number,
  d: number,
  f64: (a: number, b: number, c: number, d: number) => [number, number],
): [number, number] {
  if ((c === 0 && d === 0) || (a === 0 && b === 0) || ![a, b, c, d].every(Number.isFinite)) return f64(a, b, c, d);
  const lr = f(Math.log(f(Math.hypot(a, b)))),
    li = atan2f(b, a);
  const mr = f(f(c * lr) - f(d * li)),
    mi = f(f(c * li) + f(d * lr));
  const e = f(Math.exp(mr));
  return [f(e * f(Math.cos(mi))), f(e * f(Math.sin(mi)))];
}
