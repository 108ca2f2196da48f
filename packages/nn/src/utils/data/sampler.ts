// Samplers: the order in which DataLoader visits dataset indices.
import {
  Generator,
  Tensor,
  empty,
  float64,
  int64,
  multinomial,
  randint,
  randperm,
  tensor,
  TorchError,
  TorchTypeError,
} from "@xlatorch/core";
import { parseArgs, type Args } from "../../nn/args.js";
import { datasetLen, type DatasetLike } from "./dataset.js";

export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  __len__(): number {
    throw new TorchError(`${this.constructor.name} does not implement __len__`);
  }
}

export class SequentialSampler extends Sampler<number> {
  constructor(public data_source: DatasetLike<unknown>) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < datasetLen(this.data_source); i++) yield i;
  }
  override __len__(): number {
    return datasetLen(this.data_source);
  }
}

/**
 * A random order by torch.randperm, as PyTorch 1.13: with no generator, a
 * fresh Generator seeded from one int64 draw of the default generator at each
 * pass, so `torch.manual_seed(s)` fixes the order.
 */
export class RandomSampler extends Sampler<number> {
  data_source: DatasetLike<unknown>;
  replacement: boolean;
  _num_samples: number | null;
  generator: Generator | null;

  constructor(
    data_source: DatasetLike<unknown>,
    ...args: Args<
      [replacement: boolean, num_samples: number | null, generator: Generator | null],
      { replacement?: boolean; num_samples?: number | null; generator?: Generator | null }
    >
  ) {
    super();
    const o = parseArgs("RandomSampler", args, ["replacement", "num_samples", "generator"], {
      replacement: false,
      num_samples: null,
      generator: null,
    });
    this.data_source = data_source;
    this.replacement = o.replacement;
    this._num_samples = o.num_samples;
    this.generator = o.generator;
    if (typeof this.replacement !== "boolean")
      throw new TorchTypeError(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    if (!Number.isInteger(this.num_samples) || this.num_samples <= 0)
      throw new TorchError(`num_samples should be a positive integer value, but got num_samples=${this.num_samples}`);
  }

  get num_samples(): number {
    return this._num_samples ?? datasetLen(this.data_source);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = datasetLen(this.data_source);
    let generator = this.generator;
    if (!generator) {
      const seed = empty([], { dtype: int64 }).random_().item() as number | bigint;
      generator = new Generator().manual_seed(BigInt(seed));
    }
    const total = this.num_samples;
    if (this.replacement) {
      for (let i = 0; i < Math.floor(total / 32); i++) yield* randint(n, [32], { dtype: int64, generator }).tolist() as number[];
      yield* randint(n, [total % 32], { dtype: int64, generator }).tolist() as number[];
    } else {
      for (let i = 0; i < Math.floor(total / n); i++) yield* randperm(n, { generator }).tolist() as number[];
      yield* (randperm(n, { generator }).tolist() as number[]).slice(0, total % n);
    }
  }
  override __len__(): number {
    return this.num_samples;
  }
}

export class SubsetRandomSampler extends Sampler<number> {
  constructor(
    public indices: number[],
    public generator: Generator | null = null,
  ) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    const perm = randperm(this.indices.length, this.generator ? { generator: this.generator } : {}).tolist() as number[];
    for (const i of perm) yield this.indices[i]!;
  }
  override __len__(): number {
    return this.indices.length;
  }
}

/**
 * Indices of [0, len(weights)) drawn with probabilities proportional to
 * `weights`, by one torch.multinomial call per pass (on `generator`, else the
 * default generator), as PyTorch 1.13: seeded streams are PyTorch's.
 */
export class WeightedRandomSampler extends Sampler<number> {
  weights: Tensor;
  num_samples: number;
  replacement: boolean;
  generator: Generator | null;

  constructor(
    weights: readonly number[] | Tensor,
    num_samples: number,
    ...args: Args<[replacement: boolean, generator: Generator | null], { replacement?: boolean; generator?: Generator | null }>
  ) {
    super();
    const o = parseArgs("WeightedRandomSampler", args, ["replacement", "generator"], { replacement: true, generator: null });
    if (typeof num_samples !== "number" || !Number.isInteger(num_samples) || num_samples <= 0)
      throw new TorchError(`num_samples should be a positive integer value, but got num_samples=${pyRepr(num_samples)}`);
    if (typeof o.replacement !== "boolean")
      throw new TorchError(`replacement should be a boolean value, but got replacement=${pyRepr(o.replacement)}`);
    const w = weights instanceof Tensor ? weights.to({ dtype: float64 }) : tensor(weights as number[], { dtype: float64 });
    if (w.ndim !== 1)
      throw new TorchError(
        `weights should be a 1d sequence but given weights have shape (${w.shape.join(", ")}${w.ndim === 1 ? "," : ""})`,
      );
    this.weights = w;
    this.num_samples = num_samples;
    this.replacement = o.replacement;
    this.generator = o.generator;
  }
  *[Symbol.iterator](): Iterator<number> {
    const opts = this.generator ? { generator: this.generator } : {};
    yield* multinomial(this.weights, this.num_samples, this.replacement, opts).tolist() as number[];
  }
  override __len__(): number {
    return this.num_samples;
  }
}

/** A value as Python's format() prints it in these messages (True/False/None). */
const pyRepr = (v: unknown): string => (v === true ? "True" : v === false ? "False" : v === null || v === undefined ? "None" : String(v));

/** Groups a sampler's indices into lists of batch_size (the last one shorter unless drop_last). */
export class BatchSampler extends Sampler<number[]> {
  constructor(
    public sampler: Iterable<number> & { __len__?(): number },
    public batch_size: number,
    public drop_last: boolean,
  ) {
    super();
    if (!Number.isInteger(batch_size) || batch_size <= 0)
      throw new TorchError(`batch_size should be a positive integer value, but got batch_size=${batch_size}`);
    if (typeof drop_last !== "boolean") throw new TorchError(`drop_last should be a boolean value, but got drop_last=${String(drop_last)}`);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batch_size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.drop_last) yield batch;
  }
  override __len__(): number {
    const n = this.sampler.__len__ ? this.sampler.__len__() : [...this.sampler].length;
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }
}
