// blas.ts in a browser build: a system BLAS is a native library reached
// through koffi, which a browser cannot load, so there is none and float
// dot_general runs on the JavaScript kernels. Same exports, typed against
// blas.ts so the two cannot drift.
import type * as Node from "./blas.js";

export type { BlasCandidate, BlasDiscovery, BlasInfo, Blas, Env, FsProbe } from "./blas.js";

const REASON = "no system BLAS in a browser (native libraries cannot be loaded there)";

export const ROW_MAJOR: typeof Node.ROW_MAJOR = 101,
  NO_TRANS: typeof Node.NO_TRANS = 111,
  TRANS: typeof Node.TRANS = 112;

export const nodeFsProbe: typeof Node.nodeFsProbe = { isFile: () => false, realpath: (p) => p };
export const blasFileNames: typeof Node.blasFileNames = () => [];
export const blasSearchDirs: typeof Node.blasSearchDirs = () => [];
export const discoverBlas: typeof Node.discoverBlas = () => ({ candidates: [], disabled: true, reason: REASON });
export const systemBlas: typeof Node.systemBlas = () => null;
export const blasForWorkers: typeof Node.blasForWorkers = () => null;
export const blasInfo: typeof Node.blasInfo = () => ({ active: false, path: null, vendor: null, reason: REASON });
export const _resetBlas: typeof Node._resetBlas = () => {};
export const setBlasThreads: typeof Node.setBlasThreads = () => {};
export const gemmThreads: typeof Node.gemmThreads = () => {};
export const blasPolicy: typeof Node.blasPolicy = { enabled: true, minBatchedWork: 4096, minWorkPerThread: 1 << 23 };
export const blasStats: typeof Node.blasStats = { gemmCalls: 0 };
