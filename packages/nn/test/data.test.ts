// torch.utils.data: DataLoader order (seeded shuffles), collation, random_split.
import { describe, expect, it } from "vitest";
import { utils } from "../src/index.js";
import { EXACT, compareValue, fixtures, torch } from "./fixtures.js";

const { DataLoader, TensorDataset, Dataset, random_split } = utils.data;

describe("DataLoader order matches PyTorch", () => {
  for (const c of fixtures.dataloader) {
    it(c.name, () => {
      if (c.seed !== null) torch.manual_seed(c.seed);
      const generator = c.generator_seed !== null ? new torch.Generator().manual_seed(c.generator_seed) : null;
      const dl = new DataLoader(new TensorDataset(torch.arange(c.n)), { ...c.kwargs, generator });
      const epochs = Array.from({ length: c.epochs }, () => [...dl].map((b) => (b as torch.Tensor[])[0]!.tolist()));
      expect(epochs).toEqual(c.batches);
      expect(dl.length).toBe(c.len);
      compareValue(torch.rand(2), c.after, EXACT, `${c.name} RNG after`);
    });
  }
});

describe("random_split", () => {
  for (const c of fixtures.random_split) {
    it(`${c.n} into ${JSON.stringify(c.lengths)}`, () => {
      const data = Array.from({ length: c.n }, (_, i) => i);
      const parts = random_split(data, c.lengths, new torch.Generator().manual_seed(c.generator_seed));
      expect(parts.map((p) => p.indices)).toEqual(c.splits);
      expect(parts.map((p) => Array.from({ length: p.__len__() }, (_, i) => p.__getitem__(i)))).toEqual(c.splits);
    });
  }
  it("lengths must add up", () => {
    expect(() => random_split([1, 2, 3], [1, 1])).toThrow(/Sum of input lengths does not equal/);
  });
});

describe("collation and datasets", () => {
  class Squares extends Dataset<{ x: number; y: number[]; name: string }> {
    __getitem__(i: number) {
      return { x: i, y: [i * i, i + 0.5], name: `item${i}` };
    }
    override __len__() {
      return 5;
    }
  }
  it("collates numbers, nested arrays and objects like default_collate", () => {
    const [b] = [...new DataLoader(new Squares(), { batch_size: 3 })];
    expect(b.x.dtype).toBe(torch.int64);
    expect(b.x.tolist()).toEqual([0, 1, 2]);
    expect(b.y[0].tolist()).toEqual([0, 1, 4]);
    expect(b.y[1].dtype).toBe(torch.float64);
    expect(b.name).toEqual(["item0", "item1", "item2"]);
  });
  it("batch_size null yields single samples; drop_last needs a batch size", () => {
    const items = [...new DataLoader(new Squares(), { batch_size: null })];
    expect(items.length).toBe(5);
    expect(items[2].x).toBe(2);
    expect(() => new DataLoader(new Squares(), { batch_size: null, drop_last: true })).toThrow(/mutually exclusive with drop_last/);
  });
  it("TensorDataset stacks rows into batches", () => {
    const ds = new TensorDataset(torch.arange(12).reshape(6, 2), torch.arange(6));
    const [xb, yb] = [...new DataLoader(ds, 4)][0]!;
    expect(xb!.shape).toEqual([4, 2]);
    expect(yb!.tolist()).toEqual([0, 1, 2, 3]);
    expect(() => new TensorDataset(torch.zeros(3), torch.zeros(4))).toThrow(/Size mismatch between tensors/);
  });
  it("unknown options and mutually exclusive options throw", () => {
    expect(() => new DataLoader([1, 2], { batchsize: 2 } as any)).toThrow(/unexpected keyword argument 'batchsize'/);
    expect(() => new DataLoader([1, 2], { sampler: [0, 1], shuffle: true })).toThrow(/mutually exclusive with shuffle/);
    expect(() => new DataLoader([1, 2], { num_workers: 2 })).toThrow(/num_workers=0/);
  });
});
