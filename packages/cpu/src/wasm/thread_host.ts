// What the worker pool (threads.ts) needs from Node: the core count and a way
// to start a worker thread. Kept in this one small module so the browser
// build takes thread_host.browser.ts instead (no worker_threads there: every
// kernel runs on the calling thread).
import os from "node:os";
import { Worker } from "node:worker_threads";

export interface HostWorker {
  /** Lets the process exit while the worker waits for jobs. */
  unref(): void;
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  terminate(): Promise<number>;
}

export interface ThreadHost {
  /** os.availableParallelism(): the default thread count, as PyTorch's is the core count. */
  cores(): number;
  /** A worker thread running `source` (plain JavaScript; `workerData` and `receiveMessageOnPort` in scope) with `data` as workerData. */
  spawn(source: string, data: unknown, transfer: readonly Transferable[]): HostWorker;
  /** MessageChannel: the port pair workers receive kernel modules through. */
  channel(): { port1: MessagePortLike; port2: MessagePortLike };
}

export interface MessagePortLike {
  postMessage(message: unknown): void;
  close(): void;
}

/** Node: worker_threads, with SharedArrayBuffer and Atomics.wait on the main thread. */
export function threadHost(): ThreadHost | null {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return null;
  return {
    cores: () => (typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length) || 1,
    spawn: (source, data, transfer) =>
      new Worker(`const { workerData, receiveMessageOnPort } = require("node:worker_threads");\n${source}`, {
        eval: true,
        workerData: data,
        transferList: transfer as Transferable[] as never,
      }),
    channel: () => new MessageChannel() as unknown as { port1: MessagePortLike; port2: MessagePortLike },
  };
}
