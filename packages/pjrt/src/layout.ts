// The PJRT C API's memory layout, in one place.
//
// Written from the facts of the public header xla/pjrt/c/pjrt_c_api.h
// (openxla/xla), PJRT C API version 0.105. Every struct is a list of fields
// with C types; offsets follow the x86-64/aarch64 LP64 C rules (each field at
// a multiple of its alignment) and are computed here, never written by hand.
// `size` is the header's PJRT_STRUCT_SIZE: offset of the last field plus its
// size (no tail padding), which is what `struct_size` must carry.
//
// Only fields appended at the end change between minor versions, so a plugin
// older than 0.105 reads the prefix it knows (it accepts a larger
// struct_size) and a newer one sees the size we sent and treats the missing
// tail as absent.

/** Header version the layouts below were written from. */
export const PJRT_HEADER_VERSION = { major: 0, minor: 105 } as const;

/**
 * Oldest plugin minor version accepted. 0.57 rearranged the PJRT_Api function
 * table into the order of FUNCTION_TABLE below; everything we call has kept its
 * slot since, and older argument structs are prefixes of ours.
 */
export const PJRT_MIN_SUPPORTED_MINOR = 57;

export type CType = "size_t" | "ptr" | "int32" | "int64" | "bool" | "float" | "u64" | "union8";

const SCALARS: Record<CType, { size: number; align: number }> = {
  size_t: { size: 8, align: 8 },
  ptr: { size: 8, align: 8 },
  int32: { size: 4, align: 4 }, // C `int` and enums
  int64: { size: 8, align: 8 },
  u64: { size: 8, align: 8 },
  bool: { size: 1, align: 1 },
  float: { size: 4, align: 4 },
  // PJRT_NamedValue's anonymous union {char*, int64_t, int64_t*, float, bool}.
  union8: { size: 8, align: 8 },
};

export interface FieldInfo {
  readonly offset: number;
  readonly type: CType | StructDef;
  readonly size: number;
}

export interface StructDef<F extends string = string> {
  readonly name: string;
  readonly fields: Readonly<Record<F, FieldInfo>>;
  /** PJRT_STRUCT_SIZE: end of the last field. The value for `struct_size`. */
  readonly size: number;
  /** sizeof(): `size` rounded up to the alignment; what to allocate. */
  readonly allocSize: number;
  readonly align: number;
}

type FieldSpec = readonly [string, CType | StructDef];

/** Lays out a C struct from its fields in declaration order. */
export function defineStruct<const S extends readonly FieldSpec[]>(name: string, specs: S): StructDef<S[number][0]> {
  let offset = 0;
  let align = 1;
  let end = 0;
  const fields: Record<string, FieldInfo> = {};
  for (const [fname, type] of specs) {
    const { size, align: a } = typeof type === "string" ? SCALARS[type] : { size: type.allocSize, align: type.align };
    offset = alignUp(offset, a);
    if (fname in fields) throw new Error(`duplicate field ${name}.${fname}`);
    fields[fname] = { offset, type, size };
    offset += size;
    end = offset;
    align = Math.max(align, a);
  }
  return { name, fields: fields as Record<S[number][0], FieldInfo>, size: end, allocSize: alignUp(end, align), align };
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Every PJRT argument struct starts with these two fields. */
const HEAD = [
  ["struct_size", "size_t"],
  ["extension_start", "ptr"],
] as const;

function args<const S extends readonly FieldSpec[]>(name: string, specs: S) {
  return defineStruct(name, [...HEAD, ...specs] as const);
}

// ----------------------------------------------------------------- structs --

export const PJRT_Api_Version = args("PJRT_Api_Version", [
  ["major_version", "int32"],
  ["minor_version", "int32"],
]);

/** The fixed head of PJRT_Api; function pointers follow it (FUNCTION_TABLE). */
export const PJRT_Api_Head = args("PJRT_Api", [["pjrt_api_version", PJRT_Api_Version]]);

export const PJRT_Error_Destroy_Args = args("PJRT_Error_Destroy_Args", [["error", "ptr"]]);
export const PJRT_Error_Message_Args = args("PJRT_Error_Message_Args", [
  ["error", "ptr"],
  ["message", "ptr"],
  ["message_size", "size_t"],
]);
export const PJRT_Error_GetCode_Args = args("PJRT_Error_GetCode_Args", [
  ["error", "ptr"],
  ["code", "int32"],
]);

export const PJRT_NamedValue = args("PJRT_NamedValue", [
  ["name", "ptr"],
  ["name_size", "size_t"],
  ["type", "int32"],
  ["value", "union8"],
  ["value_size", "size_t"],
]);

export const PJRT_Plugin_Initialize_Args = args("PJRT_Plugin_Initialize_Args", []);

export const PJRT_Event_Destroy_Args = args("PJRT_Event_Destroy_Args", [["event", "ptr"]]);
export const PJRT_Event_Await_Args = args("PJRT_Event_Await_Args", [["event", "ptr"]]);
export const PJRT_Event_IsReady_Args = args("PJRT_Event_IsReady_Args", [
  ["event", "ptr"],
  ["is_ready", "bool"],
]);

export const PJRT_Client_Create_Args = args("PJRT_Client_Create_Args", [
  ["create_options", "ptr"],
  ["num_options", "size_t"],
  ["kv_get_callback", "ptr"],
  ["kv_get_user_arg", "ptr"],
  ["kv_put_callback", "ptr"],
  ["kv_put_user_arg", "ptr"],
  ["client", "ptr"],
  ["kv_try_get_callback", "ptr"],
  ["kv_try_get_user_arg", "ptr"],
]);
export const PJRT_Client_Destroy_Args = args("PJRT_Client_Destroy_Args", [["client", "ptr"]]);
export const PJRT_Client_PlatformName_Args = args("PJRT_Client_PlatformName_Args", [
  ["client", "ptr"],
  ["platform_name", "ptr"],
  ["platform_name_size", "size_t"],
]);
export const PJRT_Client_PlatformVersion_Args = args("PJRT_Client_PlatformVersion_Args", [
  ["client", "ptr"],
  ["platform_version", "ptr"],
  ["platform_version_size", "size_t"],
]);
export const PJRT_Client_AddressableDevices_Args = args("PJRT_Client_AddressableDevices_Args", [
  ["client", "ptr"],
  ["addressable_devices", "ptr"],
  ["num_addressable_devices", "size_t"],
]);

export const PJRT_Program = args("PJRT_Program", [
  ["code", "ptr"],
  ["code_size", "size_t"],
  ["format", "ptr"],
  ["format_size", "size_t"],
]);
export const PJRT_Client_Compile_Args = args("PJRT_Client_Compile_Args", [
  ["client", "ptr"],
  ["program", "ptr"],
  ["compile_options", "ptr"],
  ["compile_options_size", "size_t"],
  ["executable", "ptr"],
]);

export const PJRT_Client_BufferFromHostBuffer_Args = args("PJRT_Client_BufferFromHostBuffer_Args", [
  ["client", "ptr"],
  ["data", "ptr"],
  ["type", "int32"],
  ["dims", "ptr"],
  ["num_dims", "size_t"],
  ["byte_strides", "ptr"],
  ["num_byte_strides", "size_t"],
  ["host_buffer_semantics", "int32"],
  ["device", "ptr"],
  ["memory", "ptr"],
  ["device_layout", "ptr"],
  ["done_with_host_buffer", "ptr"],
  ["buffer", "ptr"],
]);

export const PJRT_Device_GetDescription_Args = args("PJRT_Device_GetDescription_Args", [
  ["device", "ptr"],
  ["device_description", "ptr"],
]);
export const PJRT_DeviceDescription_Id_Args = args("PJRT_DeviceDescription_Id_Args", [
  ["device_description", "ptr"],
  ["id", "int32"],
]);
export const PJRT_DeviceDescription_Kind_Args = args("PJRT_DeviceDescription_Kind_Args", [
  ["device_description", "ptr"],
  ["device_kind", "ptr"],
  ["device_kind_size", "size_t"],
]);

export const PJRT_Executable_Destroy_Args = args("PJRT_Executable_Destroy_Args", [["executable", "ptr"]]);
export const PJRT_Executable_NumOutputs_Args = args("PJRT_Executable_NumOutputs_Args", [
  ["executable", "ptr"],
  ["num_outputs", "size_t"],
]);
export const PJRT_LoadedExecutable_Destroy_Args = args("PJRT_LoadedExecutable_Destroy_Args", [["executable", "ptr"]]);
export const PJRT_LoadedExecutable_GetExecutable_Args = args("PJRT_LoadedExecutable_GetExecutable_Args", [
  ["loaded_executable", "ptr"],
  ["executable", "ptr"],
]);
export const PJRT_LoadedExecutable_AddressableDevices_Args = args("PJRT_LoadedExecutable_AddressableDevices_Args", [
  ["executable", "ptr"],
  ["addressable_devices", "ptr"],
  ["num_addressable_devices", "size_t"],
]);

/** Executable_Serialize: the bytes live until `serialized_executable_deleter(serialized_executable)` is called. */
export const PJRT_Executable_Serialize_Args = args("PJRT_Executable_Serialize_Args", [
  ["executable", "ptr"],
  ["serialized_bytes", "ptr"],
  ["serialized_bytes_size", "size_t"],
  ["serialized_executable", "ptr"],
  ["serialized_executable_deleter", "ptr"],
]);
/** Executable_DeserializeAndLoad; NULL overridden options keep those stored in the executable. */
export const PJRT_Executable_DeserializeAndLoad_Args = args("PJRT_Executable_DeserializeAndLoad_Args", [
  ["client", "ptr"],
  ["serialized_executable", "ptr"],
  ["serialized_executable_size", "size_t"],
  ["loaded_executable", "ptr"],
  ["overridden_serialized_compile_options", "ptr"],
  ["overridden_serialized_compile_options_size", "size_t"],
]);

export const PJRT_ExecuteOptions = args("PJRT_ExecuteOptions", [
  ["send_callbacks", "ptr"],
  ["recv_callbacks", "ptr"],
  ["num_send_ops", "size_t"],
  ["num_recv_ops", "size_t"],
  ["launch_id", "int32"],
  ["non_donatable_input_indices", "ptr"],
  ["num_non_donatable_input_indices", "size_t"],
  ["context", "ptr"],
  ["call_location", "ptr"],
  ["num_tasks", "size_t"],
  ["task_ids", "ptr"],
  ["incarnation_ids", "ptr"],
  ["multi_slice_config", "ptr"],
]);
export const PJRT_LoadedExecutable_Execute_Args = args("PJRT_LoadedExecutable_Execute_Args", [
  ["executable", "ptr"],
  ["options", "ptr"],
  ["argument_lists", "ptr"],
  ["num_devices", "size_t"],
  ["num_args", "size_t"],
  ["output_lists", "ptr"],
  ["device_complete_events", "ptr"],
  ["execute_device", "ptr"],
]);

export const PJRT_Buffer_Destroy_Args = args("PJRT_Buffer_Destroy_Args", [["buffer", "ptr"]]);
export const PJRT_Buffer_ElementType_Args = args("PJRT_Buffer_ElementType_Args", [
  ["buffer", "ptr"],
  ["type", "int32"],
]);
export const PJRT_Buffer_Dimensions_Args = args("PJRT_Buffer_Dimensions_Args", [
  ["buffer", "ptr"],
  ["dims", "ptr"],
  ["num_dims", "size_t"],
]);
export const PJRT_Buffer_ToHostBuffer_Args = args("PJRT_Buffer_ToHostBuffer_Args", [
  ["src", "ptr"],
  ["host_layout", "ptr"],
  ["dst", "ptr"],
  ["dst_size", "size_t"],
  ["event", "ptr"],
]);

// --------------------------------------------------------- function table --

/**
 * PJRT_Api's function pointers in slot order (slot i is at
 * FUNCTION_TABLE_OFFSET + 8 * i). Listed up to the last one this binding
 * calls; a plugin's table may be longer.
 */
export const FUNCTION_TABLE = [
  "PJRT_Error_Destroy",
  "PJRT_Error_Message",
  "PJRT_Error_GetCode",
  "PJRT_Plugin_Initialize",
  "PJRT_Plugin_Attributes",
  "PJRT_Event_Destroy",
  "PJRT_Event_IsReady",
  "PJRT_Event_Error",
  "PJRT_Event_Await",
  "PJRT_Event_OnReady",
  "PJRT_Client_Create",
  "PJRT_Client_Destroy",
  "PJRT_Client_PlatformName",
  "PJRT_Client_ProcessIndex",
  "PJRT_Client_PlatformVersion",
  "PJRT_Client_Devices",
  "PJRT_Client_AddressableDevices",
  "PJRT_Client_LookupDevice",
  "PJRT_Client_LookupAddressableDevice",
  "PJRT_Client_AddressableMemories",
  "PJRT_Client_Compile",
  "PJRT_Client_DefaultDeviceAssignment",
  "PJRT_Client_BufferFromHostBuffer",
  "PJRT_DeviceDescription_Id",
  "PJRT_DeviceDescription_ProcessIndex",
  "PJRT_DeviceDescription_Attributes",
  "PJRT_DeviceDescription_Kind",
  "PJRT_DeviceDescription_DebugString",
  "PJRT_DeviceDescription_ToString",
  "PJRT_Device_GetDescription",
  "PJRT_Device_IsAddressable",
  "PJRT_Device_LocalHardwareId",
  "PJRT_Device_AddressableMemories",
  "PJRT_Device_DefaultMemory",
  "PJRT_Device_MemoryStats",
  "PJRT_Memory_Id",
  "PJRT_Memory_Kind",
  "PJRT_Memory_DebugString",
  "PJRT_Memory_ToString",
  "PJRT_Memory_AddressableByDevices",
  "PJRT_Executable_Destroy",
  "PJRT_Executable_Name",
  "PJRT_Executable_NumReplicas",
  "PJRT_Executable_NumPartitions",
  "PJRT_Executable_NumOutputs",
  "PJRT_Executable_SizeOfGeneratedCodeInBytes",
  "PJRT_Executable_GetCostAnalysis",
  "PJRT_Executable_OutputMemoryKinds",
  "PJRT_Executable_OptimizedProgram",
  "PJRT_Executable_Serialize",
  "PJRT_LoadedExecutable_Destroy",
  "PJRT_LoadedExecutable_GetExecutable",
  "PJRT_LoadedExecutable_AddressableDevices",
  "PJRT_LoadedExecutable_Delete",
  "PJRT_LoadedExecutable_IsDeleted",
  "PJRT_LoadedExecutable_Execute",
  "PJRT_Executable_DeserializeAndLoad",
  "PJRT_LoadedExecutable_Fingerprint",
  "PJRT_Buffer_Destroy",
  "PJRT_Buffer_ElementType",
  "PJRT_Buffer_Dimensions",
  "PJRT_Buffer_UnpaddedDimensions",
  "PJRT_Buffer_DynamicDimensionIndices",
  "PJRT_Buffer_GetMemoryLayout",
  "PJRT_Buffer_OnDeviceSizeInBytes",
  "PJRT_Buffer_Device",
  "PJRT_Buffer_Memory",
  "PJRT_Buffer_Delete",
  "PJRT_Buffer_IsDeleted",
  "PJRT_Buffer_CopyToDevice",
  "PJRT_Buffer_ToHostBuffer",
  "PJRT_Buffer_IsOnCpu",
  "PJRT_Buffer_ReadyEvent",
] as const;

export type PjrtFunctionName = (typeof FUNCTION_TABLE)[number];

/** Offset of slot 0: right after struct_size, extension_start and the version. */
export const FUNCTION_TABLE_OFFSET = PJRT_Api_Head.allocSize;

export function functionOffset(name: PjrtFunctionName): number {
  return FUNCTION_TABLE_OFFSET + 8 * FUNCTION_TABLE.indexOf(name);
}

// ------------------------------------------------------------------ enums --

/** PJRT_NamedValue_Type. */
export const NamedValueType = { kString: 0, kInt64: 1, kInt64List: 2, kFloat: 3, kBool: 4 } as const;

/** PJRT_HostBufferSemantics. */
export const HostBufferSemantics = {
  kImmutableOnlyDuringCall: 0,
  kImmutableUntilTransferCompletes: 1,
  kImmutableZeroCopy: 2,
  kMutableZeroCopy: 3,
} as const;

/** PJRT_Buffer_Type, the codes this binding uses. */
export const BufferType = {
  INVALID: 0,
  PRED: 1,
  S8: 2,
  S16: 3,
  S32: 4,
  S64: 5,
  U8: 6,
  U16: 7,
  U32: 8,
  U64: 9,
  F16: 10,
  F32: 11,
  F64: 12,
  BF16: 13,
  C64: 14,
  C128: 15,
} as const;
