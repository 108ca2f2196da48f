import { describe, expect, it } from "vitest";
import { ProtoWriter, buildCompileOptions } from "../src/compile_options.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("CompileOptionsProto bytes", () => {
  it("defaults to the 17 bytes every non-Python binding sends", () => {
    expect(hex(buildCompileOptions())).toBe("1a0f08ffffffffffffffffff0120012801");
    expect(buildCompileOptions().length).toBe(17);
  });

  it("takes num_replicas, num_partitions and device_ordinal as parameters", () => {
    // device_ordinal 0 is proto3's default and is omitted.
    expect(hex(buildCompileOptions({ deviceOrdinal: 0, numReplicas: 2, numPartitions: 3 }))).toBe("1a0420022803");
    expect(hex(buildCompileOptions({ deviceOrdinal: 1 }))).toBe("1a06080120012801");
    expect(hex(buildCompileOptions({ numReplicas: 300 }))).toBe("1a1008ffffffffffffffffff0120ac022801");
  });

  it("marks portable executables (CompileOptionsProto field 4)", () => {
    expect(hex(buildCompileOptions({ deviceOrdinal: 1, portable: true }))).toBe("1a060801200128012001");
  });

  it("rejects non-integers", () => {
    expect(() => buildCompileOptions({ numReplicas: 1.5 })).toThrow(/integer/);
  });
});

describe("ProtoWriter", () => {
  it("writes varints, including 64-bit two's complement negatives", () => {
    expect(hex(new ProtoWriter().varint(0).finish())).toBe("00");
    expect(hex(new ProtoWriter().varint(1).finish())).toBe("01");
    expect(hex(new ProtoWriter().varint(127).finish())).toBe("7f");
    expect(hex(new ProtoWriter().varint(128).finish())).toBe("8001");
    expect(hex(new ProtoWriter().varint(300).finish())).toBe("ac02");
    expect(hex(new ProtoWriter().varint(-1).finish())).toBe("ffffffffffffffffff01");
    expect(hex(new ProtoWriter().varint(2n ** 63n).finish())).toBe("80808080808080808001");
  });

  it("length-prefixes nested messages", () => {
    const inner = new ProtoWriter().int(1, 5).finish();
    expect(hex(new ProtoWriter().message(2, inner).finish())).toBe("12020805");
  });
});
