// PjrtRuntime: the Runtime interface of @xlatorch/stablehlo on a PJRT plugin.
import fs from "node:fs";
import { printModule } from "@xlatorch/stablehlo";
import type { DTypeName, DeviceBuffer, Executable, HostArray, Module, Runtime } from "@xlatorch/stablehlo";
import { type PjrtApiVersion, loadPjrtApi } from "./api.js";
import { PjrtBuffer, PjrtClient, type PjrtDevice, PjrtExecutable } from "./client.js";
import { type CompileOptions, buildCompileOptions } from "./compile_options.js";
import { type Env, type FsProbe, type PluginCandidate, discoverPjrtPlugin, nodeFsProbe } from "./discovery.js";
import { AbslCode, PjrtError } from "./errors.js";
import type { ClientOptions, NamedValueInput } from "./named_values.js";

export interface PjrtRuntimeOptions {
  /** Plugin .so to load; when absent the environment is searched (discovery.ts). */
  pluginPath?: string;
  /** Environment for discovery and XLATORCH_PJRT_OPTIONS; defaults to process.env. */
  env?: Env;
  probe?: FsProbe;
  /**
   * PJRT_Client_Create options, e.g. `{ memory_fraction: 0.5, preallocate: false }`
   * for the CUDA plugin. Merged over XLATORCH_PJRT_OPTIONS (a JSON object).
   */
  clientOptions?: ClientOptions;
  /** Values for the serialized CompileOptionsProto (defaults: -1, 1, 1). */
  compileOptions?: CompileOptions;
  /**
   * Index into the addressable devices to place buffers and run on (default
   * 0). Another device compiles portable executables for that ordinal and
   * passes it as execute_device, as XLA's ExecutePortable path wants.
   */
  device?: number;
  /** Printer used by compile(module) to get StableHLO text (default: @xlatorch/stablehlo's printModule). */
  printModule?: (m: Module) => string;
}

/** JSON object of client options from XLATORCH_PJRT_OPTIONS. */
export function clientOptionsFromEnv(env: Env): ClientOptions {
  const raw = env.XLATORCH_PJRT_OPTIONS;
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new PjrtError(AbslCode.INVALID_ARGUMENT, `XLATORCH_PJRT_OPTIONS is not JSON: ${(e as Error).message}`, {
      call: "PJRT client options",
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PjrtError(AbslCode.INVALID_ARGUMENT, "XLATORCH_PJRT_OPTIONS must be a JSON object", {
      call: "PJRT client options",
    });
  }
  return parsed as Record<string, NamedValueInput>;
}

export class PjrtRuntime implements Runtime {
  readonly platform: string;
  readonly platformVersion: string;
  readonly devices: readonly string[];
  readonly pluginPath: string;
  readonly apiVersion: PjrtApiVersion;
  private readonly deviceIndex: number;
  private readonly compileOptionBytes: Uint8Array;
  private readonly printer: (m: Module) => string;

  constructor(
    readonly client: PjrtClient,
    options: Pick<PjrtRuntimeOptions, "compileOptions" | "device" | "printModule"> = {},
  ) {
    this.platform = client.platformName.toLowerCase();
    this.platformVersion = client.platformVersion;
    this.devices = Object.freeze(client.devices.map((d) => `${this.platform}:${d.id}`));
    this.pluginPath = client.api.path;
    this.apiVersion = client.api.version;
    this.deviceIndex = options.device ?? 0;
    if (!client.devices[this.deviceIndex]) {
      throw new RangeError(`device ${this.deviceIndex} does not exist (${client.devices.length} addressable devices)`);
    }
    this.compileOptionBytes = buildCompileOptions(
      this.deviceIndex === 0
        ? options.compileOptions
        : { deviceOrdinal: client.devices[this.deviceIndex]!.id, portable: true, ...options.compileOptions },
    );
    this.printer = options.printModule ?? printModule;
  }

  /** Discovers (unless `pluginPath` is given), loads the plugin and creates a client. */
  static open(options: PjrtRuntimeOptions = {}): PjrtRuntime {
    const env = options.env ?? process.env;
    if (options.pluginPath) return openPlugin(options.pluginPath, undefined, env, options);
    const d = discoverPjrtPlugin(env, options.probe ?? nodeFsProbe);
    if (!d.plugin) throw new PjrtError(AbslCode.NOT_FOUND, d.reason, { call: "PJRT plugin discovery" });
    return openPlugin(d.plugin.path, originOf(d.plugin), env, options);
  }

  /** Device details (kind string, PJRT ids) behind `devices`. */
  get deviceInfo(): readonly PjrtDevice[] {
    return this.client.devices;
  }

  /**
   * Prints the module as StableHLO text and compiles it (see compileText).
   * `name` (for error messages) defaults to the module's name.
   */
  compile(module: Module, name?: string): PjrtExecutable {
    return this.compileText(this.printer(module), name ?? (module.name || module.funcs[0]?.name || undefined));
  }

  /** Per executable: the parameters its module marks tf.aliasing_output (PJRT donates those unless execute says otherwise). */
  private readonly aliased = new WeakMap<PjrtExecutable, number[]>();
  private noteAliased(exe: PjrtExecutable, idx: number[]): PjrtExecutable {
    if (idx.length) this.aliased.set(exe, idx);
    return exe;
  }

  /**
   * Compiles StableHLO MLIR text (program format "mlir"); the entry must be
   * @main. `name` defaults to the text's `module @name`, else its first
   * function's name, else "module #N".
   */
  compileText(text: string, name?: string): PjrtExecutable {
    const exe = this.client.compile(new TextEncoder().encode(text), "mlir", this.compileOptionBytes, name ?? symbolNameOf(text));
    return this.noteAliased(exe, aliasedParams(text));
  }

  /**
   * Persistent compile cache: everything besides the module that changes the
   * binary (platform and its version, the plugin file with its size and
   * mtime, the PJRT API version, the device kind, the compile options), or
   * null when the plugin cannot serialise executables.
   */
  cacheIdentity(): string | null {
    const api = this.client.api;
    if (!api.has("PJRT_Executable_Serialize") || !api.has("PJRT_Executable_DeserializeAndLoad")) return null;
    let plugin = this.pluginPath;
    try {
      const real = fs.realpathSync(this.pluginPath);
      const st = fs.statSync(real);
      plugin = `${real} ${st.size} ${Math.floor(st.mtimeMs)}`;
    } catch {
      /* the path as given */
    }
    return JSON.stringify({
      runtime: "pjrt",
      platform: this.platform,
      platformVersion: this.platformVersion,
      plugin,
      api: `${this.apiVersion.major}.${this.apiVersion.minor}`,
      deviceKind: this.client.devices[this.deviceIndex]!.kind,
      device: this.deviceIndex,
      compileOptions: Buffer.from(this.compileOptionBytes).toString("hex"),
    });
  }

  /** PJRT_Executable_Serialize's bytes of `exe`. */
  serializeExecutable(exe: Executable): Uint8Array {
    if (!(exe instanceof PjrtExecutable)) throw new TypeError("serializeExecutable: not an executable of a PJRT runtime");
    return this.client.serialize(exe);
  }

  /** PJRT_Executable_DeserializeAndLoad of bytes from serializeExecutable (`module` names it in messages). */
  loadExecutable(bytes: Uint8Array, module: Module): PjrtExecutable {
    const main = module.funcs.find((f) => f.name === "main") ?? module.funcs[0];
    const idx = (main?.aliasingOutput ?? []).flatMap((k, i) => (k === null || k === undefined ? [] : [i]));
    return this.noteAliased(this.client.deserializeAndLoad(bytes, module.name || module.funcs[0]?.name || undefined), idx);
  }

  toDevice(data: HostArray, dtype: DTypeName, shape: readonly number[]): PjrtBuffer {
    return this.client.bufferFromHost(data, dtype, shape, this.deviceIndex);
  }

  /**
   * `donate[i]`: argument i is given up (see Runtime.execute); an aliased
   * argument not given up is passed as non-donatable, so compiled text with
   * tf.aliasing_output never consumes a buffer its caller still reads.
   */
  execute(exe: Executable, args: readonly DeviceBuffer[], donate?: readonly boolean[]): PjrtBuffer[] {
    if (!(exe instanceof PjrtExecutable)) throw new TypeError("execute: not an executable of a PJRT runtime");
    const bufs = args.map((b, i) => {
      if (!(b instanceof PjrtBuffer)) throw new TypeError(`execute: argument ${i} is not a PJRT device buffer`);
      return b;
    });
    const aliased = this.aliased.get(exe);
    return this.client.execute(exe, bufs, this.deviceIndex === 0 ? undefined : this.deviceIndex, aliased ? { aliased, donate } : undefined);
  }

  toHost(buffer: DeviceBuffer): HostArray {
    if (!(buffer instanceof PjrtBuffer)) throw new TypeError("toHost: not a PJRT device buffer");
    return this.client.toHost(buffer);
  }

  /**
   * Destroys one executable or buffer (again: no-op). Without an argument,
   * closes the runtime: every live object, then the client.
   */
  dispose(x?: Executable | DeviceBuffer): void {
    if (x === undefined) return this.close();
    if (x instanceof PjrtBuffer || x instanceof PjrtExecutable) this.client.release(x);
  }

  /**
   * Waits until every dispatched execution and transfer has finished, then
   * throws the first device error not yet reported (naming its executable).
   */
  synchronize(): void {
    this.client.synchronize();
  }

  /** Waits for outstanding work (its errors are dropped), then destroys everything. */
  close(): void {
    this.client.destroy();
  }
}

/** The environment variable a discovered plugin came from, for load errors. */
function originOf(p: PluginCandidate): string | undefined {
  return p.source === "well-known" ? undefined : p.source;
}

function openPlugin(pluginPath: string, origin: string | undefined, env: Env, options: PjrtRuntimeOptions): PjrtRuntime {
  const api = loadPjrtApi(pluginPath, origin);
  const client = PjrtClient.create(api, { ...clientOptionsFromEnv(env), ...options.clientOptions });
  try {
    return new PjrtRuntime(client, options);
  } catch (e) {
    client.destroy();
    throw e;
  }
}

/** `module @name`, else the first `func.func @name`, of MLIR text (quotes dropped). */
export function symbolNameOf(text: string): string | undefined {
  const sym = String.raw`@(?:"([^"]*)"|([\w$.-]+))`;
  const m =
    new RegExp(String.raw`^\s*module\s+${sym}`, "m").exec(text) ??
    new RegExp(String.raw`func\.func\s+(?:(?:public|private|nested)\s+)?${sym}`).exec(text);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * The runtime the environment asks for, or null when it asks for none (no
 * PJRT_DEVICE, PJRT_PLUGIN_LIBRARY_PATH or TPU_LIBRARY_PATH, or
 * PJRT_DEVICE=CPU): the caller then uses the CPU runtime. An explicit
 * PJRT_DEVICE that no plugin satisfies, a user-set plugin path that names
 * nothing, or a plugin that fails to load throws a PjrtError naming the path
 * rather than falling back silently.
 */
export function openPjrtRuntimeFromEnv(
  env: Env = process.env,
  options: Omit<PjrtRuntimeOptions, "env" | "pluginPath"> = {},
): PjrtRuntime | null {
  const d = discoverPjrtPlugin(env, options.probe ?? nodeFsProbe);
  if (!d.plugin) {
    // A request or a user-set path that leads nowhere is an error, not a quiet fallback.
    if ((d.requested && d.requested !== "cpu") || d.problems.length > 0) {
      throw new PjrtError(AbslCode.NOT_FOUND, d.reason, { call: "PJRT plugin discovery" });
    }
    return null;
  }
  return openPlugin(d.plugin.path, originOf(d.plugin), env, options);
}

/** The @main parameters StableHLO text marks `tf.aliasing_output` (donatable), by position. */
export function aliasedParams(text: string): number[] {
  if (!text.includes("tf.aliasing_output")) return [];
  const m = /func\.func\s+(?:public\s+)?@main\s*\(/.exec(text);
  if (!m) return [];
  // the parameter list: up to the ')' that closes it (types and attributes nest <>, {}, [], ())
  let depth = 1;
  let i = m.index + m[0].length;
  const start = i;
  for (; i < text.length && depth > 0; i++) {
    const c = text[i]!;
    if ("(<{[".includes(c)) depth++;
    else if (")>}]".includes(c)) depth--;
  }
  const list = text.slice(start, i - 1);
  const out: number[] = [];
  list
    .split(/(?=%[\w$.-]+\s*:)/)
    .filter((p) => p.trim().startsWith("%"))
    .forEach((p, k) => {
      if (/\btf\.aliasing_output\s*=/.test(p)) out.push(k);
    });
  return out;
}
