// torch.utils.data.DataLoader, single-process (num_workers=0).
import { Generator, empty, int64, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../../nn/args.js";
import { default_collate, default_convert, type Collated } from "./collate.js";
import { IterableDataset, datasetItem, datasetLen, type DatasetLike } from "./dataset.js";
import { BatchSampler, RandomSampler, SequentialSampler } from "./sampler.js";

export interface DataLoaderOptions<T, B = unknown> {
  batch_size?: number | null;
  shuffle?: boolean | null;
  sampler?: Iterable<number> | null;
  batch_sampler?: Iterable<number[]> | null;
  num_workers?: number;
  collate_fn?: ((batch: T[]) => B) | null;
  pin_memory?: boolean;
  drop_last?: boolean;
  timeout?: number;
  worker_init_fn?: ((worker_id: number) => void) | null;
  multiprocessing_context?: null;
  generator?: Generator | null;
  prefetch_factor?: number;
  persistent_workers?: boolean;
  pin_memory_device?: string;
}

type Sized = { __len__?(): number };

/**
 * Iterates a dataset in batches: `for (const [x, y] of loader)`. Iteration
 * consumes the RNG exactly as PyTorch 1.13 does (one int64 draw for the
 * iterator's base seed, then the sampler's draws), so a seeded shuffle visits
 * the same order.
 */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B> {
  dataset: DatasetLike<T>;
  batch_size: number | null;
  drop_last: boolean;
  sampler: Iterable<number> & Sized;
  batch_sampler: (Iterable<number[]> & Sized) | null;
  collate_fn: (batch: T[]) => B;
  generator: Generator | null;
  num_workers: number;

  constructor(
    dataset: DatasetLike<T>,
    ...args: Args<
      [
        batch_size: number | null,
        shuffle: boolean | null,
        sampler: Iterable<number> | null,
        batch_sampler: Iterable<number[]> | null,
        num_workers: number,
        collate_fn: ((batch: T[]) => B) | null,
        pin_memory: boolean,
        drop_last: boolean,
      ],
      DataLoaderOptions<T, B>
    >
  ) {
    const o = parseArgs(
      "DataLoader",
      args,
      [
        "batch_size",
        "shuffle",
        "sampler",
        "batch_sampler",
        "num_workers",
        "collate_fn",
        "pin_memory",
        "drop_last",
        "timeout",
        "worker_init_fn",
        "multiprocessing_context",
        "generator",
        "prefetch_factor",
        "persistent_workers",
        "pin_memory_device",
      ],
      {
        batch_size: 1,
        shuffle: null,
        sampler: null,
        batch_sampler: null,
        num_workers: 0,
        collate_fn: null,
        pin_memory: false,
        drop_last: false,
        timeout: 0,
        generator: null,
      },
    );
    if (o.num_workers !== 0) throw new TorchError("DataLoader: only num_workers=0 (single-process loading) is supported");
    if (dataset instanceof IterableDataset) {
      // a stream has no indices: nothing to shuffle or sample
      if (o.shuffle !== null && o.shuffle !== false)
        throw new TorchError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${o.shuffle}`);
      if (o.sampler !== null) throw new TorchError("DataLoader with IterableDataset: expected unspecified sampler option, but got sampler");
      if (o.batch_sampler !== null)
        throw new TorchError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler");
    }
    if (o.sampler && o.shuffle) throw new TorchError("sampler option is mutually exclusive with shuffle");
    let batch_size: number | null = o.batch_size,
      drop_last: boolean = o.drop_last;
    if (o.batch_sampler) {
      if (batch_size !== 1 || o.shuffle || o.sampler || drop_last)
        throw new TorchError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
      batch_size = null;
      drop_last = false;
    } else if (batch_size === null && drop_last) {
      throw new TorchError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    }
    this.dataset = dataset;
    this.batch_size = batch_size;
    this.drop_last = drop_last;
    this.generator = o.generator;
    this.num_workers = 0;
    this.sampler = o.sampler ?? (o.shuffle ? new RandomSampler(dataset, { generator: o.generator }) : new SequentialSampler(dataset));
    this.batch_sampler = o.batch_sampler ?? (batch_size !== null ? new BatchSampler(this.sampler, batch_size, drop_last) : null);
    // without a collate_fn, B is its default: Collated<T> (or the samples themselves without batching)
    this.collate_fn = o.collate_fn ?? ((this.batch_sampler ? default_collate : default_convert) as (batch: T[]) => B);
  }

  /** Batches when batch_size (or a batch_sampler) is set, else single samples. */
  [Symbol.iterator](): Iterator<B> {
    if (this.dataset instanceof IterableDataset) return this._iterStream(this.dataset);
    const indices = (this.batch_sampler ?? this.sampler)[Symbol.iterator]();
    // PyTorch draws the iterator's base seed (for workers) before the sampler runs.
    empty([], { dtype: int64 }).random_(this.generator ? { generator: this.generator } : {});
    const self = this;
    return (function* () {
      for (let r = indices.next(); !r.done; r = indices.next()) {
        const idx = r.value as number | number[];
        yield Array.isArray(idx)
          ? self.collate_fn(idx.map((i) => datasetItem(self.dataset, i)))
          : (self.collate_fn as (sample: T) => B)(datasetItem(self.dataset, idx)); // without batching: one sample
      }
    })();
  }

  /** An IterableDataset: batch_size items at a time in the stream's order (the last batch shorter unless drop_last). */
  private _iterStream(dataset: IterableDataset<T>): Iterator<B> {
    empty([], { dtype: int64 }).random_(this.generator ? { generator: this.generator } : {});
    const { batch_size, drop_last } = this;
    const collate = this.collate_fn;
    return (function* () {
      if (batch_size === null) {
        for (const x of dataset) yield (collate as (sample: T) => B)(x);
        return;
      }
      let batch: T[] = [];
      for (const x of dataset) {
        batch.push(x);
        if (batch.length === batch_size) {
          yield collate(batch);
          batch = [];
        }
      }
      if (batch.length > 0 && !drop_last) yield collate(batch);
    })();
  }

  __len__(): number {
    if (this.dataset instanceof IterableDataset) {
      const n = this.dataset.__len__();
      if (this.batch_size === null) return n;
      return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
    }
    const s = this.batch_sampler ?? this.sampler;
    if (s.__len__) return s.__len__();
    return this.batch_sampler ? [...this.batch_sampler].length : datasetLen(this.dataset);
  }
  get length(): number {
    return this.__len__();
  }
}
