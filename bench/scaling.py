#!/usr/bin/python3
"""Epoch time of data-parallel training for 1 to 64 workers, from measured single-worker figures: the model of
docs/scaling.md. Parameter averaging (dl4j-spark's ParameterAveragingTrainingMaster, what `nets spark-train` uses)
and shared gradients (dl4j-spark-parameterserver's SharedTrainingMaster, threshold-encoded updates), on a network
of the given bandwidth.

    /usr/bin/python3 bench/scaling.py                     # the three models of docs/scaling.md, 10 Gb/s
    /usr/bin/python3 bench/scaling.py --gbits 1 --job-ms 60

A worker is one executor core training one replica at the one-thread speed measured here.
"""
import argparse
import math

# Measured on the 2-core AVX-512 machine of BENCHMARKS.md (session 7), one thread per replica:
#   t_batch: seconds per training batch; params: trainable parameters; batches: per epoch.
MODELS = {
    "mlp (784-512-256-10, batch 128)": dict(t_batch=0.0086, params=535_818, batches=430),
    "cnn-modern (batch 128)": dict(t_batch=0.095, params=871_210, batches=430),
    "char-lstm 2x256 (32 x 100 chars)": dict(t_batch=0.47, params=871_745, batches=313),
}
ADAM_STATE = 2       # Adam keeps two numbers per parameter, and parameter averaging averages them too
FLOAT = 4            # bytes


def averaging(m, n, f, bw, job):
    """Rounds of f batches per worker; per round the driver gathers every replica's parameters and Adam state
    through a two-level tree (about sqrt(n) + 1 transfers through its link) and broadcasts the average."""
    size = m["params"] * FLOAT * (1 + ADAM_STATE)
    rounds = math.ceil(m["batches"] / (n * f))
    comm = 0 if n == 1 else (math.ceil(math.sqrt(n)) + 2) * size / bw
    return rounds * (f * m["t_batch"] + comm + job)


def shared(m, n, bw, step):
    """Every step every worker sends its encoded update to the others: at most 2 bits per parameter (DL4J's
    bitmap encoding, its upper bound), n - 1 messages in through each worker's link."""
    msg = m["params"] / 4
    steps = math.ceil(m["batches"] / n)
    return steps * (m["t_batch"] + (n - 1) * msg / bw + (step if n > 1 else 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gbits", type=float, default=10, help="network bandwidth, Gbit/s (default 10)")
    ap.add_argument("--freq", type=int, default=5, help="batches per worker between averagings (default 5)")
    ap.add_argument("--job-ms", type=float, default=None,
                    help="Spark's fixed cost per averaging round, ms (default: measured, docs/scaling.md)")
    ap.add_argument("--step-ms", type=float, default=1.0, help="fixed cost per shared-gradients step, ms (default 1)")
    a = ap.parse_args()
    bw = a.gbits * 1e9 / 8
    job = (a.job_ms if a.job_ms is not None else JOB_MS) / 1000
    workers = [1, 2, 4, 8, 16, 64]
    print(f"epoch seconds at {a.gbits:g} Gb/s; averaging every {a.freq} batches, {job * 1000:.0f} ms per round")
    print("| model | mode | " + " | ".join(f"{n}" for n in workers) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in workers) + " |")
    for name, m in MODELS.items():
        for mode, fn in (("averaging", lambda n: averaging(m, n, a.freq, bw, job)),
                         ("shared gradients", lambda n: shared(m, n, bw, a.step_ms / 1000))):
            print(f"| {name} | {mode} | " + " | ".join(f"{fn(n):.1f}" for n in workers) + " |")


JOB_MS = 100.0  # replaced by the local[1] measurement of docs/scaling.md

if __name__ == "__main__":
    main()
