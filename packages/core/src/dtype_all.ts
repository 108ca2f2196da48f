// One import point for dtypes and the half-precision helpers.
export * from "./dtype.js";
export * from "./half.js";
