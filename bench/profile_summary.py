#!/usr/bin/python3
"""Summarise a V8 .cpuprofile (from `npx tsx bench/run.ts --cpu-prof PEER`): self time by function.

Usage: python3 bench/profile_summary.py FILE.cpuprofile [TOP]
"""
import collections
import json
import sys

prof = json.load(open(sys.argv[1]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
nodes = {n["id"]: n for n in prof["nodes"]}
dt = collections.Counter()
samples, deltas = prof["samples"], prof["timeDeltas"]
for i, nid in enumerate(samples):
    dt[nid] += deltas[i] if i < len(deltas) else 0
self_by_fn = collections.Counter()
for nid, us in dt.items():
    cf = nodes[nid]["callFrame"]
    url = cf["url"].split("/work/main/")[-1] if cf["url"] else ""
    key = f'{cf["functionName"] or "(anonymous)"}  {url}:{cf["lineNumber"] + 1}'
    self_by_fn[key] += us
total = sum(self_by_fn.values())
print(f"total sampled {total / 1e3:.0f} ms")
for k, us in self_by_fn.most_common(top):
    print(f"{us / 1e3:9.1f} ms {100 * us / total:5.1f}%  {k}")
