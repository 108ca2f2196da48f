// torch.utils.data datasets. The map-style protocol keeps Python's names:
// a dataset implements __getitem__(index) and __len__(); plain arrays are
// accepted wherever a dataset is, as Python accepts lists.
import { Tensor, randperm, type Generator, TorchError, TorchIndexError } from "@xlatorch/core";
import { default_generator } from "@xlatorch/core";

export abstract class Dataset<T = unknown> {
  abstract __getitem__(index: number): T;
  /** Optional in PyTorch too; samplers and DataLoader's length need it. */
  __len__(): number {
    throw new TorchError(`${this.constructor.name} does not implement __len__`);
  }
}

/**
 * A dataset that is a stream: subclasses implement __iter__() (or
 * [Symbol.iterator]); DataLoader batches what it yields, in order. Indexing is
 * not defined, as in PyTorch.
 */
export abstract class IterableDataset<T = unknown> extends Dataset<T> implements Iterable<T> {
  __iter__(): Iterator<T> {
    throw new TorchError(`${this.constructor.name} does not implement __iter__`);
  }
  [Symbol.iterator](): Iterator<T> {
    return this.__iter__();
  }
  __getitem__(_index: number): T {
    throw new TorchError(`${this.constructor.name} is an IterableDataset: it has no __getitem__`);
  }
  /** dataset + other: the two streams one after the other (PyTorch's __add__). */
  __add__(other: IterableDataset<T>): ChainDataset<T> {
    return new ChainDataset([this, other]);
  }
}

/** Iterable datasets one after the other, on the fly. */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  datasets: Iterable<IterableDataset<T>>;
  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    this.datasets = datasets;
  }
  override *__iter__(): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new TorchError("ChainDataset only supports IterableDataset");
      yield* d;
    }
  }
  override __len__(): number {
    let total = 0;
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new TorchError("ChainDataset only supports IterableDataset");
      total += d.__len__();
    }
    return total;
  }
}

/** Anything indexable with a length: a Dataset or a plain array. */
export type DatasetLike<T> = Dataset<T> | readonly T[];

export const datasetLen = (d: DatasetLike<unknown>): number => (Array.isArray(d) ? d.length : (d as Dataset).__len__());
export const datasetItem = <T>(d: DatasetLike<T>, i: number): T =>
  Array.isArray(d) ? (d as readonly T[])[i]! : (d as Dataset<T>).__getitem__(i);

/** Samples are tuples (arrays) of each tensor's row `index`. */
export class TensorDataset extends Dataset<Tensor[]> {
  tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.some((t) => t.ndim === 0 || t.shape[0] !== tensors[0]!.shape[0])) throw new TorchError("Size mismatch between tensors");
    this.tensors = tensors;
  }
  __getitem__(index: number): Tensor[] {
    return this.tensors.map((t) => t.getitem(index));
  }
  override __len__(): number {
    return this.tensors[0]?.shape[0] ?? 0;
  }
}

export class Subset<T> extends Dataset<T> {
  constructor(
    public dataset: DatasetLike<T>,
    public indices: number[],
  ) {
    super();
  }
  __getitem__(idx: number): T {
    return datasetItem(this.dataset, this.indices[idx]!);
  }
  override __len__(): number {
    return this.indices.length;
  }
}

/** Concatenation of datasets. */
export class ConcatDataset<T> extends Dataset<T> {
  datasets: DatasetLike<T>[];
  cumulative_sizes: number[];
  constructor(datasets: Iterable<DatasetLike<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new TorchError("datasets should not be an empty iterable");
    let total = 0;
    this.cumulative_sizes = this.datasets.map((d) => (total += datasetLen(d)));
  }
  __getitem__(idx: number): T {
    const n = this.__len__();
    if (idx < 0) {
      if (-idx > n) throw new TorchIndexError("absolute value of index should not exceed dataset length");
      idx += n;
    }
    const di = this.cumulative_sizes.findIndex((c) => idx < c);
    if (di < 0) throw new TorchIndexError(`index ${idx} is out of range`);
    return datasetItem(this.datasets[di]!, di === 0 ? idx : idx - this.cumulative_sizes[di - 1]!);
  }
  override __len__(): number {
    return this.cumulative_sizes[this.cumulative_sizes.length - 1]!;
  }
}

/**
 * Splits a dataset into non-overlapping subsets of the given lengths (or
 * fractions summing to 1) by one randperm on `generator`, as PyTorch 1.13.
 */
export function random_split<T>(dataset: DatasetLike<T>, lengths: number[], generator: Generator = default_generator): Subset<T>[] {
  const n = datasetLen(dataset);
  let lens = lengths;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 * Math.max(1, Math.abs(total)) && total <= 1) {
    lens = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new TorchError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - lens.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) lens[i % lens.length]! += 1;
  }
  const sum = lens.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new TorchError("Sum of input lengths does not equal the length of the input dataset!");
  const indices = randperm(sum, { generator }).tolist() as number[];
  let offset = 0;
  return lens.map((len) => new Subset(dataset, indices.slice(offset, (offset += len))));
}
