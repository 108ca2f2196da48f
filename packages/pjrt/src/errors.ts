// PjrtError: the one error type this package throws for anything a plugin,
// the loader or the version check reports. `code` is the absl status code
// (PJRT_Error_Code uses the same numbers), so callers can branch on it.

/** absl::StatusCode names, indexed by number (PJRT_Error_Code mirrors them). */
export const ABSL_CODE_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

export type AbslCodeName = (typeof ABSL_CODE_NAMES)[number];

export const AbslCode = Object.fromEntries(ABSL_CODE_NAMES.map((n, i) => [n, i])) as {
  readonly [K in AbslCodeName]: number;
};

export function abslCodeName(code: number): string {
  return ABSL_CODE_NAMES[code] ?? `CODE_${code}`;
}

export interface PjrtErrorDetails {
  /** The PJRT call (e.g. "PJRT_Client_Compile") or loader step that failed. */
  call: string;
  /** Plugin library path, when known. */
  path?: string;
}

export class PjrtError extends Error {
  override readonly name = "PjrtError";
  /** absl status code number (3 = INVALID_ARGUMENT, ...). */
  readonly code: number;
  /** absl status code name. */
  readonly codeName: string;
  readonly call: string;
  readonly path: string | undefined;
  /** The plugin's own message, without the call prefix. */
  readonly detail: string;

  constructor(code: number, detail: string, details: PjrtErrorDetails) {
    const codeName = abslCodeName(code);
    super(`${details.call} failed (${codeName}): ${detail}`);
    this.code = code;
    this.codeName = codeName;
    this.call = details.call;
    this.path = details.path;
    this.detail = detail;
  }
}
