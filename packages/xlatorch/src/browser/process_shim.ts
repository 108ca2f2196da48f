// Injected by the browser build wherever the code reads the global `process`
// (process.env.XLATORCH_*, process.platform): a browser has none, so every
// setting reads as unset and the defaults apply.
export const process = { env: {} as Record<string, string | undefined>, platform: "browser", arch: "unknown" };
