// torch.set_num_threads / get_num_threads on the cpu device: core's
// functions (core/src/threads.ts, which validates) set the worker pool's
// count (threads.ts) and a system OpenBLAS's (blas.ts), as PyTorch's set both
// its own pool and OpenBLAS's. Installed when @xlatorch/cpu loads; starts no
// thread (the pool starts at its first large kernel).
import { _setThreadBackend } from "@xlatorch/core";
import { setBlasThreads } from "../blas.js";
import { coreCount, numThreads, setNumThreads } from "./threads.js";

_setThreadBackend({
  set: (n) => {
    setNumThreads(n);
    setBlasThreads(n);
  },
  get: numThreads,
  cores: coreCount,
});
