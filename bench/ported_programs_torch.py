#!/usr/bin/python3
"""PyTorch's time per training step of the programs bench/ported_programs.ts
runs, from their originals in tests/fixtures/gen_programs.py at the same sizes
(bench/lib/ported.ts PORTED_PROGRAMS_BENCH; "test": the fixtures' sizes): the
median time between consecutive steps of a whole run (the first interval, with
the model's construction, left out), the median over rounds after one warm-up
round. Prints one JSON object {"programs": {program: {"ms": ..., "steps": ...}},
"torch": version, threads and the BLAS loaded} on stdout.

  /usr/bin/python3 bench/ported_programs_torch.py [--size test|bench] [--rounds 3] [--only nanogpt,vae]
"""
import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures"))
sys.path.insert(0, HERE)
import gen_programs as G  # noqa: E402
import torch  # noqa: E402
from torch_bench import openblas_info  # noqa: E402

# the sizes of bench/lib/ported.ts PORTED_PROGRAMS_BENCH (keep the two in step)
CHAR_RNN_BENCH = dict(vocab=65, hidden=200, bsz=20, bptt=35)
BENCH = {
    "nanogpt": lambda on: G.nanogpt(
        dict(config=dict(block_size=32, vocab_size=65, n_layer=2, n_head=4, n_embd=64, dropout=0.1, bias=True), batch_size=8),
        on,
        20,
    ),
    "cifar_cnn": lambda on: G.cifar_cnn(on),
    "char_lstm": lambda on: G.char_rnn("lstm", CHAR_RNN_BENCH, on, 1),
    "char_gru": lambda on: G.char_rnn("gru", CHAR_RNN_BENCH, on, 1),
    "vae": lambda on: G.vae(dict(side=28, hidden=400, latent=20, batch=128), on),
    "encoder": lambda on: G.encoder("step", dict(ntoken=1000, n=256, seq=32, d_model=128, nhead=4, d_hid=512, batch=32), on),
}
# the sizes of bench/lib/ported.ts PORTED_PROGRAMS (the tests')
TEST = {
    "nanogpt": lambda on: G.nanogpt(G.NANOGPT_TEST, on, 40),
    "cifar_cnn": lambda on: G.cifar_cnn(on),
    "char_lstm": lambda on: G.char_rnn("lstm", G.CHAR_RNN_TEST, on, 4),
    "char_gru": lambda on: G.char_rnn("gru", G.CHAR_RNN_TEST, on, 4),
    "vae": lambda on: G.vae(G.VAE_TEST, on),
    "encoder": lambda on: G.encoder("step", G.ENCODER_TEST, on),
}


def time_run(run):
    walls = []
    t = [time.perf_counter()]

    def on(_step):
        t1 = time.perf_counter()
        walls.append(1000 * (t1 - t[0]))
        t[0] = t1

    with contextlib.redirect_stdout(io.StringIO()):
        run(on)
    return statistics.median(walls[1:]), len(walls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="bench", choices=["test", "bench"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    # one thread per core, as bench/torch_bench.py runs PyTorch (gen_programs' fixtures run on one)
    torch.set_num_threads(int(os.environ.get("TORCH_BENCH_THREADS") or len(os.sched_getaffinity(0))))
    table = BENCH if a.size == "bench" else TEST
    names = [n for n in table if not a.only or n in a.only.split(",")]
    out = {}
    for name in names:
        time_run(table[name])
        runs = [time_run(table[name]) for _ in range(a.rounds)]
        out[name] = {"ms": statistics.median(r[0] for r in runs), "steps": runs[0][1]}
    b = openblas_info()
    blas = ", ".join(b.get("libraries", [])) + (f" ({b['openblas_config']}; {b['openblas_threads']} threads)" if "openblas_config" in b else "")
    json.dump({"programs": out, "torch": {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas}}, sys.stdout)
    print()


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    main()
