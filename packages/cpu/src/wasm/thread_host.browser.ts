// thread_host.ts in a browser build: no worker_threads (and a page's main
// thread may not Atomics.wait), so there is no pool and every kernel runs on
// the calling thread, silently. Same exports, typed against thread_host.ts.
import type * as Node from "./thread_host.js";

export type { HostWorker, MessagePortLike, ThreadHost } from "./thread_host.js";

export const threadHost: typeof Node.threadHost = () => null;
