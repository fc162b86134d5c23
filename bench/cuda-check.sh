#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: trains every Fashion-MNIST architecture of the suite for a few hundred batches on
# the GPU (nd4j-cuda, -Pcuda) and on the CPU, with the same seed, data and settings, prints a table (losses, seconds,
# GPU against CPU) and exits non-zero if a loss did not fall or the two backends disagree beyond the tolerance.
#
#   bench/cuda-check.sh                  # 300 batches of every architecture
#   BATCHES=500 TOLERANCE=0.10 bench/cuda-check.sh
#
# The CPU run uses the default engine (fast); the GPU always runs stock DL4J, so this also checks that the fast
# engine and stock DL4J on another backend train the same models alike.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
batches="${BATCHES:-300}"
tolerance="${TOLERANCE:-0.10}" # largest relative difference of the validation losses, GPU against CPU

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "cuda-check: no NVIDIA GPU here (nvidia-smi finds none); run it on a machine with one." >&2
  exit 2
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/cuda-check.XXXXXX")"
for backend in cuda cpu; do
  echo "cuda-check: training every architecture for $batches batches on the $backend backend..." >&2
  NETS_PROFILE="$backend" "$home/nets" compare --epochs 1 --max-batches "$batches" --limit 20000 --val-size 2000 \
    --seed 42 --out "$out/$backend" >"$out/$backend.log" 2>&1 \
    || { tail -20 "$out/$backend.log" >&2; echo "cuda-check: the $backend run failed (log: $out/$backend.log)" >&2; exit 1; }
done

python3 - "$out" "$tolerance" <<'PY'
import glob, json, math, os, sys
out, tolerance = sys.argv[1], float(sys.argv[2])

def results(backend):
    files = glob.glob(os.path.join(out, backend, "**", "results.json"), recursive=True)
    if not files:
        sys.exit(f"cuda-check: no results.json under {out}/{backend}")
    rows = json.load(open(sorted(files)[-1]))
    rows = rows["results"]
    return {r["arch"]: r for r in rows}

gpu, cpu = results("cuda"), results("cpu")
chance = math.log(10)
failed = []
print(f"| architecture | train loss GPU | train loss CPU | val loss GPU | val loss CPU | s/epoch GPU | s/epoch CPU | GPU / CPU time | check |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for arch in sorted(set(gpu) | set(cpu)):
    g, c = gpu.get(arch), cpu.get(arch)
    if not g or not c or g["status"] != "ok" or c["status"] != "ok":
        failed.append(arch)
        print(f"| {arch} | | | | | | | | failed: GPU {g and g['status']}, CPU {c and c['status']} |")
        continue
    gh, ch = g["history"][-1], c["history"][-1]
    problems = []
    for name, h in (("GPU", gh), ("CPU", ch)):
        if not h["train_loss"] < 0.9 * chance or not h["val_loss"] < 0.9 * chance:
            problems.append(f"{name} loss did not fall below 0.9 ln 10")
    diff = abs(gh["val_loss"] - ch["val_loss"]) / max(ch["val_loss"], 1e-9)
    if diff > tolerance:
        problems.append(f"val losses differ by {diff:.0%}")
    if problems:
        failed.append(arch)
    print(f"| {arch} | {gh['train_loss']:.4f} | {ch['train_loss']:.4f} | {gh['val_loss']:.4f} | {ch['val_loss']:.4f} "
          f"| {g['seconds_per_epoch']:.1f} | {c['seconds_per_epoch']:.1f} "
          f"| {g['seconds_per_epoch'] / c['seconds_per_epoch']:.2f} | {'; '.join(problems) or 'ok'} |")
if failed:
    sys.exit(f"cuda-check: {len(failed)} architecture(s) failed: {', '.join(failed)} (runs under {out})")
print(f"\ncuda-check: every architecture learnt, GPU and CPU within {tolerance:.0%} (runs under {out})")
PY
