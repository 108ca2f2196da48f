// Error classes thrown at the call that caused them (API.md "Errors").
/** Wrong shapes, dims, indices or option values (PyTorch raises RuntimeError/IndexError). */
export class TorchError extends Error {
  override name = "TorchError";
}
/** Wrong dtypes, argument types or unknown options (PyTorch raises TypeError). */
export class TorchTypeError extends TypeError {
  override name = "TorchTypeError";
}
/** Out-of-range dims and indices (PyTorch raises IndexError). */
export class TorchIndexError extends RangeError {
  override name = "TorchIndexError";
}
