// Loading a PJRT plugin and calling through its PJRT_Api table.
//
// Every failure here is a PjrtError that names the plugin path, so a wrong
// path, a library that is not a plugin, or a plugin of an incompatible API
// version is reported and the process carries on (the caller can fall back to
// the CPU runtime).
import fs from "node:fs";
import koffi, { type LibraryHandle } from "koffi";
import { AbslCode, PjrtError } from "./errors.js";
import {
  FUNCTION_TABLE,
  PJRT_Api_Head,
  PJRT_Api_Version,
  PJRT_Error_Destroy_Args,
  PJRT_Error_GetCode_Args,
  PJRT_Error_Message_Args,
  PJRT_Event_Await_Args,
  PJRT_Event_Destroy_Args,
  PJRT_Event_IsReady_Args,
  PJRT_HEADER_VERSION,
  PJRT_MIN_SUPPORTED_MINOR,
  PJRT_Plugin_Initialize_Args,
  functionOffset,
  type PjrtFunctionName,
} from "./layout.js";
import { Arena, type StructRef, readString, toAddr, viewAt } from "./memory.js";

// Anonymous prototypes: named ones would collide when this module is
// evaluated twice in one process (koffi's type names are process-wide).
// Every PJRT function takes one args pointer; all but two return PJRT_Error*.
const ERROR_FN = koffi.proto("void *", ["void *"]);
const VOID_FN = koffi.proto("void", ["void *"]);
const VOID_RETURNING: ReadonlySet<PjrtFunctionName> = new Set(["PJRT_Error_Destroy", "PJRT_Error_Message"]);

type NativeFn = (args: bigint) => unknown;

export interface PjrtApiVersion {
  readonly major: number;
  readonly minor: number;
}

const fmt = (v: PjrtApiVersion) => `${v.major}.${v.minor}`;
const LOAD_CALL = "PJRT plugin load";

/** A loaded plugin's PJRT_Api table, with checked, cached function pointers. */
export class PjrtApi {
  private readonly table: DataView;
  private readonly fns = new Map<PjrtFunctionName, NativeFn>();
  /**
   * struct_size to send per struct name, where this plugin (newer than our
   * header) rejected ours as too small; see call().
   */
  readonly structSizes = new Map<string, number>();
  private initialized = false;
  /** One IsReady args struct, reused: polling runs on every dispatch (never freed; plugins stay loaded). */
  private readyArgs: StructRef<"struct_size" | "extension_start" | "event" | "is_ready"> | undefined;

  private constructor(
    readonly path: string,
    readonly address: bigint,
    /** PJRT_Api.struct_size as the plugin reports it. */
    readonly structSize: number,
    readonly version: PjrtApiVersion,
  ) {
    this.table = viewAt(address, structSize);
  }

  /** Builds the table view after the version checks; see loadPjrtApi. */
  static fromAddress(path: string, address: bigint): PjrtApi {
    if (address === 0n) {
      throw new PjrtError(AbslCode.FAILED_PRECONDITION, `GetPjrtApi() of ${path} returned NULL`, {
        call: LOAD_CALL,
        path,
      });
    }
    const head = viewAt(address, PJRT_Api_Head.allocSize);
    const structSize = Number(head.getBigUint64(0, true));
    if (structSize < PJRT_Api_Head.allocSize) {
      throw new PjrtError(
        AbslCode.FAILED_PRECONDITION,
        `${path}: PJRT_Api.struct_size is ${structSize}, too small to hold the API version`,
        { call: LOAD_CALL, path },
      );
    }
    const vOff = PJRT_Api_Head.fields.pjrt_api_version.offset;
    const version = {
      major: head.getInt32(vOff + PJRT_Api_Version.fields.major_version.offset, true),
      minor: head.getInt32(vOff + PJRT_Api_Version.fields.minor_version.offset, true),
    };
    checkVersion(path, version);
    return new PjrtApi(path, address, structSize, version);
  }

  /** True when the plugin's table has a non-NULL pointer for `name`. */
  has(name: PjrtFunctionName): boolean {
    const off = functionOffset(name);
    return off + 8 <= this.structSize && this.table.getBigUint64(off, true) !== 0n;
  }

  private fn(name: PjrtFunctionName): NativeFn {
    const cached = this.fns.get(name);
    if (cached) return cached;
    const off = functionOffset(name);
    if (off + 8 > this.structSize) {
      throw new PjrtError(
        AbslCode.UNIMPLEMENTED,
        `${name} (slot ${FUNCTION_TABLE.indexOf(name)}) lies beyond the plugin's PJRT_Api table ` +
          `(struct_size ${this.structSize}, needs ${off + 8}); plugin ${this.path} implements PJRT C API ` +
          `${fmt(this.version)}, this binding was written for ${fmt(PJRT_HEADER_VERSION)}`,
        { call: name, path: this.path },
      );
    }
    const ptr = this.table.getBigUint64(off, true);
    if (ptr === 0n) {
      throw new PjrtError(AbslCode.UNIMPLEMENTED, `plugin ${this.path} does not implement ${name} (NULL)`, {
        call: name,
        path: this.path,
      });
    }
    const f = koffi.decode(ptr, VOID_RETURNING.has(name) ? VOID_FN : ERROR_FN) as NativeFn;
    this.fns.set(name, f);
    return f;
  }

  /** Calls `name` and returns the raw PJRT_Error* (0n on success). */
  callRaw(name: PjrtFunctionName, args: StructRef<string>): bigint {
    const r = this.fn(name)(args.addr);
    return VOID_RETURNING.has(name) ? 0n : toAddr(r);
  }

  /**
   * Calls `name`; a returned PJRT_Error becomes a thrown PjrtError.
   *
   * A plugin built from a newer header than ours may refuse a struct as
   * "Unexpected <struct> size: expected N, got M" when its own size check
   * wants the fields appended since. Fields are only ever appended and zero
   * means "not set", so the struct grows in place into its zeroed slack, the
   * call (refused before doing anything) is retried, and later structs of
   * that name are sent at that size.
   */
  call(name: PjrtFunctionName, args: StructRef<string>): void {
    for (let attempt = 0; ; attempt++) {
      const err = this.callRaw(name, args);
      if (err === 0n) return;
      const e = this.takeError(name, err);
      if (attempt >= 4 || !this.growForSizeError(e, args)) throw e;
    }
  }

  private growForSizeError(e: PjrtError, args: StructRef<string>): boolean {
    const m = /Unexpected (\w+) size: expected (\d+), got (\d+)/.exec(e.detail);
    if (!m) return false;
    const struct = m[1]!;
    const expected = Number(m[2]);
    const refs = args.owner?.structsNamed(struct) ?? [];
    if (refs.length === 0) return false;
    for (const r of refs) {
      if (expected > r.capacity || expected <= r.size("struct_size")) return false;
    }
    for (const r of refs) r.set("struct_size", expected);
    this.structSizes.set(struct, expected);
    return true;
  }

  /** Reads code and message of a PJRT_Error, destroys it, returns a PjrtError. */
  takeError(call: string, err: bigint): PjrtError {
    const arena = new Arena();
    try {
      const msg = arena.struct(PJRT_Error_Message_Args, { error: err });
      this.fn("PJRT_Error_Message")(msg.addr);
      const message = readString(msg.ptr("message"), msg.size("message_size"));
      const codeArgs = arena.struct(PJRT_Error_GetCode_Args, { error: err });
      const codeErr = toAddr(this.fn("PJRT_Error_GetCode")(codeArgs.addr));
      let code = codeArgs.i32("code");
      if (codeErr !== 0n) {
        this.destroyError(codeErr);
        code = AbslCode.UNKNOWN;
      }
      return new PjrtError(code, message, { call, path: this.path });
    } finally {
      this.destroyError(err);
      arena.free();
    }
  }

  private destroyError(err: bigint): void {
    const arena = new Arena();
    try {
      this.fn("PJRT_Error_Destroy")(arena.struct(PJRT_Error_Destroy_Args, { error: err }).addr);
    } finally {
      arena.free();
    }
  }

  /** Event_Await then Event_Destroy; the event's error is thrown, naming `context`. */
  awaitEvent(event: bigint, context: string): void {
    const e = this.awaitEventError(event, `PJRT_Event_Await (${context})`);
    if (e) throw e;
  }

  /**
   * Event_Await then Event_Destroy; returns the event's error as a PjrtError
   * whose `call` is `call` (null when it succeeded), for callers that report
   * it later.
   */
  awaitEventError(event: bigint, call: string): PjrtError | null {
    if (event === 0n) return null;
    const arena = new Arena();
    let err = 0n;
    try {
      err = this.callRaw("PJRT_Event_Await", arena.struct(PJRT_Event_Await_Args, { event }));
    } finally {
      this.destroyEvent(event, arena);
      arena.free();
    }
    return err === 0n ? null : this.takeError(call, err);
  }

  /** PJRT_Event_IsReady: true once the event has fired (with or without an error). */
  eventIsReady(event: bigint): boolean {
    this.readyArgs ??= new Arena().struct(PJRT_Event_IsReady_Args);
    const args = this.readyArgs.set("event", event).set("is_ready", false);
    this.call("PJRT_Event_IsReady", args);
    return args.bool("is_ready");
  }

  private destroyEvent(event: bigint, arena: Arena): void {
    const err = this.callRaw("PJRT_Event_Destroy", arena.struct(PJRT_Event_Destroy_Args, { event }));
    if (err !== 0n) this.destroyError(err);
  }

  /** PJRT_Plugin_Initialize, once per loaded library. */
  initialize(): void {
    if (this.initialized) return;
    const arena = new Arena();
    try {
      this.call("PJRT_Plugin_Initialize", arena.struct(PJRT_Plugin_Initialize_Args));
      this.initialized = true;
    } finally {
      arena.free();
    }
  }
}

function checkVersion(path: string, v: PjrtApiVersion): void {
  const ours =
    `this binding was written for ${fmt(PJRT_HEADER_VERSION)} and accepts ` +
    `${PJRT_HEADER_VERSION.major}.${PJRT_MIN_SUPPORTED_MINOR} or newer`;
  if (v.major !== PJRT_HEADER_VERSION.major) {
    throw new PjrtError(
      AbslCode.FAILED_PRECONDITION,
      `plugin ${path} implements PJRT C API ${fmt(v)}, an incompatible major version; ${ours}`,
      { call: LOAD_CALL, path },
    );
  }
  if (v.minor < PJRT_MIN_SUPPORTED_MINOR) {
    throw new PjrtError(AbslCode.FAILED_PRECONDITION, `plugin ${path} implements PJRT C API ${fmt(v)}, which is too old; ${ours}`, {
      call: LOAD_CALL,
      path,
    });
  }
}

// Loaded plugins by real path: a library is dlopen'ed and initialised once per
// process however many runtimes are opened on it.
const loaded = new Map<string, PjrtApi>();

/**
 * dlopens `path`, calls GetPjrtApi and checks the API version. Throws a
 * PjrtError (code NOT_FOUND, FAILED_PRECONDITION or INVALID_ARGUMENT) naming
 * the path for a missing file, an unloadable library, a library without
 * GetPjrtApi, or an incompatible version. `origin` is where the user gave the
 * path (e.g. "PJRT_PLUGIN_LIBRARY_PATH"), so the message says which setting
 * to fix.
 */
export function loadPjrtApi(path: string, origin?: string): PjrtApi {
  const fail = (code: number, what: string) =>
    new PjrtError(code, origin ? `${origin} names ${path}, which ${what}` : `${path} ${what}`, { call: LOAD_CALL, path });
  if (!fs.existsSync(path)) throw fail(AbslCode.NOT_FOUND, "does not exist");
  const real = fs.realpathSync(path);
  const cached = loaded.get(real);
  if (cached) return cached;

  let lib: LibraryHandle;
  try {
    // RTLD_LAZY | RTLD_LOCAL, as XLA's own plugin loader opens plugins.
    lib = koffi.load(real, { lazy: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const hint = /cannot open shared object|No such file/.test(msg)
      ? " (a library it depends on was not found: check LD_LIBRARY_PATH, e.g. site-packages/nvidia/*/lib for the CUDA plugin)"
      : "";
    throw fail(AbslCode.FAILED_PRECONDITION, `cannot be loaded as a shared library: ${msg}${hint}`);
  }
  let getApi: () => unknown;
  try {
    getApi = lib.func("void *GetPjrtApi(void)") as () => unknown;
  } catch {
    throw fail(AbslCode.INVALID_ARGUMENT, "is not a PJRT plugin: it does not export GetPjrtApi");
  }
  const api = PjrtApi.fromAddress(path, toAddr(getApi()));
  loaded.set(real, api);
  return api;
}
