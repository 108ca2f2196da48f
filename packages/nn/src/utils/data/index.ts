// torch.utils.data.
export { Dataset, IterableDataset, ChainDataset, TensorDataset, Subset, ConcatDataset, random_split, type DatasetLike } from "./dataset.js";
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler } from "./sampler.js";
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export { default_collate, default_convert } from "./collate.js";
