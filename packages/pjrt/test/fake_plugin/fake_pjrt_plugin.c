/*
 * TEST DOUBLE — a fake PJRT plugin for the tests of @xlatorch/pjrt's FFI layer.
 * It is compiled at test time (cc -shared -fPIC) into a temporary directory
 * and used nowhere else: it computes nothing real and ships with nothing.
 *
 * It exports GetPjrtApi with a PJRT_Api table whose functions check what the
 * TypeScript binding sends (struct_size against this compiler's offsetof,
 * extension_start NULL, pointer arrays, dims, dtype codes, program format and
 * compile options) and write a line per call into a log the tests read back
 * (FakePjrt_Log). Its "execution" copies argument j % num_args into output j,
 * so toDevice -> execute -> toHost round-trips real bytes.
 *
 * Events model asynchronous work. A host-to-device transfer reads the host
 * memory, and an execution (when the caller asks for device_complete_events)
 * reads its inputs, only when its event completes; an input destroyed by then
 * is logged as BAD. An event completes when it is awaited, when a read or an
 * execution needs its result, and when Event_IsReady asks, unless
 * FakePjrt_Hold(1) is in force: then Event_IsReady reports it unfinished until
 * FakePjrt_CompleteEvents(). A program containing "fake.device_error"
 * completes its execution event with an error, and its outputs fail to read
 * with that error.
 *
 * Struct definitions below restate the facts of the public PJRT C API header
 * (xla/pjrt/c/pjrt_c_api.h, version 0.105), only for the fields used here.
 *
 * Build variants (all -D, for the error-path tests):
 *   FAKE_MAJOR / FAKE_MINOR   version the table reports (default 0.105)
 *   FAKE_TABLE_SLOTS          function slots covered by PJRT_Api.struct_size
 *   FAKE_NULL_SLOT            one slot left NULL
 *   FAKE_GROW                 bytes by which PJRT_ExecuteOptions and
 *                             PJRT_Client_BufferFromHostBuffer_Args are "newer"
 *                             here than the binding's header: a smaller
 *                             struct_size is refused the way XLA refuses it
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FAKE_MAJOR
#define FAKE_MAJOR 0
#endif
#ifndef FAKE_MINOR
#define FAKE_MINOR 105
#endif
#ifndef FAKE_TABLE_SLOTS
#define FAKE_TABLE_SLOTS 73
#endif
#ifndef FAKE_NULL_SLOT
#define FAKE_NULL_SLOT -1
#endif
#ifndef FAKE_GROW
#define FAKE_GROW 0
#endif

#define EXPORT __attribute__((visibility("default")))
#define STRUCT_SIZE(T, last) (offsetof(T, last) + sizeof(((T*)0)->last))

/* ------------------------------------------------------------- structs -- */

#define HEAD \
  size_t struct_size; \
  void* extension_start

typedef struct { HEAD; int major_version; int minor_version; } PJRT_Api_Version;
typedef struct { HEAD; void* error; } PJRT_Error_Destroy_Args;
typedef struct { HEAD; void* error; const char* message; size_t message_size; } PJRT_Error_Message_Args;
typedef struct { HEAD; void* error; int code; } PJRT_Error_GetCode_Args;
typedef struct {
  HEAD;
  const char* name;
  size_t name_size;
  int type;
  union { const char* string_value; int64_t int64_value; const int64_t* int64_array_value; float float_value; bool bool_value; };
  size_t value_size;
} PJRT_NamedValue;
typedef struct { HEAD; } PJRT_Plugin_Initialize_Args;
typedef struct { HEAD; void* event; } PJRT_Event_Destroy_Args;
typedef struct { HEAD; void* event; } PJRT_Event_Await_Args;
typedef struct { HEAD; void* event; bool is_ready; } PJRT_Event_IsReady_Args;
typedef struct {
  HEAD;
  const PJRT_NamedValue* create_options;
  size_t num_options;
  void* kv_get_callback;
  void* kv_get_user_arg;
  void* kv_put_callback;
  void* kv_put_user_arg;
  void* client;
  void* kv_try_get_callback;
  void* kv_try_get_user_arg;
} PJRT_Client_Create_Args;
typedef struct { HEAD; void* client; } PJRT_Client_Destroy_Args;
typedef struct { HEAD; void* client; const char* platform_name; size_t platform_name_size; } PJRT_Client_PlatformName_Args;
typedef struct { HEAD; void* client; const char* platform_version; size_t platform_version_size; } PJRT_Client_PlatformVersion_Args;
typedef struct { HEAD; void* client; void* const* addressable_devices; size_t num_addressable_devices; } PJRT_Client_AddressableDevices_Args;
typedef struct { HEAD; char* code; size_t code_size; const char* format; size_t format_size; } PJRT_Program;
typedef struct {
  HEAD;
  void* client;
  const PJRT_Program* program;
  const char* compile_options;
  size_t compile_options_size;
  void* executable;
} PJRT_Client_Compile_Args;
typedef struct {
  HEAD;
  void* client;
  const void* data;
  int type;
  const int64_t* dims;
  size_t num_dims;
  const int64_t* byte_strides;
  size_t num_byte_strides;
  int host_buffer_semantics;
  void* device;
  void* memory;
  void* device_layout;
  void* done_with_host_buffer;
  void* buffer;
} PJRT_Client_BufferFromHostBuffer_Args;
typedef struct { HEAD; void* device; void* device_description; } PJRT_Device_GetDescription_Args;
typedef struct { HEAD; void* device_description; int id; } PJRT_DeviceDescription_Id_Args;
typedef struct { HEAD; void* device_description; const char* device_kind; size_t device_kind_size; } PJRT_DeviceDescription_Kind_Args;
typedef struct { HEAD; void* executable; } PJRT_Executable_Destroy_Args;
typedef struct { HEAD; void* executable; size_t num_outputs; } PJRT_Executable_NumOutputs_Args;
typedef struct { HEAD; void* executable; } PJRT_LoadedExecutable_Destroy_Args;
typedef struct {
  HEAD;
  const void* executable;
  const char* serialized_bytes;
  size_t serialized_bytes_size;
  void* serialized_executable;
  void (*serialized_executable_deleter)(void*);
} PJRT_Executable_Serialize_Args;
typedef struct {
  HEAD;
  void* client;
  const char* serialized_executable;
  size_t serialized_executable_size;
  void* loaded_executable;
  const char* overridden_serialized_compile_options;
  size_t overridden_serialized_compile_options_size;
} PJRT_Executable_DeserializeAndLoad_Args;
typedef struct { HEAD; void* loaded_executable; void* executable; } PJRT_LoadedExecutable_GetExecutable_Args;
typedef struct { HEAD; void* executable; void* const* addressable_devices; size_t num_addressable_devices; } PJRT_LoadedExecutable_AddressableDevices_Args;
typedef struct {
  HEAD;
  void** send_callbacks;
  void** recv_callbacks;
  size_t num_send_ops;
  size_t num_recv_ops;
  int launch_id;
  const int64_t* non_donatable_input_indices;
  size_t num_non_donatable_input_indices;
  void* context;
  const char* call_location;
  size_t num_tasks;
  int* task_ids;
  int64_t* incarnation_ids;
  void* multi_slice_config;
} PJRT_ExecuteOptions;
typedef struct {
  HEAD;
  void* executable;
  PJRT_ExecuteOptions* options;
  void* const* const* argument_lists;
  size_t num_devices;
  size_t num_args;
  void** const* output_lists;
  void** device_complete_events;
  void* execute_device;
} PJRT_LoadedExecutable_Execute_Args;
typedef struct { HEAD; void* buffer; } PJRT_Buffer_Destroy_Args;
typedef struct { HEAD; void* buffer; int type; } PJRT_Buffer_ElementType_Args;
typedef struct { HEAD; void* buffer; const int64_t* dims; size_t num_dims; } PJRT_Buffer_Dimensions_Args;
typedef struct { HEAD; void* src; void* host_layout; void* dst; size_t dst_size; void* event; } PJRT_Buffer_ToHostBuffer_Args;

enum {
  SLOT_Error_Destroy = 0, SLOT_Error_Message = 1, SLOT_Error_GetCode = 2, SLOT_Plugin_Initialize = 3,
  SLOT_Event_Destroy = 5, SLOT_Event_IsReady = 6, SLOT_Event_Await = 8, SLOT_Client_Create = 10, SLOT_Client_Destroy = 11,
  SLOT_Client_PlatformName = 12, SLOT_Client_PlatformVersion = 14, SLOT_Client_AddressableDevices = 16,
  SLOT_Client_Compile = 20, SLOT_Client_BufferFromHostBuffer = 22, SLOT_DeviceDescription_Id = 23,
  SLOT_DeviceDescription_Kind = 26, SLOT_Device_GetDescription = 29, SLOT_Executable_Destroy = 40,
  SLOT_Executable_NumOutputs = 44, SLOT_Executable_Serialize = 49, SLOT_LoadedExecutable_Destroy = 50, SLOT_LoadedExecutable_GetExecutable = 51,
  SLOT_LoadedExecutable_AddressableDevices = 52, SLOT_LoadedExecutable_Execute = 55,
  SLOT_Executable_DeserializeAndLoad = 56, SLOT_Buffer_Destroy = 58,
  SLOT_Buffer_ElementType = 59, SLOT_Buffer_Dimensions = 60, SLOT_Buffer_ToHostBuffer = 70,
  NUM_SLOTS = 73
};

typedef struct {
  size_t struct_size;
  void* extension_start;
  PJRT_Api_Version pjrt_api_version;
  void* fns[NUM_SLOTS];
} PJRT_Api;

/* ------------------------------------------------------- layout table -- */
/* Sizes and offsets as this C compiler lays them out, for the layout test. */

typedef struct { const char* s; const char* f; size_t v; } LayoutEntry;
#define SZ(S, last) {#S, "", STRUCT_SIZE(S, last)}
#define OFF(S, f) {#S, #f, offsetof(S, f)}
static const LayoutEntry LAYOUT[] = {
  SZ(PJRT_Api_Version, minor_version), OFF(PJRT_Api_Version, major_version), OFF(PJRT_Api_Version, minor_version),
  OFF(PJRT_Api, pjrt_api_version), OFF(PJRT_Api, fns),
  SZ(PJRT_Error_Message_Args, message_size), OFF(PJRT_Error_Message_Args, message), OFF(PJRT_Error_Message_Args, message_size),
  SZ(PJRT_Error_GetCode_Args, code), OFF(PJRT_Error_GetCode_Args, code),
  SZ(PJRT_Error_Destroy_Args, error),
  SZ(PJRT_NamedValue, value_size), OFF(PJRT_NamedValue, name), OFF(PJRT_NamedValue, name_size), OFF(PJRT_NamedValue, type),
  OFF(PJRT_NamedValue, int64_value), OFF(PJRT_NamedValue, value_size),
  SZ(PJRT_Plugin_Initialize_Args, extension_start),
  SZ(PJRT_Event_Destroy_Args, event), SZ(PJRT_Event_Await_Args, event),
  SZ(PJRT_Event_IsReady_Args, is_ready), OFF(PJRT_Event_IsReady_Args, is_ready),
  SZ(PJRT_Client_Create_Args, kv_try_get_user_arg), OFF(PJRT_Client_Create_Args, create_options),
  OFF(PJRT_Client_Create_Args, num_options), OFF(PJRT_Client_Create_Args, client),
  SZ(PJRT_Client_Destroy_Args, client),
  SZ(PJRT_Client_PlatformName_Args, platform_name_size), OFF(PJRT_Client_PlatformName_Args, platform_name),
  SZ(PJRT_Client_PlatformVersion_Args, platform_version_size),
  SZ(PJRT_Client_AddressableDevices_Args, num_addressable_devices),
  OFF(PJRT_Client_AddressableDevices_Args, addressable_devices),
  SZ(PJRT_Program, format_size), OFF(PJRT_Program, code), OFF(PJRT_Program, code_size), OFF(PJRT_Program, format),
  OFF(PJRT_Program, format_size),
  SZ(PJRT_Client_Compile_Args, executable), OFF(PJRT_Client_Compile_Args, program),
  OFF(PJRT_Client_Compile_Args, compile_options), OFF(PJRT_Client_Compile_Args, compile_options_size),
  OFF(PJRT_Client_Compile_Args, executable),
  SZ(PJRT_Client_BufferFromHostBuffer_Args, buffer), OFF(PJRT_Client_BufferFromHostBuffer_Args, data),
  OFF(PJRT_Client_BufferFromHostBuffer_Args, type), OFF(PJRT_Client_BufferFromHostBuffer_Args, dims),
  OFF(PJRT_Client_BufferFromHostBuffer_Args, num_dims), OFF(PJRT_Client_BufferFromHostBuffer_Args, byte_strides),
  OFF(PJRT_Client_BufferFromHostBuffer_Args, num_byte_strides),
  OFF(PJRT_Client_BufferFromHostBuffer_Args, host_buffer_semantics), OFF(PJRT_Client_BufferFromHostBuffer_Args, device),
  OFF(PJRT_Client_BufferFromHostBuffer_Args, memory), OFF(PJRT_Client_BufferFromHostBuffer_Args, device_layout),
  OFF(PJRT_Client_BufferFromHostBuffer_Args, done_with_host_buffer), OFF(PJRT_Client_BufferFromHostBuffer_Args, buffer),
  SZ(PJRT_Device_GetDescription_Args, device_description),
  SZ(PJRT_DeviceDescription_Id_Args, id), SZ(PJRT_DeviceDescription_Kind_Args, device_kind_size),
  SZ(PJRT_Executable_Destroy_Args, executable), SZ(PJRT_Executable_NumOutputs_Args, num_outputs),
  SZ(PJRT_LoadedExecutable_Destroy_Args, executable), SZ(PJRT_LoadedExecutable_GetExecutable_Args, executable),
  SZ(PJRT_LoadedExecutable_AddressableDevices_Args, num_addressable_devices),
  SZ(PJRT_Executable_Serialize_Args, serialized_executable_deleter), OFF(PJRT_Executable_Serialize_Args, serialized_bytes),
  OFF(PJRT_Executable_Serialize_Args, serialized_bytes_size), OFF(PJRT_Executable_Serialize_Args, serialized_executable),
  OFF(PJRT_Executable_Serialize_Args, serialized_executable_deleter),
  SZ(PJRT_Executable_DeserializeAndLoad_Args, overridden_serialized_compile_options_size),
  OFF(PJRT_Executable_DeserializeAndLoad_Args, serialized_executable),
  OFF(PJRT_Executable_DeserializeAndLoad_Args, serialized_executable_size),
  OFF(PJRT_Executable_DeserializeAndLoad_Args, loaded_executable),
  OFF(PJRT_Executable_DeserializeAndLoad_Args, overridden_serialized_compile_options),
  SZ(PJRT_ExecuteOptions, multi_slice_config), OFF(PJRT_ExecuteOptions, launch_id),
  OFF(PJRT_ExecuteOptions, non_donatable_input_indices), OFF(PJRT_ExecuteOptions, context),
  OFF(PJRT_ExecuteOptions, call_location), OFF(PJRT_ExecuteOptions, num_tasks), OFF(PJRT_ExecuteOptions, multi_slice_config),
  SZ(PJRT_LoadedExecutable_Execute_Args, execute_device), OFF(PJRT_LoadedExecutable_Execute_Args, options),
  OFF(PJRT_LoadedExecutable_Execute_Args, argument_lists), OFF(PJRT_LoadedExecutable_Execute_Args, num_devices),
  OFF(PJRT_LoadedExecutable_Execute_Args, num_args), OFF(PJRT_LoadedExecutable_Execute_Args, output_lists),
  OFF(PJRT_LoadedExecutable_Execute_Args, device_complete_events), OFF(PJRT_LoadedExecutable_Execute_Args, execute_device),
  SZ(PJRT_Buffer_Destroy_Args, buffer), SZ(PJRT_Buffer_ElementType_Args, type),
  SZ(PJRT_Buffer_Dimensions_Args, num_dims), OFF(PJRT_Buffer_Dimensions_Args, dims),
  SZ(PJRT_Buffer_ToHostBuffer_Args, event), OFF(PJRT_Buffer_ToHostBuffer_Args, host_layout),
  OFF(PJRT_Buffer_ToHostBuffer_Args, dst), OFF(PJRT_Buffer_ToHostBuffer_Args, dst_size), OFF(PJRT_Buffer_ToHostBuffer_Args, event),
};

/* -------------------------------------------------------- bookkeeping -- */

enum { K_ERROR, K_EVENT, K_CLIENT, K_LOADED, K_EXECUTABLE, K_BUFFER, K_COUNT };
static const char* KIND_NAMES[K_COUNT] = {"error", "event", "client", "loaded_executable", "executable", "buffer"};
static int64_t g_live[K_COUNT];
static int64_t g_created[K_COUNT];
static int64_t g_double_destroys;
static int64_t g_initialized;

#define MAGIC_LIVE 0x11FE11FEu
#define MAGIC_DEAD 0xDEADDEADu

/* Every object starts with this header. Destroyed objects are marked, never
 * freed, so a second destroy is detected instead of corrupting the heap. */
typedef struct { uint32_t magic; int kind; } Obj;

static void* obj_new(int kind, size_t size) {
  Obj* o = calloc(1, size);
  o->magic = MAGIC_LIVE;
  o->kind = kind;
  g_live[kind]++;
  g_created[kind]++;
  return o;
}

static bool obj_ok(const void* p, int kind) {
  const Obj* o = p;
  return o && o->magic == MAGIC_LIVE && o->kind == kind;
}

static void obj_destroy(void* p, int kind) {
  Obj* o = p;
  if (!o) return;
  if (o->magic == MAGIC_DEAD) { g_double_destroys++; return; }
  if (!obj_ok(o, kind)) { g_double_destroys++; return; }
  o->magic = MAGIC_DEAD;
  g_live[kind]--;
}

static char g_log[1 << 16];
static size_t g_log_len;

static void logf_(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(g_log + g_log_len, sizeof g_log - g_log_len, fmt, ap);
  va_end(ap);
  if (n > 0) g_log_len += (size_t)n < sizeof g_log - g_log_len ? (size_t)n : sizeof g_log - g_log_len - 1;
  if (g_log_len + 1 < sizeof g_log) g_log[g_log_len++] = '\n';
  g_log[g_log_len] = 0;
}

/* ------------------------------------------------------------- errors -- */

typedef struct { Obj o; int code; char msg[512]; } FakeError;

static void* mkerr(int code, const char* fmt, ...) {
  FakeError* e = obj_new(K_ERROR, sizeof(FakeError));
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return e;
}

/* Exact struct_size: stricter than a real plugin (which accepts larger), so
 * any drift in the TypeScript layout shows up here. */
#define CHECK(T, a, last)                                                                        \
  do {                                                                                           \
    if (!(a)) return mkerr(3, "fake: NULL " #T);                                                 \
    if ((a)->struct_size != STRUCT_SIZE(T, last))                                                \
      return mkerr(3, "fake: " #T ".struct_size is %zu, expected %zu", (a)->struct_size,         \
                   (size_t)STRUCT_SIZE(T, last));                                                \
    if ((a)->extension_start != NULL) return mkerr(3, "fake: " #T ".extension_start is not NULL"); \
  } while (0)

/* For the structs a FAKE_GROW build pretends are newer: XLA's wording when
 * struct_size is too small, and the appended tail must arrive zeroed. */
#define CHECK_GROWN(T, a, last)                                                                   \
  do {                                                                                            \
    if (FAKE_GROW == 0) { CHECK(T, a, last); break; }                                             \
    size_t want_ = STRUCT_SIZE(T, last) + FAKE_GROW;                                              \
    if ((a)->struct_size < want_)                                                                 \
      return mkerr(3, "Unexpected " #T " size: expected %zu, got %zu. Check installed software "  \
                   "versions. The framework PJRT API version is %d.%d.", want_, (a)->struct_size, \
                   FAKE_MAJOR, FAKE_MINOR);                                                       \
    for (size_t i_ = STRUCT_SIZE(T, last); i_ < want_; i_++)                                      \
      if (((const unsigned char*)(a))[i_]) return mkerr(3, "fake: appended tail of " #T " is not zero"); \
    logf_("grown " #T " struct_size=%zu", (a)->struct_size);                                      \
  } while (0)

static void Error_Destroy(PJRT_Error_Destroy_Args* a) {
  if (a->struct_size != STRUCT_SIZE(PJRT_Error_Destroy_Args, error)) logf_("BAD Error_Destroy struct_size");
  if (a->error) obj_destroy(a->error, K_ERROR);
}

static void Error_Message(PJRT_Error_Message_Args* a) {
  if (a->struct_size != STRUCT_SIZE(PJRT_Error_Message_Args, message_size)) logf_("BAD Error_Message struct_size");
  const FakeError* e = a->error;
  a->message = e->msg;
  a->message_size = strlen(e->msg);
}

static void* Error_GetCode(PJRT_Error_GetCode_Args* a) {
  CHECK(PJRT_Error_GetCode_Args, a, code);
  a->code = ((const FakeError*)a->error)->code;
  return NULL;
}

/* ------------------------------------------------------------- events -- */

/* What completing an event does: a pending host->device copy (how a real
 * transfer may read host memory until its event), or an execution's work. */
struct FakeBuffer;
#define MAX_IO 16
typedef struct {
  Obj o;
  bool complete;
  void* copy_dst;
  const void* copy_src;
  size_t copy_len;
  int error_code; /* 0: completes without error */
  char error_msg[128];
  size_t num_inputs, num_outputs;
  struct FakeBuffer* inputs[MAX_IO];
  struct FakeBuffer* outputs[MAX_IO];
} FakeEvent;

static bool g_hold;
static FakeEvent* g_events[4096]; /* made since the last FakePjrt_CompleteEvents */
static size_t g_num_events;

#define MAX_EVENTS (sizeof g_events / sizeof g_events[0])

static FakeEvent* event_new(void) {
  FakeEvent* ev = obj_new(K_EVENT, sizeof(FakeEvent));
  if (g_num_events == MAX_EVENTS) { /* forget the completed ones */
    size_t k = 0;
    for (size_t i = 0; i < g_num_events; i++) if (!g_events[i]->complete) g_events[k++] = g_events[i];
    g_num_events = k;
  }
  if (g_num_events < MAX_EVENTS) g_events[g_num_events++] = ev;
  return ev;
}

static void run_execution(FakeEvent* ev);

static void complete(FakeEvent* ev) {
  if (ev->complete) return;
  ev->complete = true;
  if (ev->copy_dst) memcpy(ev->copy_dst, ev->copy_src, ev->copy_len);
  run_execution(ev);
}

static void* Event_Await(PJRT_Event_Await_Args* a) {
  CHECK(PJRT_Event_Await_Args, a, event);
  FakeEvent* ev = a->event;
  if (!obj_ok(ev, K_EVENT)) return mkerr(3, "fake: Event_Await on a bad event");
  complete(ev);
  logf_("Event_Await");
  if (ev->error_code) return mkerr(ev->error_code, "%s", ev->error_msg);
  return NULL;
}

static void* Event_IsReady(PJRT_Event_IsReady_Args* a) {
  CHECK(PJRT_Event_IsReady_Args, a, is_ready);
  FakeEvent* ev = a->event;
  if (!obj_ok(ev, K_EVENT)) return mkerr(3, "fake: Event_IsReady on a bad event");
  if (!g_hold) complete(ev);
  a->is_ready = ev->complete;
  return NULL;
}

static void* Event_Destroy(PJRT_Event_Destroy_Args* a) {
  CHECK(PJRT_Event_Destroy_Args, a, event);
  FakeEvent* ev = a->event;
  if (ev && obj_ok(ev, K_EVENT) && ev->copy_dst && !ev->complete) logf_("BAD event destroyed before await");
  obj_destroy(ev, K_EVENT);
  return NULL;
}

/* ------------------------------------------------------ client/devices -- */

typedef struct { int id; } FakeDescription;
typedef struct { FakeDescription desc; int index; } FakeDevice;
#define NUM_DEVICES 2
typedef struct { Obj o; FakeDevice devices[NUM_DEVICES]; void* device_ptrs[NUM_DEVICES]; } FakeClient;

static void* Plugin_Initialize(PJRT_Plugin_Initialize_Args* a) {
  CHECK(PJRT_Plugin_Initialize_Args, a, extension_start);
  g_initialized++;
  logf_("Plugin_Initialize");
  return NULL;
}

static void* Client_Create(PJRT_Client_Create_Args* a) {
  CHECK(PJRT_Client_Create_Args, a, kv_try_get_user_arg);
  if (g_initialized == 0) return mkerr(9, "fake: Client_Create before Plugin_Initialize");
  if (a->num_options && !a->create_options) return mkerr(3, "fake: num_options without create_options");
  for (size_t i = 0; i < a->num_options; i++) {
    const PJRT_NamedValue* nv = &a->create_options[i];
    if (nv->struct_size != STRUCT_SIZE(PJRT_NamedValue, value_size) || nv->extension_start)
      return mkerr(3, "fake: PJRT_NamedValue[%zu] bad header (struct_size %zu)", i, nv->struct_size);
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)nv->name_size, nv->name);
    if (strcmp(name, "fake_reject") == 0) return mkerr(3, "fake: unknown client option %s", name);
    switch (nv->type) {
      case 0: logf_("Client_Create option %s string %.*s size=%zu", name, (int)nv->value_size, nv->string_value, nv->value_size); break;
      case 1: logf_("Client_Create option %s int64 %lld size=%zu", name, (long long)nv->int64_value, nv->value_size); break;
      case 2: {
        char buf[256] = "";
        size_t n = 0;
        for (size_t k = 0; k < nv->value_size && n < sizeof buf - 24; k++)
          n += (size_t)snprintf(buf + n, sizeof buf - n, k ? ",%lld" : "%lld", (long long)nv->int64_array_value[k]);
        logf_("Client_Create option %s int64list [%s] size=%zu", name, buf, nv->value_size);
        break;
      }
      case 3: logf_("Client_Create option %s float %g size=%zu", name, (double)nv->float_value, nv->value_size); break;
      case 4: logf_("Client_Create option %s bool %d size=%zu", name, (int)nv->bool_value, nv->value_size); break;
      default: return mkerr(3, "fake: option %s has bad type %d", name, nv->type);
    }
  }
  FakeClient* c = obj_new(K_CLIENT, sizeof(FakeClient));
  for (int i = 0; i < NUM_DEVICES; i++) {
    c->devices[i].desc.id = i;
    c->devices[i].index = i;
    c->device_ptrs[i] = &c->devices[i];
  }
  a->client = c;
  logf_("Client_Create num_options=%zu", a->num_options);
  return NULL;
}

static void* Client_Destroy(PJRT_Client_Destroy_Args* a) {
  CHECK(PJRT_Client_Destroy_Args, a, client);
  obj_destroy(a->client, K_CLIENT);
  logf_("Client_Destroy");
  return NULL;
}

static void* Client_PlatformName(PJRT_Client_PlatformName_Args* a) {
  CHECK(PJRT_Client_PlatformName_Args, a, platform_name_size);
  if (!obj_ok(a->client, K_CLIENT)) return mkerr(3, "fake: bad client");
  a->platform_name = "fake";
  a->platform_name_size = 4;
  return NULL;
}

static void* Client_PlatformVersion(PJRT_Client_PlatformVersion_Args* a) {
  CHECK(PJRT_Client_PlatformVersion_Args, a, platform_version_size);
  a->platform_version = "fake 0.105";
  a->platform_version_size = strlen(a->platform_version);
  return NULL;
}

static void* Client_AddressableDevices(PJRT_Client_AddressableDevices_Args* a) {
  CHECK(PJRT_Client_AddressableDevices_Args, a, num_addressable_devices);
  FakeClient* c = a->client;
  if (!obj_ok(c, K_CLIENT)) return mkerr(3, "fake: bad client");
  a->addressable_devices = c->device_ptrs;
  a->num_addressable_devices = NUM_DEVICES;
  return NULL;
}

static void* Device_GetDescription(PJRT_Device_GetDescription_Args* a) {
  CHECK(PJRT_Device_GetDescription_Args, a, device_description);
  a->device_description = &((FakeDevice*)a->device)->desc;
  return NULL;
}

static void* DeviceDescription_Id(PJRT_DeviceDescription_Id_Args* a) {
  CHECK(PJRT_DeviceDescription_Id_Args, a, id);
  a->id = ((FakeDescription*)a->device_description)->id;
  return NULL;
}

static void* DeviceDescription_Kind(PJRT_DeviceDescription_Kind_Args* a) {
  CHECK(PJRT_DeviceDescription_Kind_Args, a, device_kind_size);
  a->device_kind = "Fake Device";
  a->device_kind_size = strlen(a->device_kind);
  return NULL;
}

/* --------------------------------------------------------- executables -- */

typedef struct { Obj o; size_t num_outputs; bool fail_execute; bool device_error; } FakeLoaded;
typedef struct { Obj o; FakeLoaded* loaded; } FakeExecutable;

static char* g_last_code;
static size_t g_last_code_size;

static const char* find(const char* hay, size_t n, const char* needle) {
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(hay + i, needle, m) == 0) return hay + i;
  return NULL;
}

static void* Client_Compile(PJRT_Client_Compile_Args* a) {
  CHECK(PJRT_Client_Compile_Args, a, executable);
  if (!obj_ok(a->client, K_CLIENT)) return mkerr(3, "fake: bad client");
  const PJRT_Program* p = a->program;
  if (!p) return mkerr(3, "fake: NULL program");
  CHECK(PJRT_Program, p, format_size);
  char hex[256] = "";
  for (size_t i = 0; i < a->compile_options_size && i < 100; i++)
    snprintf(hex + 2 * i, 3, "%02x", (unsigned char)a->compile_options[i]);
  logf_("Client_Compile format=%.*s code_size=%zu options=%s", (int)p->format_size, p->format, p->code_size, hex);
  free(g_last_code);
  g_last_code = malloc(p->code_size + 1);
  memcpy(g_last_code, p->code, p->code_size);
  g_last_code[p->code_size] = 0;
  g_last_code_size = p->code_size;
  if (p->format_size != 4 || memcmp(p->format, "mlir", 4) != 0)
    return mkerr(3, "fake: unsupported program format %.*s", (int)p->format_size, p->format);
  if (find(p->code, p->code_size, "fake.compile_error"))
    return mkerr(3, "fake: cannot compile: the program contains fake.compile_error");
  FakeLoaded* e = obj_new(K_LOADED, sizeof(FakeLoaded));
  e->num_outputs = 1;
  const char* m = find(p->code, p->code_size, "fake-outputs:");
  if (m) e->num_outputs = (size_t)strtoul(m + strlen("fake-outputs:"), NULL, 10);
  e->fail_execute = find(p->code, p->code_size, "fake.execute_error") != NULL;
  e->device_error = find(p->code, p->code_size, "fake.device_error") != NULL;
  a->executable = e;
  return NULL;
}

static void* LoadedExecutable_Destroy(PJRT_LoadedExecutable_Destroy_Args* a) {
  CHECK(PJRT_LoadedExecutable_Destroy_Args, a, executable);
  obj_destroy(a->executable, K_LOADED);
  logf_("LoadedExecutable_Destroy");
  return NULL;
}

static void* LoadedExecutable_GetExecutable(PJRT_LoadedExecutable_GetExecutable_Args* a) {
  CHECK(PJRT_LoadedExecutable_GetExecutable_Args, a, executable);
  if (!obj_ok(a->loaded_executable, K_LOADED)) return mkerr(3, "fake: bad loaded executable");
  FakeExecutable* e = obj_new(K_EXECUTABLE, sizeof(FakeExecutable));
  e->loaded = a->loaded_executable;
  a->executable = e;
  return NULL;
}

static void* LoadedExecutable_AddressableDevices(PJRT_LoadedExecutable_AddressableDevices_Args* a) {
  static void* one_device[1];
  CHECK(PJRT_LoadedExecutable_AddressableDevices_Args, a, num_addressable_devices);
  a->addressable_devices = one_device;
  a->num_addressable_devices = 1;
  return NULL;
}

static void* Executable_NumOutputs(PJRT_Executable_NumOutputs_Args* a) {
  CHECK(PJRT_Executable_NumOutputs_Args, a, num_outputs);
  FakeExecutable* e = a->executable;
  if (!obj_ok(e, K_EXECUTABLE)) return mkerr(3, "fake: bad executable");
  a->num_outputs = e->loaded->num_outputs;
  return NULL;
}

static void* Executable_Destroy(PJRT_Executable_Destroy_Args* a) {
  CHECK(PJRT_Executable_Destroy_Args, a, executable);
  obj_destroy(a->executable, K_EXECUTABLE);
  return NULL;
}

/* Serialisation: "FAKEEXE1", the output count (8 bytes) and the two failure
 * flags. The bytes live in a malloc'd block until the deleter frees it;
 * deserialising anything else is an error. */
#define SERIAL_MAGIC "FAKEEXE1"
#define SERIAL_SIZE (8 + 8 + 2)
typedef struct { uint32_t magic; unsigned char bytes[SERIAL_SIZE]; } FakeSerialized;
static int64_t g_serialized_live;

static void Serialized_Delete(void* p) {
  FakeSerialized* s = p;
  if (!s || s->magic != MAGIC_LIVE) { g_double_destroys++; return; }
  s->magic = MAGIC_DEAD; /* never freed, so a second delete is detected */
  g_serialized_live--;
  logf_("Serialized_Delete");
}

static void* Executable_Serialize(PJRT_Executable_Serialize_Args* a) {
  CHECK(PJRT_Executable_Serialize_Args, a, serialized_executable_deleter);
  const FakeExecutable* e = a->executable;
  if (!obj_ok(e, K_EXECUTABLE)) return mkerr(3, "fake: bad executable");
  FakeSerialized* s = calloc(1, sizeof(FakeSerialized));
  s->magic = MAGIC_LIVE;
  memcpy(s->bytes, SERIAL_MAGIC, 8);
  uint64_t n = e->loaded->num_outputs;
  memcpy(s->bytes + 8, &n, 8);
  s->bytes[16] = e->loaded->fail_execute;
  s->bytes[17] = e->loaded->device_error;
  g_serialized_live++;
  a->serialized_bytes = (const char*)s->bytes;
  a->serialized_bytes_size = SERIAL_SIZE;
  a->serialized_executable = s;
  a->serialized_executable_deleter = Serialized_Delete;
  logf_("Executable_Serialize size=%d", SERIAL_SIZE);
  return NULL;
}

static void* Executable_DeserializeAndLoad(PJRT_Executable_DeserializeAndLoad_Args* a) {
  CHECK(PJRT_Executable_DeserializeAndLoad_Args, a, overridden_serialized_compile_options_size);
  if (!obj_ok(a->client, K_CLIENT)) return mkerr(3, "fake: bad client");
  logf_("Executable_DeserializeAndLoad size=%zu overridden_options=%zu", a->serialized_executable_size,
        a->overridden_serialized_compile_options_size);
  if (!a->serialized_executable || a->serialized_executable_size != SERIAL_SIZE ||
      memcmp(a->serialized_executable, SERIAL_MAGIC, 8) != 0)
    return mkerr(3, "fake: not a serialized fake executable (%zu bytes)", a->serialized_executable_size);
  FakeLoaded* e = obj_new(K_LOADED, sizeof(FakeLoaded));
  uint64_t n;
  memcpy(&n, a->serialized_executable + 8, 8);
  e->num_outputs = (size_t)n;
  e->fail_execute = a->serialized_executable[16] != 0;
  e->device_error = a->serialized_executable[17] != 0;
  a->loaded_executable = e;
  return NULL;
}

/* ------------------------------------------------------------- buffers -- */

/* `def`: the event that fills it (a transfer or an execution); its data is final once that completes. */
typedef struct FakeBuffer {
  Obj o; int type; size_t ndims; int64_t dims[16]; size_t nbytes; unsigned char* data; int device; FakeEvent* def;
} FakeBuffer;

/* Bytes per element of the PJRT_Buffer_Type codes the binding uses. */
static size_t elem_size(int type) {
  switch (type) {
    case 1: case 2: case 6: return 1;   /* PRED S8 U8 */
    case 3: case 7: case 10: case 13: return 2; /* S16 U16 F16 BF16 */
    case 4: case 8: case 11: return 4;  /* S32 U32 F32 */
    case 5: case 9: case 12: return 8;  /* S64 U64 F64 */
    default: return 0;
  }
}

static FakeBuffer* buffer_new(int type, const int64_t* dims, size_t ndims, int device) {
  FakeBuffer* b = obj_new(K_BUFFER, sizeof(FakeBuffer));
  b->type = type;
  b->ndims = ndims;
  size_t n = elem_size(type);
  for (size_t i = 0; i < ndims; i++) { b->dims[i] = dims[i]; n *= (size_t)dims[i]; }
  b->nbytes = n;
  b->data = calloc(1, n ? n : 1);
  b->device = device;
  return b;
}

static void* Client_BufferFromHostBuffer(PJRT_Client_BufferFromHostBuffer_Args* a) {
  CHECK_GROWN(PJRT_Client_BufferFromHostBuffer_Args, a, buffer);
  FakeClient* c = a->client;
  if (!obj_ok(c, K_CLIENT)) return mkerr(3, "fake: bad client");
  if (!elem_size(a->type)) return mkerr(3, "fake: unsupported buffer type %d", a->type);
  if (a->num_dims > 16) return mkerr(3, "fake: too many dims");
  if (a->num_dims && !a->dims) return mkerr(3, "fake: NULL dims");
  if (!a->data) return mkerr(3, "fake: NULL data");
  int device = -1;
  for (int i = 0; i < NUM_DEVICES; i++) if (a->device == &c->devices[i]) device = i;
  if (device < 0) return mkerr(3, "fake: device is not one of this client's devices");
  char dims[256] = "";
  size_t n = 0;
  for (size_t i = 0; i < a->num_dims; i++) n += (size_t)snprintf(dims + n, sizeof dims - n, i ? ",%lld" : "%lld", (long long)a->dims[i]);
  FakeBuffer* b = buffer_new(a->type, a->dims, a->num_dims, device);
  logf_("BufferFromHostBuffer type=%d dims=[%s] strides=%s num_strides=%zu semantics=%d device=%d memory=%s layout=%s bytes=%zu",
        a->type, dims, a->byte_strides ? "set" : "null", a->num_byte_strides, a->host_buffer_semantics, device,
        a->memory ? "set" : "null", a->device_layout ? "set" : "null", b->nbytes);
  FakeEvent* ev = event_new();
  if (a->host_buffer_semantics == 1) {
    /* ImmutableUntilTransferCompletes: read the host memory only when the
     * done event completes, like an asynchronous DMA would. */
    ev->copy_dst = b->data;
    ev->copy_src = a->data;
    ev->copy_len = b->nbytes;
    b->def = ev;
  } else {
    memcpy(b->data, a->data, b->nbytes);
  }
  a->done_with_host_buffer = ev;
  a->buffer = b;
  return NULL;
}

static void* Buffer_Destroy(PJRT_Buffer_Destroy_Args* a) {
  CHECK(PJRT_Buffer_Destroy_Args, a, buffer);
  obj_destroy(a->buffer, K_BUFFER);
  return NULL;
}

static void* Buffer_ElementType(PJRT_Buffer_ElementType_Args* a) {
  CHECK(PJRT_Buffer_ElementType_Args, a, type);
  if (!obj_ok(a->buffer, K_BUFFER)) return mkerr(3, "fake: bad buffer");
  a->type = ((FakeBuffer*)a->buffer)->type;
  return NULL;
}

static void* Buffer_Dimensions(PJRT_Buffer_Dimensions_Args* a) {
  CHECK(PJRT_Buffer_Dimensions_Args, a, num_dims);
  FakeBuffer* b = a->buffer;
  if (!obj_ok(b, K_BUFFER)) return mkerr(3, "fake: bad buffer");
  a->dims = b->dims;
  a->num_dims = b->ndims;
  return NULL;
}

static void* Buffer_ToHostBuffer(PJRT_Buffer_ToHostBuffer_Args* a) {
  CHECK(PJRT_Buffer_ToHostBuffer_Args, a, event);
  FakeBuffer* b = a->src;
  if (!obj_ok(b, K_BUFFER)) return mkerr(3, "fake: bad buffer");
  if (a->host_layout) return mkerr(12, "fake: host_layout is not supported");
  if (!a->dst) {
    a->dst_size = b->nbytes;
    a->event = NULL;
    logf_("Buffer_ToHostBuffer query size=%zu", b->nbytes);
    return NULL;
  }
  if (a->dst_size < b->nbytes) return mkerr(11, "fake: dst_size %zu < %zu", a->dst_size, b->nbytes);
  if (b->def) complete(b->def); /* the read waits for the producer, as on a device stream */
  FakeEvent* ev = event_new();
  ev->complete = true;
  if (b->def && b->def->error_code) {
    ev->error_code = b->def->error_code;
    snprintf(ev->error_msg, sizeof ev->error_msg, "%s", b->def->error_msg);
  } else {
    memcpy(a->dst, b->data, b->nbytes);
  }
  a->event = ev;
  logf_("Buffer_ToHostBuffer copy size=%zu", a->dst_size);
  return NULL;
}

/* Output j is a copy of input j % num_inputs, read now: a destroyed input is a binding bug. */
static void run_execution(FakeEvent* ev) {
  for (size_t j = 0; j < ev->num_outputs && ev->num_inputs; j++) {
    FakeBuffer* src = ev->inputs[j % ev->num_inputs];
    if (!obj_ok(src, K_BUFFER)) {
      logf_("BAD input %zu destroyed before its execution completed", j % ev->num_inputs);
      continue;
    }
    if (src->def) complete(src->def);
    memcpy(ev->outputs[j]->data, src->data, src->nbytes);
  }
}

static void* LoadedExecutable_Execute(PJRT_LoadedExecutable_Execute_Args* a) {
  CHECK(PJRT_LoadedExecutable_Execute_Args, a, execute_device);
  FakeLoaded* e = a->executable;
  if (!obj_ok(e, K_LOADED)) return mkerr(3, "fake: bad executable");
  if (!a->options) return mkerr(3, "fake: NULL execute options");
  CHECK_GROWN(PJRT_ExecuteOptions, a->options, multi_slice_config);
  if (a->num_devices != 1) return mkerr(3, "fake: num_devices %zu", a->num_devices);
  if (!a->argument_lists || !a->argument_lists[0]) return mkerr(3, "fake: NULL argument_lists");
  if (!a->output_lists || !a->output_lists[0]) return mkerr(3, "fake: NULL output_lists");
  if (a->num_args > MAX_IO || e->num_outputs > MAX_IO) return mkerr(3, "fake: more than %d arguments or outputs", MAX_IO);
  void* const* args = a->argument_lists[0];
  for (size_t i = 0; i < a->num_args; i++)
    if (!obj_ok(args[i], K_BUFFER)) return mkerr(3, "fake: argument %zu is not a live buffer", i);
  logf_("LoadedExecutable_Execute num_devices=%zu num_args=%zu num_outputs=%zu launch_id=%d execute_device=%s events=%s",
        a->num_devices, a->num_args, e->num_outputs, a->options->launch_id, a->execute_device ? "set" : "null",
        a->device_complete_events ? "set" : "null");
  if (a->options->num_non_donatable_input_indices) {
    /* buffer donation (lazy/src/donation.ts): the aliased inputs the caller keeps */
    char list[256];
    size_t used = 0;
    list[0] = 0;
    if (!a->options->non_donatable_input_indices) return mkerr(3, "fake: num_non_donatable_input_indices without the array");
    for (size_t i = 0; i < a->options->num_non_donatable_input_indices && used + 24 < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%lld", i ? "," : "", (long long)a->options->non_donatable_input_indices[i]);
    logf_("Execute non_donatable=%s", list);
  }
  if (e->fail_execute) return mkerr(13, "fake: execution failed as the program asked");
  /* The work runs when this event completes. */
  FakeEvent* ev = event_new();
  if (e->device_error) {
    ev->error_code = 13;
    snprintf(ev->error_msg, sizeof ev->error_msg, "fake: device fault while running the program");
  }
  ev->num_inputs = a->num_args;
  ev->num_outputs = e->num_outputs;
  for (size_t i = 0; i < a->num_args; i++) ev->inputs[i] = args[i];
  for (size_t j = 0; j < e->num_outputs; j++) {
    FakeBuffer* out;
    if (a->num_args == 0) {
      out = buffer_new(11, NULL, 0, 0);
    } else {
      const FakeBuffer* src = args[j % a->num_args];
      out = buffer_new(src->type, src->dims, src->ndims, src->device);
    }
    out->def = ev;
    ev->outputs[j] = out;
    a->output_lists[0][j] = out;
  }
  if (a->device_complete_events) {
    a->device_complete_events[0] = ev;
  } else { /* no one to tell when it is done: run it now */
    complete(ev);
    obj_destroy(ev, K_EVENT);
  }
  return NULL;
}

/* ---------------------------------------------------------------- api -- */

static PJRT_Api g_api;

EXPORT const PJRT_Api* GetPjrtApi(void) {
  memset(&g_api, 0, sizeof g_api);
  g_api.struct_size = offsetof(PJRT_Api, fns) + sizeof(void*) * FAKE_TABLE_SLOTS;
  g_api.pjrt_api_version.struct_size = STRUCT_SIZE(PJRT_Api_Version, minor_version);
  g_api.pjrt_api_version.major_version = FAKE_MAJOR;
  g_api.pjrt_api_version.minor_version = FAKE_MINOR;
  void** f = g_api.fns;
  f[SLOT_Error_Destroy] = (void*)Error_Destroy;
  f[SLOT_Error_Message] = (void*)Error_Message;
  f[SLOT_Error_GetCode] = (void*)Error_GetCode;
  f[SLOT_Plugin_Initialize] = (void*)Plugin_Initialize;
  f[SLOT_Event_Destroy] = (void*)Event_Destroy;
  f[SLOT_Event_Await] = (void*)Event_Await;
  f[SLOT_Event_IsReady] = (void*)Event_IsReady;
  f[SLOT_Client_Create] = (void*)Client_Create;
  f[SLOT_Client_Destroy] = (void*)Client_Destroy;
  f[SLOT_Client_PlatformName] = (void*)Client_PlatformName;
  f[SLOT_Client_PlatformVersion] = (void*)Client_PlatformVersion;
  f[SLOT_Client_AddressableDevices] = (void*)Client_AddressableDevices;
  f[SLOT_Client_Compile] = (void*)Client_Compile;
  f[SLOT_Client_BufferFromHostBuffer] = (void*)Client_BufferFromHostBuffer;
  f[SLOT_DeviceDescription_Id] = (void*)DeviceDescription_Id;
  f[SLOT_DeviceDescription_Kind] = (void*)DeviceDescription_Kind;
  f[SLOT_Device_GetDescription] = (void*)Device_GetDescription;
  f[SLOT_Executable_Destroy] = (void*)Executable_Destroy;
  f[SLOT_Executable_NumOutputs] = (void*)Executable_NumOutputs;
  f[SLOT_Executable_Serialize] = (void*)Executable_Serialize;
  f[SLOT_Executable_DeserializeAndLoad] = (void*)Executable_DeserializeAndLoad;
  f[SLOT_LoadedExecutable_Destroy] = (void*)LoadedExecutable_Destroy;
  f[SLOT_LoadedExecutable_GetExecutable] = (void*)LoadedExecutable_GetExecutable;
  f[SLOT_LoadedExecutable_AddressableDevices] = (void*)LoadedExecutable_AddressableDevices;
  f[SLOT_LoadedExecutable_Execute] = (void*)LoadedExecutable_Execute;
  f[SLOT_Buffer_Destroy] = (void*)Buffer_Destroy;
  f[SLOT_Buffer_ElementType] = (void*)Buffer_ElementType;
  f[SLOT_Buffer_Dimensions] = (void*)Buffer_Dimensions;
  f[SLOT_Buffer_ToHostBuffer] = (void*)Buffer_ToHostBuffer;
  if (FAKE_NULL_SLOT >= 0) f[FAKE_NULL_SLOT] = NULL;
  return &g_api;
}

/* ------------------------------------------------ test-only inspection -- */

EXPORT const char* FakePjrt_Log(void) { return g_log; }
EXPORT void FakePjrt_ResetLog(void) { g_log_len = 0; g_log[0] = 0; }
/* While held, Event_IsReady reports unfinished events as not ready. */
EXPORT void FakePjrt_Hold(int on) { g_hold = on != 0; }
/* Completes every event made so far: the device catching up. */
EXPORT void FakePjrt_CompleteEvents(void) {
  for (size_t i = 0; i < g_num_events; i++) complete(g_events[i]);
  g_num_events = 0;
}
EXPORT int64_t FakePjrt_DoubleDestroys(void) { return g_double_destroys; }
/* Serialisations whose deleter has not run yet. */
EXPORT int64_t FakePjrt_SerializedLive(void) { return g_serialized_live; }
EXPORT int64_t FakePjrt_Initialized(void) { return g_initialized; }
EXPORT const char* FakePjrt_LastCode(void) { return g_last_code ? g_last_code : ""; }
EXPORT size_t FakePjrt_LastCodeSize(void) { return g_last_code_size; }

static int kind_index(const char* kind) {
  for (int i = 0; i < K_COUNT; i++) if (strcmp(kind, KIND_NAMES[i]) == 0) return i;
  return -1;
}
EXPORT int64_t FakePjrt_Live(const char* kind) { int k = kind_index(kind); return k < 0 ? -1 : g_live[k]; }
EXPORT int64_t FakePjrt_Created(const char* kind) { int k = kind_index(kind); return k < 0 ? -1 : g_created[k]; }

/* Size (field "") or offset of a struct field as this compiler lays it out; -1 if unlisted. */
EXPORT int64_t FakePjrt_Layout(const char* s, const char* f) {
  for (size_t i = 0; i < sizeof LAYOUT / sizeof LAYOUT[0]; i++)
    if (strcmp(LAYOUT[i].s, s) == 0 && strcmp(LAYOUT[i].f, f) == 0) return (int64_t)LAYOUT[i].v;
  return -1;
}
