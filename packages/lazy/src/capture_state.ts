// The torch.compile capture in progress (capture.ts), as the recording path
// sees it: told of every tensor an op reads and every in-place write, and of
// every host read or sync (a graph break). A module of its own so that the
// backend and the trace need not import the capture.
import type { Tensor } from "@xlatorch/core";
import type { LazyValue, XlaPayload } from "./ir.js";

export interface CaptureSink {
  /** An op (or a write) read tensor `t`, whose value is `v`. */
  noteRead(t: Tensor, v: LazyValue): void;
  /** `base` is about to be written in place; `before` is its value until now. */
  noteWrite(base: Tensor, before: LazyValue): void;
  /** A host read or sync inside the captured call; may throw (fullgraph). */
  noteBreak(reason: string, where: string | null): void;
  /** A cpu tensor met by a compiled cpu call: give it the recorder's payload for the call (its own comes back at the end). */
  lift(t: Tensor): XlaPayload;
}

let active: CaptureSink | null = null;
export const activeCapture = (): CaptureSink | null => active;
export function setActiveCapture(c: CaptureSink | null): void {
  active = c;
}
