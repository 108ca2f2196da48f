// Tests that assert the default (fused) mode's compile counts or pending
// graphs pin it, so the whole suite can also run under XLATORCH_EXECUTION_MODE.
import { afterAll, beforeAll } from "vitest";
import * as torch from "xlatorch";

export function pinFused(): void {
  let prev: torch.xla.ExecutionMode = "fused";
  beforeAll(() => {
    prev = torch.xla.get_execution_mode();
    torch.xla.set_execution_mode("fused");
  });
  afterAll(() => torch.xla.set_execution_mode(prev));
}
