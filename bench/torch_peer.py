#!/usr/bin/python3
"""The PyTorch half of the speed benchmark: the same models as `nets speed` (SpeedBench.java), trained on the same
Fashion-MNIST IDX files with the same batch size and optimizer, timed the same way (a warm-up, then one epoch of the
60,000 training images). Prints one JSON line. Plain PyTorch, no tricks: what a careful user would write.

    /usr/bin/python3 bench/torch_peer.py --model cnn2 --threads 2 --data-dir /usr/share/datasets/fashion-mnist

Needs Debian's python3-torch and libopenblas0-pthread (without the latter, PyTorch falls back to a reference BLAS
and runs about 20 times slower).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

# torch.set_num_threads does not reach Debian's OpenBLAS, which sizes its own thread pool from this variable when it
# loads: without it a "1-thread" run does its matrix products on every core (measured: 130 GFLOP/s instead of 72).
_threads_pre = argparse.ArgumentParser(add_help=False)
_threads_pre.add_argument("--threads", default="1")
os.environ["OPENBLAS_NUM_THREADS"] = _threads_pre.parse_known_args()[0].threads

import numpy as np
import torch
from torch import nn

CHAR_VOCABULARY, CHAR_STEPS, CHAR_TBPTT = 65, 100, 50
GPT_BLOCK = 128
BATCH = {"mlp": 128, "cnn2": 128, "cnn2-bn": 128, "modern": 128, "lstm": 128, "char-lstm": 32, "transformer": 128,
         "gpt": 32}
TEXT_STEPS = {"char-lstm": CHAR_STEPS, "gpt": GPT_BLOCK}


def read_idx(path):
    """An IDX file, gzipped or not, as a numpy array; refuses anything that is not one."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"error: {path} is not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(data_dir, name):
    for candidate in (name, name + ".gz"):
        p = os.path.join(data_dir, candidate)
        if os.path.isfile(p):
            return p
    sys.exit(f"error: no {name}[.gz] in {data_dir}; give --data-dir")


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                                 nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


def two_conv(batch_norm):
    layers = []
    c_in = 1
    for c_out in (32, 64):
        layers += [nn.Conv2d(c_in, c_out, 5)]  # no padding, as DL4J's default: 28 → 24 → 12 → 8 → 4
        if batch_norm:
            layers += [nn.BatchNorm2d(c_out)]
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c_out
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(4 * 4 * 64, 256), nn.ReLU(), nn.Linear(256, 10))


def modern():
    """The suite's default CNN: two stages of 3x3 conv-BN-ReLU, the first of each with stride 2; dense head."""
    def block(c_in, c_out, stride):
        return [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]
    return nn.Sequential(*block(1, 32, 2), *block(32, 32, 1), *block(32, 64, 2), *block(64, 64, 1),
                         nn.Flatten(), nn.Dropout(0.25), nn.Linear(7 * 7 * 64, 256), nn.ReLU(), nn.Dropout(0.25),
                         nn.Linear(256, 10))


class RowLstm(nn.Module):
    """Reads the 28 rows as steps and classifies from the last one."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        h, _ = self.lstm(x.view(-1, 28, 28))
        return self.out(h[:, -1])


class CharLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(CHAR_VOCABULARY, 256, num_layers=2, batch_first=True)
        self.out = nn.Linear(256, CHAR_VOCABULARY)

    def forward(self, x, state=None):
        h, state = self.lstm(x, state)
        return self.out(h), state


class Block(nn.Module):
    """A pre-norm transformer block, as TransformerBlock.java: LN, attention, add; LN, Linear-GELU-Linear, add."""
    def __init__(self, width, heads, mlp_ratio, causal, tokens):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, int(width * mlp_ratio)), nn.GELU(),
                                 nn.Linear(int(width * mlp_ratio), width))
        mask = torch.triu(torch.full((tokens, tokens), float("-inf")), diagonal=1) if causal else None
        self.register_buffer("mask", mask)

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attention(h, h, h, attn_mask=self.mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class VisionTransformer(nn.Module):
    """VisionTransformer.java's benchmark shape: 7x7 patches, width 64, 4 blocks of 4 heads, MLP ratio 2, mean."""
    def __init__(self, patch=7, width=64, layers=4, heads=4):
        super().__init__()
        tokens = (28 // patch) ** 2
        self.patches = nn.Conv2d(1, width, patch, stride=patch)
        self.position = nn.Parameter(torch.zeros(1, tokens, width))
        self.blocks = nn.Sequential(*[Block(width, heads, 2, False, tokens) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.out = nn.Linear(width, 10)

    def forward(self, x):
        x = self.patches(x).flatten(2).transpose(1, 2) + self.position
        return self.out(self.ln(self.blocks(x)).mean(1))


class CharGpt(nn.Module):
    """CharGpt.java's benchmark shape: one-hot embedding, context 128, 4 causal blocks of width 96, 4 heads."""
    def __init__(self, width=96, layers=4, heads=4):
        super().__init__()
        self.embed = nn.Linear(CHAR_VOCABULARY, width, bias=False)
        self.position = nn.Parameter(torch.zeros(1, GPT_BLOCK, width))
        self.blocks = nn.Sequential(*[Block(width, heads, 4, True, GPT_BLOCK) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.out = nn.Linear(width, CHAR_VOCABULARY)

    def forward(self, x, state=None):
        return self.out(self.ln(self.blocks(self.embed(x) + self.position))), None


def build(model):
    return {"mlp": Mlp, "cnn2": lambda: two_conv(False), "cnn2-bn": lambda: two_conv(True), "modern": modern,
            "lstm": RowLstm, "char-lstm": CharLstm, "transformer": VisionTransformer, "gpt": CharGpt}[model]()


def image_batches(x, y, batch, generator):
    order = torch.randperm(len(x), generator=generator)
    for i in range(0, len(x), batch):
        idx = order[i:i + batch]
        yield x[idx], y[idx]


def warm_up(a, step):
    """At least a.warmup steps and at least a.warmup_seconds."""
    end = time.perf_counter() + a.warmup_seconds
    done = 0
    while done < a.warmup or time.perf_counter() < end:
        step()
        done += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, choices=sorted(BATCH))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--warmup-seconds", type=float, default=0,
                    help="go on warming up until this many seconds have passed too (as nets speed)")
    ap.add_argument("--batches", type=int, default=0, help="time N batches and scale to an epoch; 0 = one epoch")
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    model = build(a.model)
    lr = 2e-3 if a.model == "char-lstm" else 1e-3
    text_model = a.model in TEXT_STEPS
    steps = TEXT_STEPS.get(a.model, 0)
    tbptt = CHAR_TBPTT if a.model == "char-lstm" else steps
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    batch = BATCH[a.model]
    model.train()

    if text_model:
        text = torch.randint(0, CHAR_VOCABULARY, (1_000_000,), generator=g)
        eye = torch.eye(CHAR_VOCABULARY)

        def batches():
            while True:
                starts = torch.randint(0, len(text) - steps - 1, (batch,), generator=g)
                seq = torch.stack([text[s:s + steps + 1] for s in starts.tolist()])
                yield eye[seq[:, :-1]], seq[:, 1:]

        def step(xy):
            x, y = xy
            state = None
            for s in range(0, steps, tbptt):  # truncated BPTT for the LSTM, as DL4J's tBPTTLength
                out, state = model(x[:, s:s + tbptt], state)
                loss = loss_fn(out.reshape(-1, CHAR_VOCABULARY), y[:, s:s + tbptt].reshape(-1))
                opt.zero_grad()
                loss.backward()
                opt.step()
                state = tuple(h.detach() for h in state) if state is not None else None
            return x.shape[0] * x.shape[1]

        per_epoch = a.batches or 100
        epoch_examples = per_epoch * batch * steps
        stream = batches()
        warm_up(a, lambda: step(next(stream)))
        timed = per_epoch
        t0, cpu0 = time.perf_counter(), time.process_time()
        examples = sum(step(next(stream)) for _ in range(timed))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    else:
        images = read_idx(find(a.data_dir, "train-images-idx3-ubyte")).astype(np.float32) / 255
        labels = torch.from_numpy(read_idx(find(a.data_dir, "train-labels-idx1-ubyte")).astype(np.int64))
        images = (images - images.mean()) / images.std()
        x = torch.from_numpy(images).unsqueeze(1)  # N,1,28,28
        per_epoch = (len(x) + batch - 1) // batch
        timed = min(a.batches, per_epoch) if a.batches else per_epoch
        epoch_examples = len(x)

        def step(xy):
            xb, yb = xy
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            return len(xb)

        def epochs():
            while True:
                yield from image_batches(x, labels, batch, g)
        warm = epochs()
        warm_up(a, lambda: step(next(warm)))
        it = image_batches(x, labels, batch, g)
        t0, cpu0 = time.perf_counter(), time.process_time()
        examples = sum(step(next(it)) for _ in range(timed))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0

    print(json.dumps({"framework": "pytorch " + torch.__version__, "model": a.model, "threads": a.threads,
                      "batch": batch, "timed_batches": timed, "seconds": seconds,
                      "epoch_seconds": seconds * epoch_examples / examples,
                      "examples_per_second": examples / seconds, "epoch_examples": epoch_examples,
                      "cpu_per_wall": cpu / seconds}))


if __name__ == "__main__":
    main()
