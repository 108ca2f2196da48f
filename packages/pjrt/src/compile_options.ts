// The serialized xla.CompileOptionsProto that PJRT_Client_Compile expects.
//
// Empty bytes parse, but leave num_replicas/num_partitions at 0, which
// plugins reject or mis-handle; every non-Python binding sends
//   executable_build_options { device_ordinal: -1, num_replicas: 1, num_partitions: 1 }
// which is 1a 0f 08 ff ff ff ff ff ff ff ff ff 01 20 01 28 01. A dozen lines
// of protobuf wire format build it, so the values stay parameters.

export interface CompileOptions {
  /** ExecutableBuildOptionsProto.device_ordinal; -1 lets the client choose. */
  deviceOrdinal?: number;
  numReplicas?: number;
  numPartitions?: number;
  /**
   * CompileOptionsProto.compile_portable_executable: a single-device
   * executable that may run on any device (LoadedExecutable_Execute with
   * execute_device then takes the ExecutePortable path).
   */
  portable?: boolean;
}

// Field numbers from xla/pjrt/proto/compile_options.proto.
const COMPILE_OPTIONS_EXECUTABLE_BUILD_OPTIONS = 3;
const COMPILE_OPTIONS_COMPILE_PORTABLE_EXECUTABLE = 4;
const BUILD_OPTIONS_DEVICE_ORDINAL = 1;
const BUILD_OPTIONS_NUM_REPLICAS = 4;
const BUILD_OPTIONS_NUM_PARTITIONS = 5;

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/** A minimal protobuf writer: varint and length-delimited fields. */
export class ProtoWriter {
  private bytes: number[] = [];

  /** Base-128 varint of a 64-bit value; negatives are two's complement (10 bytes). */
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      this.bytes.push(b);
    } while (v !== 0n);
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  /** An int32/int64 field; proto3 omits the default 0. */
  int(field: number, value: number | bigint): this {
    if (BigInt(value) === 0n) return this;
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  message(field: number, body: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(body.length);
    for (const b of body) this.bytes.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Serializes CompileOptionsProto with its ExecutableBuildOptionsProto. */
export function buildCompileOptions(opts: CompileOptions = {}): Uint8Array {
  const { deviceOrdinal = -1, numReplicas = 1, numPartitions = 1, portable = false } = opts;
  for (const [k, v] of Object.entries({ deviceOrdinal, numReplicas, numPartitions })) {
    if (!Number.isInteger(v)) throw new TypeError(`compile option ${k} must be an integer, got ${v}`);
  }
  const build = new ProtoWriter()
    .int(BUILD_OPTIONS_DEVICE_ORDINAL, deviceOrdinal)
    .int(BUILD_OPTIONS_NUM_REPLICAS, numReplicas)
    .int(BUILD_OPTIONS_NUM_PARTITIONS, numPartitions)
    .finish();
  return new ProtoWriter()
    .message(COMPILE_OPTIONS_EXECUTABLE_BUILD_OPTIONS, build)
    .int(COMPILE_OPTIONS_COMPILE_PORTABLE_EXECUTABLE, portable ? 1 : 0)
    .finish();
}
