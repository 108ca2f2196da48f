// @xlatorch/pjrt: PJRT C API plugins (CUDA, TPU, ...) through koffi, as a Runtime.
export { PjrtRuntime, openPjrtRuntimeFromEnv, clientOptionsFromEnv, symbolNameOf, type PjrtRuntimeOptions } from "./runtime.js";
export { PjrtClient, PjrtBuffer, PjrtExecutable, MAX_IN_FLIGHT, type PjrtDevice } from "./client.js";
export { makeSyncNet, type SyncNet } from "@xlatorch/stablehlo";
export { PjrtApi, loadPjrtApi, type PjrtApiVersion } from "./api.js";
export { PjrtError, AbslCode, ABSL_CODE_NAMES, abslCodeName, type AbslCodeName } from "./errors.js";
export {
  configuredPathProblems,
  discoverPjrtPlugin,
  findConfiguredPlugins,
  findWellKnownPlugins,
  sitePackagesDirs,
  pluginNameFromPath,
  normalizeDevice,
  nodeFsProbe,
  type Discovery,
  type Env,
  type FsProbe,
  type PluginCandidate,
  type PluginSource,
} from "./discovery.js";
export { buildCompileOptions, ProtoWriter, type CompileOptions } from "./compile_options.js";
export { classifyOption, type ClientOptions, type NamedValueInput } from "./named_values.js";
export { DTYPES, dtypeInfo, dtypeFromBufferType, type DTypeInfo } from "./dtypes.js";
export { PJRT_HEADER_VERSION, PJRT_MIN_SUPPORTED_MINOR, BufferType } from "./layout.js";
