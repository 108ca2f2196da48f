#!/usr/bin/python3
"""PyTorch CPU peer for bench/run.ts.

Usage: /usr/bin/python3 bench/torch_bench.py SPEC.json
SPEC: {"policy": {warmup, minReps, maxReps, budgetMs[, warmupMs]}, "cases": [{"id", "inputs":
[{"name", "shape", "file"}], "setup", "expr"}]}. Prints one JSON object (a
PeerReport, as bench/lib/types.ts) on stdout. Timing mirrors bench/lib/timing.ts.
"""
import ctypes
import json
import os
import platform
import re
import statistics
import sys
import time


def openblas_info():
    """The OpenBLAS library actually loaded in this process, and its thread count."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in os.path.basename(p) or "lapack" in os.path.basename(p):
                libs.add(p)
    info = {"libraries": sorted(libs)}
    for p in sorted(libs):
        try:
            lib = ctypes.CDLL(p)
            if hasattr(lib, "openblas_get_num_threads"):
                info["openblas_threads"] = lib.openblas_get_num_threads()
                lib.openblas_get_config.restype = ctypes.c_char_p
                info["openblas_config"] = lib.openblas_get_config().decode()
                lib.openblas_get_corename.restype = ctypes.c_char_p
                info["openblas_core"] = lib.openblas_get_corename().decode()
                break
        except (OSError, AttributeError):
            pass
    return info


MAX_WARMUP = 500  # lib/timing.ts MAX_WARMUP


def measure(fn, p):
    # the warm-up calls, then (warmupMs, run.ts --warmup-ms) more until that much time went on them: as lib/timing.ts
    warm, min_reps, spent = 0, p["minReps"], 0.0
    while warm < p["warmup"] or (spent < p.get("warmupMs", 0) / 1e3 and warm < MAX_WARMUP):
        t0 = time.perf_counter()
        fn()
        warm += 1
        dt = time.perf_counter() - t0
        spent += dt
        if dt > 1.0:
            min_reps = min(min_reps, 3)
            break
    times, cpu, total = [], [], 0.0
    while len(times) < p["maxReps"] and (len(times) < min_reps or total < p["budgetMs"]):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1e3
        cpu.append((time.process_time() - c0) * 1e3)
        times.append(dt)
        total += dt
    # cpu_ms: this process's CPU time per repetition (all its threads), as bench/program_steps.ts reports
    return {"median_ms": statistics.median(times), "min_ms": min(times), "reps": len(times), "warmup": warm,
            "cpu_ms": statistics.median(cpu)}


def checksum(x):
    """[sum, sum|x|, first, last] in f64, as bench/lib/data.ts."""
    import torch
    f = x.detach().reshape(-1).to(torch.float64)
    return [f.sum().item(), f.abs().sum().item(), f[0].item(), f[-1].item()]


def main():
    spec = json.load(open(sys.argv[1]))
    report = {"peer": "torch", "available": False, "results": {}}
    try:
        import numpy as np
        import torch
    except Exception as e:  # noqa: BLE001
        report["why"] = f"cannot import torch: {e}"
        print(json.dumps(report))
        return
    cores = len(os.sched_getaffinity(0))
    # TORCH_BENCH_THREADS: run PyTorch with that many threads instead of one per core (a machine
    # shared with other work makes OpenMP's per-core threads wait on each other)
    torch.set_num_threads(int(os.environ.get("TORCH_BENCH_THREADS") or cores))
    cfg = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,]*)", cfg)
    lapack = re.search(r"LAPACK_INFO=([^,]*)", cfg)
    cap = re.search(r"CPU capability usage: (\S+)", cfg)
    report["available"] = True
    report["about"] = {
        "version": torch.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "cores": cores,
        "build_blas_info": blas.group(1) if blas else None,
        "build_lapack_info": lapack.group(1) if lapack else None,
        "cpu_capability": cap.group(1) if cap else None,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "blas_runtime": openblas_info(),
    }
    policy = spec["policy"]
    with torch.no_grad():
        for c in spec["cases"]:
            cid = c["id"]
            try:
                env = {"torch": torch, "np": np}
                for inp in c["inputs"]:
                    a = np.fromfile(inp["file"], dtype=np.float32).reshape(inp["shape"])
                    env[inp["name"]] = torch.from_numpy(a.copy())
                if c.get("setup"):
                    exec(c["setup"], env)
                code = compile(c["expr"], f"<{cid}>", "eval")
                out = eval(code, env)
                cs = checksum(out)

                def run():
                    r = eval(code, env)
                    return r.reshape(-1)[0].item()

                t = measure(run, policy)
                report["results"][cid] = {**t, "checksum": cs}
                print(f"  [torch] {cid} ... {t['median_ms']:.3f} ms ({t['reps']} reps)", file=sys.stderr)
            except Exception as e:  # noqa: BLE001
                report["results"][cid] = {"error": f"{type(e).__name__}: {e}"[:400]}
                print(f"  [torch] {cid} ... error: {e}", file=sys.stderr)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
