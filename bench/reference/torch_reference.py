#!/usr/bin/python3
"""PyTorch (CPU, float64) reference timings for the shocklens autodiff workloads.

usage: /usr/bin/python3 torch_reference.py [--threads 1|2] [--only NAME,...]
                                           [--reps R] [--min-time S] [--list]
                                           [--default-malloc]

Prints one JSON object per line on stdout:
  {"workload", "impl", "threads", "metric", "value", "unit", ...extra fields}
Extra fields: reps, inner, min, max (same unit as value) and check (a list of
numbers computed once, outside timing, from the portable seeded initialisation;
an independent implementation must reproduce them to ~1e-9 relative).
The exact definition of every workload is in docs/performance.md of the repository.
This script writes nothing to disk.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True

from common import prepare_process, selected_workloads  # noqa: E402


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, choices=[1, 2])
    ap.add_argument("--only", default="", help="comma-separated workload names")
    ap.add_argument("--reps", type=int, default=7, help="timed repetitions (>= 7)")
    ap.add_argument("--warmup", type=int, default=2, help="warm-up repetitions")
    ap.add_argument("--min-time", type=float, default=0.2,
                    help="minimum seconds of work per repetition")
    ap.add_argument("--list", action="store_true", help="list workload names and exit")
    ap.add_argument("--default-malloc", action="store_true",
                    help="keep glibc's default malloc tuning (docs/performance.md, section Threads and malloc)")
    return ap.parse_args()


ARGS = parse_args()

# Thread count must be fixed before torch/numpy load OpenMP and OpenBLAS.
# Torch's matmuls go to OpenBLAS (pthreads), its elementwise ops to libgomp. With libgomp's
# default spin-waiting, idle OpenMP workers starve OpenBLAS's threads on a 2-core machine
# (measured 8-20x slow-downs of the MLP/transformer steps), hence the passive wait policy.
prepare_process(ARGS)
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(ARGS.threads)
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)  # only the SGLD noise uses torch's RNG
IMPL = "torch-%s-cpu" % ".".join(torch.__version__.split(".")[:2])

# ---------------------------------------------------------------------------
# Portable seeded initialisation (docs/performance.md, "Seeded initialisation").
# uniform(seed, i) = (fmix32((fmix32(seed) + i) mod 2^32) + 0.5) / 2^32
# ---------------------------------------------------------------------------
M32 = 0xFFFFFFFF


def fmix32(h):
    """MurmurHash3 32-bit finaliser on Python ints or uint64 numpy arrays."""
    h = h ^ (h >> 16)
    h = (h * 0x85EBCA6B) & M32
    h = h ^ (h >> 13)
    h = (h * 0xC2B2AE35) & M32
    h = h ^ (h >> 16)
    return h


def uniform(seed, n):
    i = np.arange(n, dtype=np.uint64)
    h = fmix32((np.uint64(fmix32(seed)) + i) & np.uint64(M32))
    return (h.astype(np.float64) + 0.5) / 4294967296.0


def t_sym(seed, shape, bound):
    """(2u - 1) * bound, row-major, as a float64 tensor."""
    n = int(np.prod(shape))
    return torch.from_numpy(((2.0 * uniform(seed, n) - 1.0) * bound).reshape(shape))


def t_unit(seed, shape):
    n = int(np.prod(shape))
    return torch.from_numpy(uniform(seed, n).reshape(shape))


def t_labels(seed, shape, classes):
    n = int(np.prod(shape))
    return torch.from_numpy(np.floor(uniform(seed, n) * classes).astype(np.int64).reshape(shape))


def init_linear(lin, seed_w, seed_b=None):
    """Weight (out, in) and bias (out,) ~ U(-1/sqrt(in), 1/sqrt(in)) from the hash."""
    out_f, in_f = lin.weight.shape
    bound = 1.0 / math.sqrt(in_f)
    with torch.no_grad():
        lin.weight.copy_(t_sym(seed_w, (out_f, in_f), bound))
        if lin.bias is not None:
            lin.bias.copy_(t_sym(seed_b, (out_f,), bound))


def sumsq(ts):
    return float(sum((t.detach() * t.detach()).sum() for t in ts))


def dot(a, b):
    return float(sum((x.detach() * y.detach()).sum() for x, y in zip(a, b)))


# ---------------------------------------------------------------------------
# Timing rule (docs/performance.md, "Timing rule").
# ---------------------------------------------------------------------------
def measure(op, scale):
    """Median over ARGS.reps repetitions of (repetition wall time / inner).

    inner (k) is a power of two found by calibration so that one repetition
    takes >= ARGS.min_time seconds; ARGS.warmup repetitions are discarded.
    scale converts seconds per op to the reported unit.
    """
    k = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            op()
        el = time.perf_counter() - t0
        if el >= ARGS.min_time:
            break
        want = k * ARGS.min_time / max(el, 1e-9) * 1.05
        k = max(2 * k, 1 << math.ceil(math.log2(want)))
    per = []
    for r in range(ARGS.warmup + ARGS.reps):
        t0 = time.perf_counter()
        for _ in range(k):
            op()
        el = time.perf_counter() - t0
        if r >= ARGS.warmup:
            per.append(el / k * scale)
    return {"value": statistics.median(per), "min": min(per), "max": max(per),
            "reps": ARGS.reps, "inner": k}


def sig(x, n=4):
    return float("%.*g" % (n, x))


def emit(name, metric, unit, m, check):
    rec = {"workload": name, "impl": IMPL, "threads": ARGS.threads, "metric": metric,
           "value": sig(m["value"]), "unit": unit, "reps": m["reps"], "inner": m["inner"],
           "min": sig(m["min"]), "max": sig(m["max"]), "check": [float(c) for c in check]}
    print(json.dumps(rec), flush=True)


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------
def tiny_params():
    """2-32-32-1, no biases: W1 (32,2) seed 1, W2 (32,32) seed 2, W3 (1,32) seed 3."""
    return [t_sym(1, (32, 2), 1.0 / math.sqrt(2)).requires_grad_(),
            t_sym(2, (32, 32), 1.0 / math.sqrt(32)).requires_grad_(),
            t_sym(3, (1, 32), 1.0 / math.sqrt(32)).requires_grad_()]


def tiny_apply(p, x):
    return F.linear(torch.tanh(F.linear(torch.tanh(F.linear(x, p[0])), p[1])), p[2])


def mlp(hidden, act):
    m = nn.Sequential(nn.Linear(784, hidden), act(), nn.Linear(hidden, hidden), act(),
                      nn.Linear(hidden, 10))
    init_linear(m[0], 1, 2)
    init_linear(m[2], 3, 4)
    init_linear(m[4], 5, 6)
    return m


def mnist_like_batch(n=128):
    """X (n,784) = u(seed 20) in (0,1); labels (n,) = floor(10 u(seed 21))."""
    return t_unit(20, (n, 784)), t_labels(21, (n,), 10)


class Block(nn.Module):
    """Pre-LayerNorm transformer block, written out so its arithmetic is explicit."""

    def __init__(self, vocab=99, seq=3, d=64, heads=4, d_mlp=256):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.E = nn.Parameter(t_sym(1, (vocab, d), 1.0))    # token embedding
        self.P = nn.Parameter(t_sym(11, (seq, d), 1.0))     # positional embedding
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, d, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        self.fc1 = nn.Linear(d, d_mlp)
        self.fc2 = nn.Linear(d_mlp, d)
        self.lnf = nn.LayerNorm(d, eps=1e-5)
        self.unembed = nn.Linear(d, vocab, bias=False)
        for lin, sw, sb in ((self.q, 2, None), (self.k, 3, None), (self.v, 4, None),
                            (self.o, 5, None), (self.fc1, 6, 7), (self.fc2, 8, 9),
                            (self.unembed, 10, None)):
            init_linear(lin, sw, sb)
        # mask[i, j] = True where key position j lies in the future of query i
        self.register_buffer("mask", torch.triu(torch.ones(seq, seq, dtype=torch.bool), 1))

    def forward(self, tok):                                  # tok (B, T) int64
        B, T = tok.shape
        x = F.embedding(tok, self.E) + self.P                # (B, T, d)
        a = self.ln1(x)
        q = self.q(a).view(B, T, self.h, self.dh).transpose(1, 2)   # (B, H, T, dh)
        k = self.k(a).view(B, T, self.h, self.dh).transpose(1, 2)
        v = self.v(a).view(B, T, self.h, self.dh).transpose(1, 2)
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.dh))  # (B, H, T, T)
        s = s.masked_fill(self.mask, float("-inf"))
        z = torch.softmax(s, dim=-1) @ v                     # (B, H, T, dh)
        x = x + self.o(z.transpose(1, 2).reshape(B, T, self.h * self.dh))
        x = x + self.fc2(torch.relu(self.fc1(self.ln2(x))))
        return self.unembed(self.lnf(x))                     # (B, T, vocab)


def transformer_batch(B=512):
    return t_labels(40, (B, 3), 99), t_labels(41, (B,), 99)


# ---------------------------------------------------------------------------
# Workloads. Each returns (op, scale, metric, unit, check).
# ---------------------------------------------------------------------------
def w_tiny_grad():
    p = tiny_params()
    x = t_sym(10, (1, 2), 1.0)

    def op():
        return torch.autograd.grad(tiny_apply(p, x).sum(), p)

    f = float(tiny_apply(p, x).sum())
    g = op()
    return op, 1e6, "median_wall_time_per_gradient", "us/eval", [f, sumsq(g), dot(g, p)]


def train_step_op(opt, loss_of):
    """One optimizer step on the loss loss_of() computes; returns the loss."""
    def op():
        opt.zero_grad(set_to_none=True)
        loss = loss_of()
        loss.backward()
        opt.step()
        return loss
    return op


def step_workload(build):
    """build() -> (model, op). Check values: the loss of step 1, the squared gradient norm after it,
    the loss of step 3; the timed op starts from a fresh initialisation."""
    model, op = build()
    l1 = float(op())
    g1 = sumsq([q.grad for q in model.parameters()])
    op()
    l3 = float(op())
    model, op = build()
    return op, 1e3, "median_wall_time_per_step", "ms/step", [l1, g1, l3]


def mlp_step_workload(hidden):
    def build():
        model = mlp(hidden, nn.ReLU)
        X, y = mnist_like_batch()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()
        return model, train_step_op(opt, lambda: loss_fn(model(X), y))

    return step_workload(build)


def w_mlp_small_step():
    return mlp_step_workload(64)


def w_mlp_medium_step():
    return mlp_step_workload(256)


def w_mlp_medium_hvp():
    model = mlp(256, nn.Tanh)
    X, y = mnist_like_batch()
    params = list(model.parameters())
    vseeds = (31, 32, 33, 34, 35, 36)
    vec = [t_sym(s, tuple(q.shape), 1.0) for s, q in zip(vseeds, params)]

    def op():
        loss = F.cross_entropy(model(X), y)
        g = torch.autograd.grad(loss, params, create_graph=True)
        s = sum((gi * vi).sum() for gi, vi in zip(g, vec))
        return loss, torch.autograd.grad(s, params)

    loss, hv = op()
    return op, 1e3, "median_wall_time_per_hvp", "ms/hvp", [float(loss), dot(vec, hv), sumsq(hv)]


def persample_setup():
    model = mlp(256, nn.ReLU)
    X, y = mnist_like_batch()
    return model, X[:32].contiguous(), y[:32].contiguous()


def persample_check(model, X, y, grads):
    params = list(model.parameters())
    with torch.no_grad():
        losses = F.cross_entropy(model(X), y, reduction="none")
    gsq = float(sum((g * g).sum() for g in grads))
    gdot = float(sum((g * p.detach().unsqueeze(0)).sum() for g, p in zip(grads, params)))
    return [float(losses.sum()), gsq, gdot]


def w_persample_medium_loop():
    model, X, y = persample_setup()
    params = list(model.parameters())

    # Output buffers (32, *shape) per parameter, allocated once and reused by every call.
    out = [torch.empty((32,) + tuple(q.shape)) for q in params]

    def op():
        for i in range(32):
            g = torch.autograd.grad(F.cross_entropy(model(X[i:i + 1]), y[i:i + 1]), params)
            for o, gi in zip(out, g):
                o[i].copy_(gi)
        return out

    check = persample_check(model, X, y, op())
    return op, 1e3, "median_wall_time_per_batch", "ms/batch", check


def w_persample_medium_vmap():
    from functorch import grad, make_functional, vmap
    model, X, y = persample_setup()
    fmodel, fparams = make_functional(model)

    def loss1(p, x, t):
        return F.cross_entropy(fmodel(p, x.unsqueeze(0)), t.unsqueeze(0))

    psgrad = vmap(grad(loss1), in_dims=(None, 0, 0))

    def op():
        return psgrad(fparams, X, y)

    check = persample_check(model, X, y, op())
    return op, 1e3, "median_wall_time_per_batch", "ms/batch", check


def w_transformer_step():
    def build():
        model = Block()
        tok, tgt = transformer_batch()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                weight_decay=0.01)
        return model, train_step_op(opt, lambda: F.cross_entropy(model(tok)[:, -1, :], tgt))

    return step_workload(build)


def w_sgld_inner():
    eta, gamma, beta, alpha, steps = 0.01, 0.1, 1e4, 0.75, 20
    xs = [q.detach() for q in tiny_params()]           # anchor x (the outer iterate)
    X = t_sym(11, (32, 2), 1.0)
    T = t_sym(12, (32, 1), 1.0)
    nscale = math.sqrt(2.0 * eta / beta)

    def loss_at(p):
        return F.mse_loss(tiny_apply(p, X), T)

    def run(noise=True):
        y = [xi.clone().requires_grad_() for xi in xs]
        mu = [xi.clone() for xi in xs]
        for _ in range(steps):
            g = torch.autograd.grad(loss_at(y), y)
            with torch.no_grad():
                for yi, gi, xi, mi in zip(y, g, xs, mu):
                    yi.sub_(eta * (gi + (yi - xi) / gamma))
                    if noise:
                        yi.add_(torch.randn_like(yi), alpha=nscale)
                    mi.mul_(1.0 - alpha).add_(yi, alpha=alpha)
        return y, mu

    y, mu = run(noise=False)
    with torch.no_grad():
        check = [float(loss_at(xs)), float(loss_at(y)),
                 sumsq([yi - xi for yi, xi in zip(y, xs)]), float(sum(m.sum() for m in mu))]
    return run, 1e3, "median_wall_time_per_loop", "ms/loop", check


WORKLOADS = {
    "tiny-grad": w_tiny_grad,
    "mlp-small-step": w_mlp_small_step,
    "mlp-medium-step": w_mlp_medium_step,
    "mlp-medium-hvp": w_mlp_medium_hvp,
    "persample-medium-loop": w_persample_medium_loop,
    "persample-medium-vmap": w_persample_medium_vmap,
    "transformer-step": w_transformer_step,
    "sgld-inner": w_sgld_inner,
}


def main():
    names = selected_workloads(ARGS, WORKLOADS)
    if names is None:
        return 0 if ARGS.list else 2
    if ARGS.reps < 7:
        print("note: --reps %d is below the rule's minimum of 7" % ARGS.reps, file=sys.stderr)
    status = 0
    for name in names:
        try:
            op, scale, metric, unit, check = WORKLOADS[name]()
            m = measure(op, scale)
        except Exception as e:  # e.g. functorch missing in another torch build
            print(json.dumps({"workload": name, "impl": IMPL, "threads": ARGS.threads,
                              "error": "%s: %s" % (type(e).__name__, e)}), flush=True)
            status = 1
            continue
        emit(name, metric, unit, m, check)
    return status


if __name__ == "__main__":
    sys.exit(main())
