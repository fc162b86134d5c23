#!/usr/bin/python3
"""Stock DL4J, the suite's fast engine and PyTorch on this machine: for each benchmark model, alternate a run of
`nets speed --engine stock`, one of `nets speed --engine fast` (the same stock DL4J model, the CPU kernels
underneath) and a PyTorch run (bench/torch_peer.py), each a warm-up and then one timed epoch, with the same thread
count, and print the medians, the ratios fast / stock and fast / PyTorch, and how far each epoch is from the floor
set by the FLOPs it needs and the machine's float32 matrix-multiply rate.

    /usr/bin/python3 bench/speed.py                      # every model, 3 repetitions, whole epochs
    /usr/bin/python3 bench/speed.py --models mlp,lstm --reps 5
    /usr/bin/python3 bench/speed.py --batches 100        # 100 timed batches scaled to an epoch: a quicker look
    /usr/bin/python3 bench/speed.py --engines fast       # without the stock column

Run it on an otherwise idle machine: anything else running changes the times.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    p = subprocess.run(cmd, cwd=HOME, capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not lines:
        sys.exit(f"error: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}{p.stdout[-2000:]}")
    return json.loads(lines[-1])


def registered():
    """The benchmark models (id, thread count DL4J's backend picks, batch, whether it reads text); PyTorch gets the
    same threads. The suite's registry is the one list: `nets speed --list --json` prints it."""
    p = subprocess.run(["./nets", "speed", "--list", "--json"], cwd=HOME, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"error: ./nets speed --list --json failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]


def main():
    models = registered()
    THREADS = {m["id"]: m["threads"] for m in models}
    TEXT = {m["id"] for m in models if m["text"]}
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=",".join(THREADS))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--batches", type=int, default=0, help="timed batches per run; 0 = one whole epoch")
    ap.add_argument("--char-batches", type=int, default=100,
                    help="timed batches of 32x100 characters for char-lstm (default 100)")
    ap.add_argument("--warmup", type=int, default=200,
                    help="untimed batches first (default 200: DL4J's JIT compiler is busy for the first ~30 s)")
    ap.add_argument("--char-warmup", type=int, default=40, help="untimed batches first for char-lstm (default 40)")
    ap.add_argument("--warmup-seconds", type=float, default=10,
                    help="and warm up for at least this long, both frameworks (default 10: the MLP's 200 batches "
                         "last 0.4 s, and its epoch was timed while the JIT compiler still worked on the second core)")
    ap.add_argument("--engines", default="stock,fast", help="DL4J engines to time (default stock,fast)")
    ap.add_argument("--data-dir", default=None)
    a = ap.parse_args()
    engines = a.engines.split(",")
    if not engines or any(e not in ("stock", "fast") for e in engines):
        sys.exit(f"error: --engines takes stock and/or fast, got {a.engines}")
    models = a.models.split(",")
    for m in models:
        if m not in THREADS:
            sys.exit(f"error: unknown model {m}; known: {', '.join(THREADS)}")
    extra = lambda m: (["--batches", str(a.char_batches if m in TEXT else a.batches)]
                       if (a.batches or m in TEXT) else []) \
        + ["--warmup", str(a.char_warmup if m in TEXT else a.warmup), "--warmup-seconds", str(a.warmup_seconds)]
    data = ["--data-dir", a.data_dir] if a.data_dir else []
    gemm = run(["./nets", "speed", "--gemm"])
    print("Machine:", gemm["machine"])
    print("GEMM (float32 2048x2048, ND4J):", {k: round(v, 1) for k, v in gemm.items() if k.startswith("gemm")},
          flush=True)
    results = {}
    for m in models:
        t = THREADS[m]
        runs = {e: [] for e in engines}
        runs["pytorch"] = []
        for rep in range(a.reps):
            for e in engines:
                runs[e].append(run(["./nets", "speed", "--model", m, "--threads", str(t), "--engine", e] + extra(m)
                                   + data))
            p = run(["/usr/bin/python3", "bench/torch_peer.py", "--model", m, "--threads", str(t)] + extra(m)
                    + (["--data-dir", a.data_dir] if a.data_dir else []))
            runs["pytorch"].append(p)
            print(f"{m} rep {rep + 1}: " + ", ".join(f"{e} {runs[e][-1]['epoch_seconds']:.1f} s" for e in engines)
                  + f", PyTorch {p['epoch_seconds']:.1f} s", flush=True)
        results[m] = runs

    rate_key = lambda threads: "gemm_gflops_1_thread" if threads == 1 else f"gemm_gflops_{threads}_threads"
    print()
    print(f"{datetime.date.today()}, {gemm['machine']}, host {platform.node()}; median of {a.reps}; "
          + ("one whole epoch" if not a.batches else f"{a.batches} batches scaled to an epoch")
          + f" (char-lstm: {a.char_batches} batches of 32x100 characters)")
    print()
    print("| model | threads | stock DL4J s/epoch | fast s/epoch | PyTorch s/epoch | fast / stock | fast / PyTorch "
          "| train GFLOP/epoch | floor s | fast × floor | PyTorch × floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    median = lambda rs, key="epoch_seconds": statistics.median(r[key] for r in rs) if rs else float("nan")
    for m, runs in results.items():
        dl4j = runs.get("fast") or runs["stock"]
        s = median(runs.get("stock", []))
        d = median(dl4j)
        p = median(runs["pytorch"])
        first = dl4j[0]
        gflop = first["train_flops_per_example"] * first["epoch_examples"] / 1e9
        rate = gemm.get(rate_key(first["threads"]))
        floor = gflop / rate if rate else float("nan")
        if m in TEXT:
            dc = median(dl4j, "examples_per_second")
            pc = median(runs["pytorch"], "examples_per_second")
            extra_note = f" ({dc:,.0f} vs {pc:,.0f} chars/s)"
        else:
            extra_note = ""
        row = f"| {m}{extra_note} | {first['threads']} | {s:.1f} | {d:.1f} | {p:.1f} | {d / s:.2f} | {d / p:.2f} |"
        if not floor > 0:
            print(row + " – | – | – | – |")
        else:
            print(row + f" {gflop:,.0f} | {floor:.1f} | {d / floor:.1f} | {p / floor:.1f} |")
    out = os.path.join(HOME, "runs", "speed")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, datetime.datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    with open(path, "w") as f:
        json.dump({"gemm": gemm, "results": results}, f, indent=1)
    print(f"\nAll runs: {path}")


if __name__ == "__main__":
    main()
