// torch.utils.data.
export { Dataset, TensorDataset, Subset, ConcatDataset, random_split, type DatasetLike } from "./dataset.js";
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler } from "./sampler.js";
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export { default_collate, default_convert } from "./collate.js";
