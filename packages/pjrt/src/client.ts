// A PJRT client and the native objects it owns (loaded executables, buffers).
//
// Ownership: every native object gets a record in its client's core; JS
// handles refer to records by id. Destroying removes the record first, so
// each PJRT object is destroyed exactly once whether that happens through an
// explicit dispose(), the FinalizationRegistry net after a handle is
// garbage-collected, or the client's own destruction (which destroys what is
// left before PJRT_Client_Destroy). Disposing twice is a no-op.
//
// Asynchronous dispatch: toDevice and execute return as soon as the plugin
// has queued the work. Each leaves an in-flight entry holding its completion
// event and what must outlive the work: the host copy of a transfer (sent
// with semantics ImmutableUntilTransferCompletes, so the plugin may DMA
// straight from it), and pins on an execution's executable and arguments.
// Entries are polled (PJRT_Event_IsReady) on later calls and finished when
// ready; only host reads, synchronize() and destruction wait. An error an
// event completes with is kept and thrown, once, by the next host read or
// synchronize().
//
// Pins hold records, not JS handles: a handle collected or disposed mid-flight
// only marks its record released, and the native object is destroyed when the
// last pin goes. Holding JS handles from the core would keep a dropped client
// reachable (through liveCores and the client net) for as long as the entry
// went unpolled.
import koffi from "koffi";
import type { DTypeName, HostArray } from "@xlatorch/stablehlo";
import type { PjrtApi } from "./api.js";
import { checkHostArray, dtypeFromBufferType, dtypeInfo, numElements } from "./dtypes.js";
import { AbslCode, PjrtError } from "./errors.js";
import { collectBound, makeSyncNet } from "@xlatorch/stablehlo";
import {
  HostBufferSemantics,
  PJRT_Buffer_Destroy_Args,
  PJRT_Buffer_Dimensions_Args,
  PJRT_Buffer_ElementType_Args,
  PJRT_Buffer_ToHostBuffer_Args,
  PJRT_Client_AddressableDevices_Args,
  PJRT_Client_BufferFromHostBuffer_Args,
  PJRT_Client_Compile_Args,
  PJRT_Client_Create_Args,
  PJRT_Client_Destroy_Args,
  PJRT_Client_PlatformName_Args,
  PJRT_Client_PlatformVersion_Args,
  PJRT_DeviceDescription_Id_Args,
  PJRT_DeviceDescription_Kind_Args,
  PJRT_Device_GetDescription_Args,
  PJRT_ExecuteOptions,
  PJRT_Executable_DeserializeAndLoad_Args,
  PJRT_Executable_Destroy_Args,
  PJRT_Executable_NumOutputs_Args,
  PJRT_Executable_Serialize_Args,
  PJRT_LoadedExecutable_AddressableDevices_Args,
  PJRT_LoadedExecutable_Destroy_Args,
  PJRT_LoadedExecutable_Execute_Args,
  PJRT_LoadedExecutable_GetExecutable_Args,
  PJRT_Program,
} from "./layout.js";
import { Arena, readPointerArray, readString, viewAt } from "./memory.js";
import { type ClientOptions, encodeNamedValues } from "./named_values.js";

type NativeKind = "buffer" | "loaded_executable";

// void (*serialized_executable_deleter)(PJRT_SerializedExecutable*); anonymous (see api.ts).
const DELETER_FN = koffi.proto("void", ["void *"]);

/** Arena-scoped helper: runs `f`, always frees the arena. */
function withArena<T>(api: PjrtApi, f: (arena: Arena) => T): T {
  const arena = new Arena(api.structSizes);
  try {
    return f(arena);
  } finally {
    arena.free();
  }
}

interface NativeRecord {
  readonly kind: NativeKind;
  readonly ptr: bigint;
  /** In-flight operations using the object; it is destroyed only at zero. */
  pins: number;
  /** Disposed by its owner; destroyed once `pins` reaches zero. */
  released: boolean;
  /** Device bytes a buffer holds (0 until known, and for executables). */
  bytes: number;
  /** A buffer given to an execution as a donated argument: its memory is the execution's now (reads refuse it). */
  donated?: boolean;
}

/** Work the plugin accepted but may not have finished. */
interface InFlight {
  readonly event: bigint;
  /** Names the operation in the PjrtError its event may complete with. */
  readonly call: string;
  /** Host memory the plugin may read until the event (BufferFromHostBuffer). */
  readonly arena?: Arena;
  /** Records pinned until the event (an execution's executable and arguments). */
  readonly pins?: readonly number[];
}

/**
 * In-flight entries beyond this are waited for, oldest first: it bounds the
 * host memory and pins held, and how far the host may run ahead of the device.
 */
export const MAX_IN_FLIGHT = 64;

/** The native side of a client: pointer, live records, in-flight work, destroy logic. No JS handles. */
class ClientCore {
  private readonly records = new Map<number, NativeRecord>();
  private nextId = 1;
  private inFlight: InFlight[] = [];
  /** Errors events completed with, not yet thrown. */
  private readonly deviceErrors: PjrtError[] = [];
  alive = true;

  constructor(
    readonly api: PjrtApi,
    readonly ptr: bigint,
  ) {}

  track(kind: NativeKind, ptr: bigint): number {
    const id = this.nextId++;
    this.records.set(id, { kind, ptr, pins: 0, released: false, bytes: 0 });
    return id;
  }

  /** The native pointer behind a live record, or a clear error. */
  ptrOf(id: number, what: string): bigint {
    const r = this.records.get(id);
    if (!r || r.released) throw new PjrtError(AbslCode.FAILED_PRECONDITION, `${what} was already disposed`, { call: "xlatorch" });
    if (r.donated) throw new PjrtError(AbslCode.FAILED_PRECONDITION, `${what} was donated to an execution`, { call: "xlatorch" });
    return r.ptr;
  }

  /** After an execution took buffer `id` as a donated argument: never read again; its handle is still destroyed once, on release. */
  markDonated(id: number): void {
    const r = this.records.get(id);
    if (r) r.donated = true;
  }

  has(id: number): boolean {
    const r = this.records.get(id);
    return r !== undefined && !r.released;
  }

  /** Native objects not yet destroyed (disposed ones still in use by the device included). */
  get liveCount(): number {
    return this.records.size;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** Destroys the object once (after the in-flight work using it); later calls and unknown ids do nothing. */
  release(id: number): void {
    const r = this.records.get(id);
    if (!r || r.released) return;
    r.released = true;
    if (r.pins === 0) this.destroyRecord(id, r);
  }

  private destroyRecord(id: number, r: NativeRecord): void {
    this.records.delete(id);
    this.liveBytes -= r.bytes;
    destroyNative(this.api, r.kind, r.ptr);
  }

  /** Device bytes of the buffers not yet destroyed, and that figure after the last full collection. */
  private liveBytes = 0;
  private liveAfterCollect = 0;

  setBytes(id: number, bytes: number): void {
    const r = this.records.get(id);
    if (!r) return;
    this.liveBytes += bytes - r.bytes;
    r.bytes = bytes;
  }

  /**
   * Before an allocation: destroys what the collector found dead since the
   * last call, and asks for a full collection when live device bytes have
   * grown by sync_net.ts's bound since the last one (see sync_net.ts).
   */
  beforeAlloc(): void {
    objectNet.reclaim();
    if (this.liveBytes - this.liveAfterCollect > collectBound(this.liveAfterCollect)) this.collect();
  }

  /** A full collection, finishing completed work so that what it pinned can go too. */
  collect(): void {
    objectNet.collect();
    this.poll(true);
    this.liveAfterCollect = this.liveBytes;
  }

  /** `f`, again after a full collection and a drain when the plugin refused it for lack of memory. */
  retryOnExhausted<R>(f: () => R): R {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof PjrtError) || e.code !== AbslCode.RESOURCE_EXHAUSTED || !objectNet.synchronous) throw e;
      objectNet.collect();
      this.drain();
      this.liveAfterCollect = this.liveBytes;
      return f();
    }
  }

  /** Records `op` (pinning its records) and finishes what has completed; never waits unless over MAX_IN_FLIGHT. */
  dispatched(op: InFlight): void {
    for (const id of op.pins ?? []) this.records.get(id)!.pins++;
    this.inFlight.push(op);
    this.poll(false);
    while (this.inFlight.length > MAX_IN_FLIGHT) this.finish(this.inFlight.shift()!);
  }

  /**
   * Finishes the entries whose event has fired, without waiting. `all` false
   * stops at the first one still running: the cheap check for the dispatch
   * path (work mostly completes in order).
   */
  poll(all: boolean): void {
    const running: InFlight[] = [];
    let i = 0;
    for (; i < this.inFlight.length; i++) {
      const op = this.inFlight[i]!;
      if (this.isReady(op)) {
        this.finish(op);
        continue;
      }
      running.push(op);
      if (!all) break;
    }
    this.inFlight = running.concat(this.inFlight.slice(i + 1));
  }

  private isReady(op: InFlight): boolean {
    try {
      return this.api.eventIsReady(op.event);
    } catch {
      return true; // cannot ask: finish() waits instead, and reports any error
    }
  }

  /** Waits for every in-flight entry. */
  drain(): void {
    const ops = this.inFlight;
    this.inFlight = [];
    for (const op of ops) this.finish(op);
  }

  /** Awaits and destroys the event (at once when it has fired), keeps its error, releases what it held. */
  private finish(op: InFlight): void {
    try {
      const e = this.api.awaitEventError(op.event, op.call);
      if (e) this.deviceErrors.push(e);
    } catch (e) {
      this.deviceErrors.push(e as PjrtError); // Event_Await itself missing or broken
    } finally {
      op.arena?.free();
      for (const id of op.pins ?? []) {
        const r = this.records.get(id);
        if (r && --r.pins === 0 && r.released) this.destroyRecord(id, r);
      }
    }
  }

  /** Throws the oldest device error not yet thrown, if any. */
  throwDeviceError(): void {
    const e = this.deviceErrors.shift();
    if (e) throw e;
  }

  destroy(): void {
    if (!this.alive) return;
    liveCores.delete(this);
    // Nothing may be destroyed under running work; its errors have no one left to go to.
    this.drain();
    this.deviceErrors.length = 0;
    for (const [id, r] of [...this.records]) {
      try {
        this.destroyRecord(id, r);
      } catch {
        // keep going: the client must still be destroyed
      }
    }
    this.alive = false;
    withArena(this.api, (a) => this.api.call("PJRT_Client_Destroy", a.struct(PJRT_Client_Destroy_Args, { client: this.ptr })));
  }
}

function destroyNative(api: PjrtApi, kind: NativeKind, ptr: bigint): void {
  withArena(api, (a) => {
    if (kind === "buffer") api.call("PJRT_Buffer_Destroy", a.struct(PJRT_Buffer_Destroy_Args, { buffer: ptr }));
    else api.call("PJRT_LoadedExecutable_Destroy", a.struct(PJRT_LoadedExecutable_Destroy_Args, { executable: ptr }));
  });
}

// Clients still alive when the process exits are destroyed then: tearing a
// plugin's client down in order (its buffers first) is safer than leaving it
// to the plugin's static destructors racing its own threads.
const liveCores = new Set<ClientCore>();
let exitHookInstalled = false;
function trackCore(core: ClientCore): void {
  liveCores.add(core);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of [...liveCores]) {
        try {
          c.destroy();
        } catch {
          /* exiting anyway */
        }
      }
    });
  }
}

// The garbage-collection nets. A finaliser cannot throw, so errors are dropped.
const objectNet = makeSyncNet<{ core: ClientCore; id: number }>(({ core, id }) => {
  try {
    if (core.alive) core.release(id);
  } catch {
    /* nothing to report to */
  }
});
const clientNet = new FinalizationRegistry<ClientCore>((core) => {
  try {
    core.destroy();
  } catch {
    /* nothing to report to */
  }
});

export interface PjrtDevice {
  /** Position in the client's addressable-device list. */
  readonly index: number;
  readonly ptr: bigint;
  /** PJRT_DeviceDescription_Id. */
  readonly id: number;
  /** e.g. "NVIDIA H100 80GB HBM3". */
  readonly kind: string;
}

/** A device-resident array (PJRT_Buffer). Implements the Runtime's DeviceBuffer. */
export class PjrtBuffer {
  constructor(
    readonly client: PjrtClient,
    readonly id: number,
    readonly dtype: DTypeName,
    readonly shape: readonly number[],
  ) {}

  get disposed(): boolean {
    return !this.client.isLive(this.id);
  }

  dispose(): void {
    this.client.release(this);
  }
}

/** A compiled program (PJRT_LoadedExecutable). Implements the Runtime's Executable. */
export class PjrtExecutable {
  constructor(
    readonly client: PjrtClient,
    readonly id: number,
    readonly numOutputs: number,
    /** For messages: the module's name, or "module #N" (see PjrtClient.compile). */
    readonly name: string,
  ) {}

  get disposed(): boolean {
    return !this.client.isLive(this.id);
  }

  dispose(): void {
    this.client.release(this);
  }
}

export class PjrtClient {
  private readonly core: ClientCore;
  readonly platformName: string;
  readonly platformVersion: string;
  readonly devices: readonly PjrtDevice[];
  private compiles = 0;

  private constructor(core: ClientCore) {
    this.core = core;
    clientNet.register(this, core, this);
    try {
      this.platformName = this.queryPlatformName();
      this.platformVersion = this.queryPlatformVersion();
      this.devices = this.queryDevices();
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /** Plugin_Initialize (once per library), then Client_Create with `options`. */
  static create(api: PjrtApi, options: ClientOptions = {}): PjrtClient {
    api.initialize();
    const ptr = withArena(api, (a) => {
      const opts = encodeNamedValues(a, options);
      const args = a.struct(PJRT_Client_Create_Args, { create_options: opts.addr, num_options: opts.count });
      api.call("PJRT_Client_Create", args);
      return args.ptr("client");
    });
    if (ptr === 0n) {
      throw new PjrtError(AbslCode.INTERNAL, "plugin returned a NULL client", { call: "PJRT_Client_Create", path: api.path });
    }
    const core = new ClientCore(api, ptr);
    trackCore(core);
    return new PjrtClient(core);
  }

  get api(): PjrtApi {
    return this.core.api;
  }

  get alive(): boolean {
    return this.core.alive;
  }

  /** Number of buffers and executables not yet destroyed. */
  get liveObjects(): number {
    return this.core.liveCount;
  }

  /** Transfers and executions dispatched whose completion has not been seen yet. */
  get inFlight(): number {
    return this.core.inFlightCount;
  }

  isLive(id: number): boolean {
    return this.core.has(id);
  }

  private checkAlive(): void {
    if (!this.core.alive) {
      throw new PjrtError(AbslCode.FAILED_PRECONDITION, "the PJRT client was already destroyed", { call: "xlatorch" });
    }
  }

  private queryPlatformName(): string {
    return withArena(this.api, (a) => {
      const s = a.struct(PJRT_Client_PlatformName_Args, { client: this.core.ptr });
      this.api.call("PJRT_Client_PlatformName", s);
      return readString(s.ptr("platform_name"), s.size("platform_name_size"));
    });
  }

  private queryPlatformVersion(): string {
    return withArena(this.api, (a) => {
      const s = a.struct(PJRT_Client_PlatformVersion_Args, { client: this.core.ptr });
      this.api.call("PJRT_Client_PlatformVersion", s);
      return readString(s.ptr("platform_version"), s.size("platform_version_size"));
    });
  }

  private queryDevices(): PjrtDevice[] {
    return withArena(this.api, (a) => {
      const s = a.struct(PJRT_Client_AddressableDevices_Args, { client: this.core.ptr });
      this.api.call("PJRT_Client_AddressableDevices", s);
      const ptrs = readPointerArray(s.ptr("addressable_devices"), s.size("num_addressable_devices"));
      return ptrs.map((ptr, index) => {
        const d = a.struct(PJRT_Device_GetDescription_Args, { device: ptr });
        this.api.call("PJRT_Device_GetDescription", d);
        const desc = d.ptr("device_description");
        const idArgs = a.struct(PJRT_DeviceDescription_Id_Args, { device_description: desc });
        this.api.call("PJRT_DeviceDescription_Id", idArgs);
        const kindArgs = a.struct(PJRT_DeviceDescription_Kind_Args, { device_description: desc });
        this.api.call("PJRT_DeviceDescription_Kind", kindArgs);
        return {
          index,
          ptr,
          id: idArgs.i32("id"),
          kind: readString(kindArgs.ptr("device_kind"), kindArgs.size("device_kind_size")),
        };
      });
    });
  }

  /**
   * Client_Compile of `code` in `format` ("mlir": StableHLO text or bytecode).
   * `name` identifies the executable in error messages (default "module #N",
   * N counting this client's compiles).
   */
  compile(code: Uint8Array, format: string, compileOptions: Uint8Array, name?: string): PjrtExecutable {
    this.checkAlive();
    const exeName = name ?? `module #${++this.compiles}`;
    const api = this.api;
    const exePtr = withArena(this.api, (a) => {
      const codeBlk = a.copyIn(code);
      const fmt = a.string(format);
      const program = a.struct(PJRT_Program, {
        code: codeBlk.addr,
        code_size: code.length,
        format: fmt.addr,
        format_size: fmt.len,
      });
      const opts = a.copyIn(compileOptions);
      const args = a.struct(PJRT_Client_Compile_Args, {
        client: this.core.ptr,
        program: program.addr,
        compile_options: opts.addr,
        compile_options_size: compileOptions.length,
      });
      api.call("PJRT_Client_Compile", args);
      return args.ptr("executable");
    });
    return this.wrapLoaded(exePtr, exeName);
  }

  /**
   * PJRT_Executable_Serialize of `exe` (through LoadedExecutable_GetExecutable):
   * the plugin's platform-specific bytes, copied, for
   * deserializeAndLoad in this or a later process with the same plugin.
   */
  serialize(exe: PjrtExecutable): Uint8Array {
    this.checkAlive();
    const loaded = this.core.ptrOf(exe.id, `executable ${exe.name}`);
    const api = this.api;
    return withArena(api, (a) => {
      const g = a.struct(PJRT_LoadedExecutable_GetExecutable_Args, { loaded_executable: loaded });
      api.call("PJRT_LoadedExecutable_GetExecutable", g);
      const unloaded = g.ptr("executable");
      try {
        const s = a.struct(PJRT_Executable_Serialize_Args, { executable: unloaded });
        api.call("PJRT_Executable_Serialize", s);
        const backing = s.ptr("serialized_executable");
        const deleter = s.ptr("serialized_executable_deleter");
        try {
          const n = s.size("serialized_bytes_size");
          if (n === 0) {
            throw new PjrtError(AbslCode.INTERNAL, `the plugin serialised ${exe.name} to no bytes`, {
              call: "PJRT_Executable_Serialize",
              path: api.path,
            });
          }
          const v = viewAt(s.ptr("serialized_bytes"), n);
          return new Uint8Array(v.buffer, v.byteOffset, n).slice();
        } finally {
          if (deleter !== 0n) (koffi.decode(deleter, DELETER_FN) as (p: bigint) => void)(backing);
        }
      } finally {
        api.call("PJRT_Executable_Destroy", a.struct(PJRT_Executable_Destroy_Args, { executable: unloaded }));
      }
    });
  }

  /**
   * PJRT_Executable_DeserializeAndLoad of bytes from serialize(), with the
   * compile options stored in them. `name` as for compile().
   */
  deserializeAndLoad(bytes: Uint8Array, name?: string): PjrtExecutable {
    this.checkAlive();
    if (bytes.length === 0) {
      throw new PjrtError(AbslCode.INVALID_ARGUMENT, "no bytes to deserialise", {
        call: "PJRT_Executable_DeserializeAndLoad",
        path: this.api.path,
      });
    }
    const exeName = name ?? `module #${++this.compiles}`;
    const api = this.api;
    const exePtr = withArena(api, (a) => {
      const blk = a.copyIn(bytes);
      const args = a.struct(PJRT_Executable_DeserializeAndLoad_Args, {
        client: this.core.ptr,
        serialized_executable: blk.addr,
        serialized_executable_size: bytes.length,
      });
      api.call("PJRT_Executable_DeserializeAndLoad", args);
      return args.ptr("loaded_executable");
    });
    return this.wrapLoaded(exePtr, exeName);
  }

  /** Tracks a new PJRT_LoadedExecutable and checks it runs on one device. */
  private wrapLoaded(exePtr: bigint, exeName: string): PjrtExecutable {
    const api = this.api;
    const id = this.core.track("loaded_executable", exePtr);
    try {
      const numOutputs = this.queryNumOutputs(exePtr);
      const numDevices = this.queryExecutableDeviceCount(exePtr);
      if (numDevices !== 1) {
        throw new PjrtError(
          AbslCode.UNIMPLEMENTED,
          `the executable runs on ${numDevices} devices; this runtime executes single-device programs only`,
          { call: "PJRT_LoadedExecutable_AddressableDevices", path: api.path },
        );
      }
      const exe = new PjrtExecutable(this, id, numOutputs, exeName);
      objectNet.register(exe, { core: this.core, id }, exe);
      return exe;
    } catch (e) {
      this.core.release(id);
      throw e;
    }
  }

  /** LoadedExecutable_GetExecutable → Executable_NumOutputs → Executable_Destroy. */
  private queryNumOutputs(loaded: bigint): number {
    return withArena(this.api, (a) => {
      const g = a.struct(PJRT_LoadedExecutable_GetExecutable_Args, { loaded_executable: loaded });
      this.api.call("PJRT_LoadedExecutable_GetExecutable", g);
      const exe = g.ptr("executable");
      try {
        const n = a.struct(PJRT_Executable_NumOutputs_Args, { executable: exe });
        this.api.call("PJRT_Executable_NumOutputs", n);
        return n.size("num_outputs");
      } finally {
        this.api.call("PJRT_Executable_Destroy", a.struct(PJRT_Executable_Destroy_Args, { executable: exe }));
      }
    });
  }

  private queryExecutableDeviceCount(loaded: bigint): number {
    if (!this.api.has("PJRT_LoadedExecutable_AddressableDevices")) return 1;
    return withArena(this.api, (a) => {
      const s = a.struct(PJRT_LoadedExecutable_AddressableDevices_Args, { executable: loaded });
      this.api.call("PJRT_LoadedExecutable_AddressableDevices", s);
      return s.size("num_addressable_devices");
    });
  }

  /**
   * Client_BufferFromHostBuffer. Returns once the transfer is queued; the host
   * copy is freed when its done_with_host_buffer event fires (see ClientCore).
   */
  bufferFromHost(data: HostArray, dtype: DTypeName, shape: readonly number[], device = 0): PjrtBuffer {
    this.checkAlive();
    const info = checkHostArray(data, dtype, shape);
    const dev = this.device(device);
    this.core.beforeAlloc();
    const arena = new Arena(this.api.structSizes);
    let id: number;
    let done: bigint;
    try {
      const host = arena.copyIn(data);
      const args = arena.struct(PJRT_Client_BufferFromHostBuffer_Args, {
        client: this.core.ptr,
        data: host.addr,
        type: info.code,
        dims: shape.length > 0 ? arena.int64Array(shape) : 0n,
        num_dims: shape.length,
        byte_strides: 0n, // dense, major-to-minor
        num_byte_strides: 0,
        host_buffer_semantics: HostBufferSemantics.kImmutableUntilTransferCompletes,
        device: dev.ptr,
      });
      this.core.retryOnExhausted(() => this.api.call("PJRT_Client_BufferFromHostBuffer", args));
      id = this.core.track("buffer", args.ptr("buffer"));
      done = args.ptr("done_with_host_buffer");
    } catch (e) {
      arena.free();
      throw e;
    }
    if (done === 0n) arena.free();
    else this.core.dispatched({ event: done, call: "PJRT_Client_BufferFromHostBuffer (transfer to the device)", arena });
    return this.wrapBuffer(id, dtype, shape);
  }

  private wrapBuffer(id: number, dtype: DTypeName, shape: readonly number[]): PjrtBuffer {
    const b = new PjrtBuffer(this, id, dtype, Object.freeze([...shape]));
    this.core.setBytes(id, numElements(shape) * dtypeInfo(dtype).bytes);
    objectNet.register(b, { core: this.core, id }, b);
    return b;
  }

  private device(index: number): PjrtDevice {
    const d = this.devices[index];
    if (!d) throw new RangeError(`device ${index} does not exist (${this.devices.length} addressable devices)`);
    return d;
  }

  /**
   * LoadedExecutable_Execute on one device. `device` > 0 sets execute_device;
   * the default leaves it NULL (the device chosen at compile time). Returns
   * once the execution is queued; see ClientCore for what stays pinned.
   */
  /**
   * `donation` (executables whose module marks parameters with
   * tf.aliasing_output): `aliased` lists those parameters, `donate[i]` whether
   * the caller gives argument i up. Aliased arguments not given up go in
   * PJRT_ExecuteOptions.non_donatable_input_indices (PJRT donates aliased
   * inputs unless told not to); the given-up ones are marked consumed.
   */
  execute(
    exe: PjrtExecutable,
    args: readonly PjrtBuffer[],
    device?: number,
    donation?: { aliased: readonly number[]; donate?: readonly boolean[] },
  ): PjrtBuffer[] {
    this.checkAlive();
    this.checkOwned(exe);
    const exePtr = this.core.ptrOf(exe.id, "executable");
    const argPtrs = args.map((b, i) => {
      this.checkOwned(b);
      return this.core.ptrOf(b.id, `argument ${i}`);
    });
    const api = this.api;
    this.core.beforeAlloc();
    const keep = donation ? nonDonatable(donation.aliased, donation.donate, args.length) : [];
    const given = donation ? donation.aliased.filter((i) => i < args.length && donation.donate?.[i] === true) : [];
    for (const i of given)
      for (let j = 0; j < args.length; j++)
        if (j !== i && args[j]!.id === args[i]!.id)
          throw new TypeError(`execute: argument ${i} is donated but also passed as argument ${j}`);
    const { outPtrs, done } = withArena(this.api, (a) => {
      const options = a.struct(PJRT_ExecuteOptions, {
        non_donatable_input_indices: keep.length > 0 ? a.int64Array(keep) : 0n,
        num_non_donatable_input_indices: keep.length,
      });
      const argList = a.pointerArray(argPtrs);
      const outList = a.alloc(exe.numOutputs * 8);
      const events = a.alloc(8); // PJRT_Event*[num_devices], filled by the plugin
      const s = a.struct(PJRT_LoadedExecutable_Execute_Args, {
        executable: exePtr,
        options: options.addr,
        argument_lists: a.pointerArray([argList]),
        num_devices: 1,
        num_args: argPtrs.length,
        output_lists: a.pointerArray([outList.addr]),
        device_complete_events: events.addr,
        execute_device: device === undefined ? 0n : this.device(device).ptr,
      });
      this.core.retryOnExhausted(() => api.call("PJRT_LoadedExecutable_Execute", s));
      return { outPtrs: readPointerArray(outList.addr, exe.numOutputs), done: events.view.getBigUint64(0, true) };
    });
    const ids = outPtrs.map((p) => this.core.track("buffer", p));
    // the plugin owns a donated argument's memory now (it may be an output's): never read it, only destroy its handle
    for (const i of given) this.core.markDonated(args[i]!.id);
    if (done !== 0n) {
      this.core.dispatched({ event: done, call: `running executable "${exe.name}"`, pins: [exe.id, ...args.map((b) => b.id)] });
    }
    try {
      return ids.map((id, i) => {
        const { dtype, shape } = this.describeBuffer(outPtrs[i]!);
        return this.wrapBuffer(id, dtype, shape);
      });
    } catch (e) {
      for (const id of ids) this.core.release(id);
      throw e;
    }
  }

  /** Element type and dimensions of a plugin-made buffer. */
  private describeBuffer(ptr: bigint): { dtype: DTypeName; shape: number[] } {
    return withArena(this.api, (a) => {
      const t = a.struct(PJRT_Buffer_ElementType_Args, { buffer: ptr });
      this.api.call("PJRT_Buffer_ElementType", t);
      const d = a.struct(PJRT_Buffer_Dimensions_Args, { buffer: ptr });
      this.api.call("PJRT_Buffer_Dimensions", d);
      const n = d.size("num_dims");
      const v = viewAt(d.ptr("dims"), n * 8);
      const shape = Array.from({ length: n }, (_, i) => Number(v.getBigInt64(i * 8, true)));
      return { dtype: dtypeFromBufferType(t.i32("type")).dtype, shape };
    });
  }

  /**
   * Buffer_ToHostBuffer: size query with dst NULL, then the copy, awaited.
   * A device error not yet reported is thrown instead, before or (when the
   * read fails because its producer failed) after the copy.
   */
  toHost(buf: PjrtBuffer): HostArray {
    this.checkAlive();
    this.checkOwned(buf);
    const ptr = this.core.ptrOf(buf.id, "buffer");
    this.core.poll(true);
    this.core.throwDeviceError();
    try {
      return this.readBuffer(buf, ptr);
    } catch (e) {
      // A failed execution's outputs fail to read with its error; report the
      // execution (it names the executable) rather than the read's echo.
      this.core.poll(true);
      this.core.throwDeviceError();
      throw e;
    }
  }

  private readBuffer(buf: PjrtBuffer, ptr: bigint): HostArray {
    const info = dtypeInfo(buf.dtype);
    const n = numElements(buf.shape);
    const api = this.api;
    return withArena(this.api, (a) => {
      const q = a.struct(PJRT_Buffer_ToHostBuffer_Args, { src: ptr, dst: 0n });
      api.call("PJRT_Buffer_ToHostBuffer", q);
      api.awaitEvent(q.ptr("event"), "PJRT_Buffer_ToHostBuffer size query");
      const size = q.size("dst_size");
      if (size !== n * info.bytes) {
        throw new PjrtError(
          AbslCode.INTERNAL,
          `plugin reports ${size} bytes for a ${buf.dtype}[${buf.shape.join(",")}] buffer, expected ${n * info.bytes}`,
          { call: "PJRT_Buffer_ToHostBuffer", path: api.path },
        );
      }
      const dst = a.alloc(size);
      const s = a.struct(PJRT_Buffer_ToHostBuffer_Args, { src: ptr, dst: dst.addr, dst_size: size });
      api.call("PJRT_Buffer_ToHostBuffer", s);
      api.awaitEvent(s.ptr("event"), "PJRT_Buffer_ToHostBuffer");
      const out = new info.ctor(n);
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(dst.bytes.subarray(0, size));
      return out;
    });
  }

  /**
   * Waits until every dispatched execution and transfer has finished; throws
   * the first device error not yet reported.
   */
  synchronize(): void {
    this.checkAlive();
    this.core.drain();
    this.core.throwDeviceError();
  }

  private checkOwned(x: PjrtBuffer | PjrtExecutable): void {
    if (x.client !== this) {
      throw new PjrtError(AbslCode.INVALID_ARGUMENT, "object belongs to another PJRT client", { call: "xlatorch" });
    }
  }

  /** Destroys one buffer or executable; a second call is a no-op. */
  release(x: PjrtBuffer | PjrtExecutable): void {
    if (x.client !== this) return;
    objectNet.unregister(x);
    if (this.core.alive) this.core.release(x.id);
  }

  /** Waits for in-flight work, destroys every live object, then the client. A second call is a no-op. */
  destroy(): void {
    clientNet.unregister(this);
    this.core.destroy();
  }
}

/** The aliased inputs the caller keeps: PJRT_ExecuteOptions.non_donatable_input_indices, ascending. */
export function nonDonatable(aliased: readonly number[], donate: readonly boolean[] | undefined, numArgs: number): number[] {
  return [...new Set(aliased)].filter((i) => i < numArgs && donate?.[i] !== true).sort((x, y) => x - y);
}
