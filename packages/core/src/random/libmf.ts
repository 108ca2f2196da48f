// float logf, sinf, cosf (placeholder: correctly rounded double results rounded to float).
export function logf(x: number): number {
  return Math.fround(Math.log(x));
}
export function sinf(x: number): number {
  return Math.fround(Math.sin(x));
}
export function cosf(x: number): number {
  return Math.fround(Math.cos(x));
}
