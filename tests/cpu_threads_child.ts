// Run by tests/cpu_threads.test.ts in a child process: imports xlatorch, runs
// kernels large enough to start the worker pool, prints what it saw as one
// JSON line and returns from the module, so the process must exit on its own
// while the (unref()'d) workers wait for jobs.
import os from "node:os";
import { threadStats } from "@xlatorch/cpu";
import * as torch from "xlatorch";

const initial = torch.get_num_threads();
if (process.argv[2] === "run") {
  torch.set_num_threads(2);
  torch.manual_seed(0);
  const a = torch.randn([256, 256]);
  const y = torch.tanh(torch.matmul(a, a).reshape([-1]).repeat([4]));
  void y.sum().item();
}
console.log(
  JSON.stringify({
    initial,
    cores: typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length,
    workers: threadStats.workers,
    jobs: threadStats.jobs,
  }),
);
