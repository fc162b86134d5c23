#!/usr/bin/python3
"""Epoch time of data-parallel training for 1 to 64 workers, from what one worker costs: the model of
docs/scaling.md. Parameter averaging (dl4j-spark's ParameterAveragingTrainingMaster, the default of
`nets spark-train`) and shared gradients (dl4j-spark-parameterserver's SharedTrainingMaster), with the batches sent
from the driver as `nets spark-train` sends them.

    /usr/bin/python3 bench/scaling.py              # the check against local[1] and local[2], then the predictions
    /usr/bin/python3 bench/scaling.py --gbits 1    # a slower network

A worker is one executor core training one replica at the one-thread speed measured here.
"""
import argparse
import math

# Measured on the 2-core AVX-512 machine of BENCHMARKS.md ("Scaling"). t_batch: seconds per batch on one thread;
# batch_mb: one batch as the driver ships it (float32 features and labels).
MODELS = {
    "mlp": dict(t_batch=0.0086, params=535_818, batches=430, batch_mb=0.41),
    "cnn-modern": dict(t_batch=0.095, params=871_210, batches=430, batch_mb=0.41),
    "char-lstm": dict(t_batch=0.47, params=871_745, batches=313, batch_mb=1.67),
}
ADAM_STATE = 2         # Adam's two moments per parameter, averaged with the parameters
FLOAT = 4              # bytes
JOB_S = 0.106          # Spark's fixed cost per averaging round (one job), fitted to local[1] and local[2]
SHIP_S_PER_MB = 0.025  # the driver's cost to serialise a batch into its task (and the executor's to read it back)
MESH_S = 20.0          # the shared-gradients master's cost per fit (one per epoch): starting the executors' mesh
STEP_S = 0.001         # shared gradients: a fixed cost per step (small, asynchronous messages)


def averaging(m, n, f, bw):
    """Rounds of f batches per worker: the driver ships n*f batches, the workers train, and the driver gathers
    every replica's parameters and Adam state through a two-level tree (about sqrt(n) + 2 transfers of one model
    through the busiest link) and broadcasts the average."""
    size = m["params"] * FLOAT * (1 + ADAM_STATE)
    rounds = math.ceil(m["batches"] / (n * f))
    per_round = n * f * m["batch_mb"] * SHIP_S_PER_MB + JOB_S + f * m["t_batch"]
    comm = 0 if n == 1 else (math.ceil(math.sqrt(n)) + 2) * size / bw
    return rounds * (per_round + comm), comm / (per_round + comm)


def shared(m, n, bw):
    """One job per epoch; every step every worker takes in the others' encoded updates, at most 2 bits per
    parameter each (DL4J's bitmap encoding, its upper bound)."""
    steps = math.ceil(m["batches"] / n)
    comm = (n - 1) * m["params"] / 4 / bw
    total = MESH_S + m["batches"] * m["batch_mb"] * SHIP_S_PER_MB + steps * (m["t_batch"] + comm + STEP_S)
    return total, comm / (m["t_batch"] + comm + STEP_S)


def check():
    """The model against what local[N] measured (BENCHMARKS.md, "Scaling"): in one JVM the network costs nothing,
    and a worker of two on two cores runs a batch in about 1.4 times the one-worker time (measured with
    ParallelWrapper: 12 against 8.6 ms for the MLP)."""
    rows = [("mlp", 1, 5, 17.3), ("mlp", 2, 5, 10.9), ("mlp", 2, 20, 7.6), ("cnn-modern", 1, 5, 49.3),
            ("cnn-modern", 2, 5, 33.5)]
    print("| spark-train on | averaging frequency | measured s per epoch | model |")
    print("| --- | ---: | ---: | ---: |")
    for name, n, f, measured in rows:
        m = dict(MODELS[name])
        if name == "cnn-modern" and n == 1:
            m["t_batch"] = 0.0865  # local[1] gave its one worker both cores' threads (37.2 s per 430 batches)
        if n == 2:
            m["t_batch"] *= 12 / 8.6
        t, _ = averaging(m, n, f, float("inf"))
        print(f"| {name}, local[{n}] | {f} | {measured:.1f} | {t:.1f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gbits", type=float, default=10, help="network bandwidth, Gbit/s (default 10)")
    ap.add_argument("--freq", type=int, default=5, help="batches per worker between averagings (default 5)")
    a = ap.parse_args()
    bw = a.gbits * 1e9 / 8
    check()
    workers = [1, 2, 4, 8, 16, 64]
    print(f"\nepoch seconds (and the share of a round spent communicating) at {a.gbits:g} Gb/s, "
          f"averaging every {a.freq} batches")
    print("| model | mode | " + " | ".join(f"{n}" for n in workers) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in workers) + " |")
    for name, m in MODELS.items():
        for mode, fn in (("averaging", lambda n: averaging(m, n, a.freq, bw)),
                         ("shared gradients", lambda n: shared(m, n, bw))):
            cells = []
            for n in workers:
                t, share = fn(n)
                cells.append(f"{t:.1f} ({100 * share:.0f}%)")
            print(f"| {name} | {mode} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
