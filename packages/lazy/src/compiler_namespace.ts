// torch.compiler as users see it (PyTorch 2.1's public face of torch._dynamo).
export { reset } from "./compile_fn.js";
