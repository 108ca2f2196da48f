// torch._dynamo as users see it (torch.compile's controls).
export { explain, reset, config } from "./compile_fn.js";
export { GraphBreakError as Unsupported } from "./capture.js";
