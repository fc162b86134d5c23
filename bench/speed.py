#!/usr/bin/python3
"""DL4J against PyTorch on this machine: for each benchmark model, alternate a DL4J run (`nets speed`) and a
PyTorch run (bench/torch_peer.py), each a warm-up and then one timed epoch, with the same thread count, and print
the medians, the ratio DL4J / PyTorch, and how far each epoch is from the floor set by the FLOPs it needs and the
machine's float32 matrix-multiply rate.

    /usr/bin/python3 bench/speed.py                      # every model, 3 repetitions, whole epochs
    /usr/bin/python3 bench/speed.py --models mlp,lstm --reps 5
    /usr/bin/python3 bench/speed.py --batches 100        # 100 timed batches scaled to an epoch: a quicker look

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
    ap.add_argument("--data-dir", default=None)
    a = ap.parse_args()
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
        runs = {"dl4j": [], "pytorch": []}
        for rep in range(a.reps):
            d = run(["./nets", "speed", "--model", m, "--threads", str(t)] + extra(m) + data)
            p = run(["/usr/bin/python3", "bench/torch_peer.py", "--model", m, "--threads", str(t)] + extra(m)
                    + (["--data-dir", a.data_dir] if a.data_dir else []))
            runs["dl4j"].append(d)
            runs["pytorch"].append(p)
            print(f"{m} rep {rep + 1}: DL4J {d['epoch_seconds']:.1f} s, PyTorch {p['epoch_seconds']:.1f} s "
                  f"({d['examples_per_second']:,.0f} vs {p['examples_per_second']:,.0f} per s; CPU/wall "
                  f"{d['cpu_per_wall']:.2f} vs {p['cpu_per_wall']:.2f})", flush=True)
        results[m] = runs

    rate_key = lambda threads: "gemm_gflops_1_thread" if threads == 1 else f"gemm_gflops_{threads}_threads"
    print()
    print(f"{datetime.date.today()}, {gemm['machine']}, host {platform.node()}; median of {a.reps}; "
          + ("one whole epoch" if not a.batches else f"{a.batches} batches scaled to an epoch")
          + f" (char-lstm: {a.char_batches} batches of 32x100 characters)")
    print()
    print("| model | threads | DL4J s/epoch | PyTorch s/epoch | DL4J / PyTorch | train GFLOP/epoch | floor s | DL4J × floor | PyTorch × floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m, runs in results.items():
        d = statistics.median(r["epoch_seconds"] for r in runs["dl4j"])
        p = statistics.median(r["epoch_seconds"] for r in runs["pytorch"])
        first = runs["dl4j"][0]
        gflop = first["train_flops_per_example"] * first["epoch_examples"] / 1e9
        rate = gemm.get(rate_key(first["threads"]))
        floor = gflop / rate if rate else float("nan")
        if m in TEXT:
            dc = statistics.median(r["examples_per_second"] for r in runs["dl4j"])
            pc = statistics.median(r["examples_per_second"] for r in runs["pytorch"])
            extra_note = f" ({dc:,.0f} vs {pc:,.0f} chars/s)"
        else:
            extra_note = ""
        if first.get("custom_layers") or not floor > 0:
            # FLOPs are counted for DL4J's own layers only, not for the attention module's own layers
            print(f"| {m}{extra_note} | {first['threads']} | {d:.1f} | {p:.1f} | {d / p:.2f} | – | – | – | – |")
        else:
            print(f"| {m}{extra_note} | {first['threads']} | {d:.1f} | {p:.1f} | {d / p:.2f} | {gflop:,.0f} | "
                  f"{floor:.1f} | {d / floor:.1f} | {p / floor:.1f} |")
    out = os.path.join(HOME, "runs", "speed")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, datetime.datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    with open(path, "w") as f:
        json.dump({"gemm": gemm, "results": results}, f, indent=1)
    print(f"\nAll runs: {path}")


if __name__ == "__main__":
    main()
