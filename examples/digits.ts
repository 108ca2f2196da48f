// Loads the 8x8 digits data set shipped in examples/data (no downloads).
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as torch from "xlatorch";

export function loadDigits(): { images: torch.Tensor; labels: torch.Tensor } {
  const text = gunzipSync(readFileSync(new URL("./data/digits.csv.gz", import.meta.url))).toString("utf8");
  const rows = text
    .trim()
    .split("\n")
    .map((l) => l.split(",").map(Number));
  const pixels = rows.flatMap((r) => r.slice(0, 64).map((v) => v / 16));
  const images = torch.tensor(pixels, { dtype: torch.float32 }).reshape(rows.length, 64);
  const labels = torch.tensor(
    rows.map((r) => r[64]!),
    { dtype: torch.int64 },
  );
  return { images, labels };
}
