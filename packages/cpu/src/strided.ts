// The cpu payload: a host array with an offset and strides (views alias it).
import { contiguousStrides, isContiguous, type HostArray, type Shape } from "@xlatorch/core";

export interface Strided {
  data: HostArray;
  offset: number;
  strides: number[];
}

export const contiguous = (data: HostArray, shape: Shape): Strided => ({ data, offset: 0, strides: contiguousStrides(shape) });
export const isDense = (s: Strided, shape: Shape): boolean => isContiguous(shape, s.strides);

/**
 * A host array's elements as generic kernel code reads and writes them: numbers, or bigints for
 * int64 (each array holds one kind; the code keeps to the array's own kind).
 */
export type Elements = { [i: number]: number | bigint; readonly length: number };
