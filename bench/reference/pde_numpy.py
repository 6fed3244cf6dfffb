#!/usr/bin/python3
"""numpy reference timings for the shocklens PDE workloads (float64, vectorised numpy).

usage: /usr/bin/python3 pde_numpy.py [--threads 1|2] [--only NAME,...] [--reps R] [--list]
                                     [--default-malloc]

Prints one JSON object per line on stdout, with the same fields as pde_reference.c:
  {"workload", "impl": "numpy-X.Y", "threads", "metric", "value", "unit",
   "reps", "steps", "cells", "min", "max", "checksum", "check2"}
checksum = sum of the final field, check2 = sum of (final - initial)^2 (12 significant digits).
numpy's elementwise ufuncs are single-threaded; --threads only pins OMP/OpenBLAS (unused by
these kernels) so that the 1- and 2-thread lines show the run-to-run noise.
The exact definition of every workload is in docs/performance.md of the repository.
This script writes nothing to disk.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True

from common import prepare_process, selected_workloads  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--threads", type=int, default=1, choices=[1, 2])
ap.add_argument("--only", default="")
ap.add_argument("--reps", type=int, default=7)
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--list", action="store_true")
ap.add_argument("--default-malloc", action="store_true",
                help="keep glibc's default malloc tuning (docs/performance.md, section Threads and malloc)")
ARGS = ap.parse_args()

prepare_process(ARGS)

import numpy as np  # noqa: E402

IMPL = "numpy-%s" % ".".join(np.__version__.split(".")[:2])
TWO_PI = 2.0 * np.pi


def fill_ghosts(u, n, g):
    """Periodic ghosts: the ghosted array holds cell i (0 <= i < n) at index i + g."""
    u[:g] = u[n:n + g]
    u[n + g:] = u[g:2 * g]


# --------------------------------------------------------------------------------------
# burgers-muscl
# --------------------------------------------------------------------------------------
def muscl_step(u, un, n, dx):
    """u, un ghosted with 2 cells per side; writes the interior of un."""
    fill_ghosts(u, n, 2)
    amax = np.max(np.abs(u[2:n + 2]))
    dt = 0.4 * dx / amax
    lam = dt / dx
    d = u[1:] - u[:-1]                       # d[k] = u[k+1] - u[k], length n+3
    a, b = d[:-1], d[1:]                     # backward/forward differences, cells -1..n
    s = np.maximum(np.minimum(a, b), 0.0) + np.minimum(np.maximum(a, b), 0.0)   # minmod
    uL = u[1:n + 2] + 0.5 * s[:-1]           # interfaces j+1/2, j = 1..n+1 (index j-1)
    uR = u[2:n + 3] - 0.5 * s[1:]
    al = np.maximum(np.abs(uL), np.abs(uR))
    F = 0.5 * (0.5 * uL * uL + 0.5 * uR * uR) - 0.5 * al * (uR - uL)
    un[2:n + 2] = u[2:n + 2] - lam * (F[1:] - F[:-1])


def bench_muscl():
    n, steps = 100000, 200
    dx = TWO_PI / n
    u0 = np.sin((np.arange(n) + 0.5) * dx) + 0.5
    a, b = np.empty(n + 4), np.empty(n + 4)

    def run():
        a[2:n + 2] = u0
        u, un = a, b
        t0 = time.perf_counter()
        for _ in range(steps):
            muscl_step(u, un, n, dx)
            u, un = un, u
        return time.perf_counter() - t0, u[2:n + 2]

    return "burgers-muscl", run, steps, n, u0


# --------------------------------------------------------------------------------------
# burgers-weno5
# --------------------------------------------------------------------------------------
C13 = 13.0 / 12.0
C6 = 1.0 / 6.0
EPS = 1e-6


def weno5(v1, v2, v3, v4, v5):
    """WENO5-JS value at the interface on the right of v3 (v1..v5 upwind to downwind)."""
    q0 = (2.0 * v1 - 7.0 * v2 + 11.0 * v3) * C6
    q1 = (-v2 + 5.0 * v3 + 2.0 * v4) * C6
    q2 = (2.0 * v3 + 5.0 * v4 - v5) * C6
    d0 = v1 - 2.0 * v2 + v3
    e0 = v1 - 4.0 * v2 + 3.0 * v3
    d1 = v2 - 2.0 * v3 + v4
    e1 = v2 - v4
    d2 = v3 - 2.0 * v4 + v5
    e2 = 3.0 * v3 - 4.0 * v4 + v5
    t0 = EPS + (C13 * d0 * d0 + 0.25 * e0 * e0)
    t1 = EPS + (C13 * d1 * d1 + 0.25 * e1 * e1)
    t2 = EPS + (C13 * d2 * d2 + 0.25 * e2 * e2)
    a0 = 0.1 / (t0 * t0)
    a1 = 0.6 / (t1 * t1)
    a2 = 0.3 / (t2 * t2)
    return (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2)


def weno_rhs(u, n, dx):
    """-(Fhat_{j+1/2} - Fhat_{j-1/2})/dx for the n cells of u (ghosted, 3 per side)."""
    fill_ghosts(u, n, 3)
    alpha = np.max(np.abs(u[3:n + 3]))
    f = 0.5 * u * u
    fp = 0.5 * (f + alpha * u)
    fm = 0.5 * (f - alpha * u)
    # interfaces j+1/2 for j = 2..n+2 (index j-2)
    Fh = (weno5(fp[0:n + 1], fp[1:n + 2], fp[2:n + 3], fp[3:n + 4], fp[4:n + 5])
          + weno5(fm[5:n + 6], fm[4:n + 5], fm[3:n + 4], fm[2:n + 3], fm[1:n + 2]))
    return -(Fh[1:] - Fh[:-1]) / dx


def weno_step(u, u1, u2, n, dx):
    c = slice(3, n + 3)
    dt = 0.4 * dx / np.max(np.abs(u[c]))
    L = weno_rhs(u, n, dx)
    u1[c] = u[c] + dt * L
    L = weno_rhs(u1, n, dx)
    u2[c] = 0.75 * u[c] + 0.25 * (u1[c] + dt * L)
    L = weno_rhs(u2, n, dx)
    u[c] = (1.0 / 3.0) * u[c] + (2.0 / 3.0) * (u2[c] + dt * L)


def bench_weno():
    n, steps = 100000, 50
    dx = TWO_PI / n
    u0 = np.sin((np.arange(n) + 0.5) * dx) + 0.5
    u, u1, u2 = np.empty(n + 6), np.empty(n + 6), np.empty(n + 6)

    def run():
        u[3:n + 3] = u0
        t0 = time.perf_counter()
        for _ in range(steps):
            weno_step(u, u1, u2, n, dx)
        return time.perf_counter() - t0, u[3:n + 3]

    return "burgers-weno5", run, steps, n, u0


# --------------------------------------------------------------------------------------
# heat2d
# --------------------------------------------------------------------------------------
def bench_heat():
    n, steps, r = 512, 200, 0.2
    h = TWO_PI / n
    x = (np.arange(n) * h)[:, None]          # x_i along axis 0 (rows)
    y = (np.arange(n) * h)[None, :]          # y_j along axis 1 (columns)
    u0 = 1.0 + np.sin(x) * np.cos(2.0 * y) + 0.1 * np.sin(37.0 * x + 11.0 * y)
    # padded (n+2)^2 arrays with one ghost layer; interior [1:-1, 1:-1] is the field
    P, Q = np.empty((n + 2, n + 2)), np.empty((n + 2, n + 2))
    t, t4 = np.empty((n, n)), np.empty((n, n))

    def step(P, Q):
        P[0, 1:-1] = P[n, 1:-1]
        P[n + 1, 1:-1] = P[1, 1:-1]
        P[1:-1, 0] = P[1:-1, n]
        P[1:-1, n + 1] = P[1:-1, 1]
        c = P[1:-1, 1:-1]
        np.add(P[:-2, 1:-1], P[2:, 1:-1], out=t)     # u[i-1,j] + u[i+1,j]
        np.add(t, P[1:-1, :-2], out=t)               # + u[i,j-1]
        np.add(t, P[1:-1, 2:], out=t)                # + u[i,j+1]
        np.multiply(c, 4.0, out=t4)
        np.subtract(t, t4, out=t)                    # - 4 u[i,j]
        np.multiply(t, r, out=t)
        np.add(c, t, out=Q[1:-1, 1:-1])

    def run():
        P[1:-1, 1:-1] = u0
        a, b = P, Q
        t0 = time.perf_counter()
        for _ in range(steps):
            step(a, b)
            a, b = b, a
        return time.perf_counter() - t0, a[1:-1, 1:-1]

    return "heat2d", run, steps, n * n, u0


WORKLOADS = {"burgers-muscl": bench_muscl, "burgers-weno5": bench_weno, "heat2d": bench_heat}


def main():
    names = selected_workloads(ARGS, WORKLOADS)
    if names is None:
        return 0 if ARGS.list else 2
    for name in names:
        wname, run, steps, cells, u0 = WORKLOADS[name]()
        per = []
        for r in range(ARGS.warmup + ARGS.reps):
            el, u = run()
            if r >= ARGS.warmup:
                per.append(el / (steps * cells) * 1e9)
        checksum = float(np.sum(u))
        check2 = float(np.sum((u - u0) ** 2))
        rec = {"workload": wname, "impl": IMPL, "threads": ARGS.threads,
               "metric": "median_wall_time_per_cell_step",
               "value": float("%.4g" % statistics.median(per)), "unit": "ns/cell/step",
               "reps": ARGS.reps, "steps": steps, "cells": cells,
               "min": float("%.4g" % min(per)), "max": float("%.4g" % max(per)),
               "checksum": float("%.12g" % checksum), "check2": float("%.12g" % check2)}
        print(json.dumps(rec), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
