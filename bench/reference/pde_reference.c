/* pde_reference.c -- C reference timings for the shocklens PDE workloads (float64).
 *
 * build: gcc -O2 -march=native -o /tmp/pde_ref pde_reference.c -lm
 * (also built with -O3 as impl "c-O3": gcc -O3 -march=native -DIMPL_NAME='"c-O3"' ...)
 * usage: /tmp/pde_ref [--only NAME,...] [--reps R] [--list]
 *
 * Prints one JSON object per line on stdout:
 *   {"workload", "impl": "c-O2", "threads": 1, "metric", "value", "unit",
 *    "reps", "steps", "cells", "min", "max", "checksum", "check2"}
 * checksum = sum of the final field (12 significant digits);
 * check2   = sum of (final - initial)^2 (12 significant digits).
 * The exact definition of every workload is in docs/performance.md of the repository.
 * Single-threaded, no allocation inside the timed region, writes nothing to disk.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PI 3.14159265358979323846

/* Label printed as "impl"; the -O3 build passes -DIMPL_NAME='"c-O3"'. */
#ifndef IMPL_NAME
#define IMPL_NAME "c-O2"
#endif

static int REPS = 7;
static const int WARMUP = 2;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median of n values (sorts x in place); even n: mean of the two middle values */
static double median(double *x, int n) {
    qsort(x, (size_t)n, sizeof(double), cmp_double);
    return (n % 2) ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(1); }
    return p;
}

static void emit(const char *name, double *per, int steps, long cells,
                 const double *u, const double *u0, long n) {
    double s = 0.0, s2 = 0.0;
    for (long i = 0; i < n; i++) {
        double d = u[i] - u0[i];
        s += u[i];
        s2 += d * d;
    }
    double mn = per[0], mx = per[0];
    for (int r = 1; r < REPS; r++) {
        if (per[r] < mn) mn = per[r];
        if (per[r] > mx) mx = per[r];
    }
    double med = median(per, REPS);
    printf("{\"workload\": \"%s\", \"impl\": \"" IMPL_NAME "\", \"threads\": 1, "
           "\"metric\": \"median_wall_time_per_cell_step\", \"value\": %.4g, "
           "\"unit\": \"ns/cell/step\", \"reps\": %d, \"steps\": %d, \"cells\": %ld, "
           "\"min\": %.4g, \"max\": %.4g, \"checksum\": %.12g, \"check2\": %.12g}\n",
           name, med, REPS, steps, cells, mn, mx, s, s2);
    fflush(stdout);
}

/* Periodic ghost cells: a ghosted array holds cell i (0 <= i < n) at index i + g. */
static void fill_ghosts(double *u, int n, int g) {
    for (int k = 0; k < g; k++) {
        u[k] = u[n + k];         /* cell k - g  == cell n + k - g */
        u[n + g + k] = u[g + k]; /* cell n + k  == cell k         */
    }
}

static double max_abs(const double *u, int n) {
    double m = 0.0;
    for (int i = 0; i < n; i++) {
        double a = fabs(u[i]);
        m = a > m ? a : m;
    }
    return m;
}

/* ------------------------------------------------------------------------- */
/* burgers-muscl: MUSCL + minmod, Rusanov flux, forward Euler, CFL 0.4       */
/* ------------------------------------------------------------------------- */
#define MG 2

/* One step u -> un (both ghosted, length n + 4). s, F: scratch of length n + 4. */
static void muscl_step(double *restrict u, double *restrict un, double *restrict s,
                       double *restrict F, int n, double dx) {
    fill_ghosts(u, n, MG);
    double amax = max_abs(u + MG, n);
    double dt = 0.4 * dx / amax;
    double lam = dt / dx;
    /* minmod slopes of cells -1..n (indices 1..n+2) */
    for (int j = 1; j <= n + 2; j++) {
        double a = u[j] - u[j - 1], b = u[j + 1] - u[j];
        double lo = a < b ? a : b, hi = a < b ? b : a;
        s[j] = (lo > 0.0 ? lo : 0.0) + (hi < 0.0 ? hi : 0.0);
    }
    /* Rusanov flux at interface j+1/2 for j = 1..n+1 */
    for (int j = 1; j <= n + 1; j++) {
        double uL = u[j] + 0.5 * s[j];
        double uR = u[j + 1] - 0.5 * s[j + 1];
        double aL = fabs(uL), aR = fabs(uR);
        double al = aL > aR ? aL : aR;
        F[j] = 0.5 * (0.5 * uL * uL + 0.5 * uR * uR) - 0.5 * al * (uR - uL);
    }
    for (int j = MG; j < n + MG; j++) un[j] = u[j] - lam * (F[j] - F[j - 1]);
}

static void bench_muscl(void) {
    const int n = 100000, steps = 200;
    const double dx = 2.0 * PI / n;
    double *u0 = xmalloc(sizeof(double) * n);
    double *a = xmalloc(sizeof(double) * (n + 2 * MG)), *b = xmalloc(sizeof(double) * (n + 2 * MG));
    double *s = xmalloc(sizeof(double) * (n + 2 * MG)), *F = xmalloc(sizeof(double) * (n + 2 * MG));
    double per[64];
    for (int i = 0; i < n; i++) u0[i] = sin((i + 0.5) * dx) + 0.5;
    double *u = a;
    for (int r = 0; r < WARMUP + REPS; r++) {
        memcpy(a + MG, u0, sizeof(double) * n);
        u = a;
        double *un = b;
        double t0 = now();
        for (int k = 0; k < steps; k++) {
            muscl_step(u, un, s, F, n, dx);
            double *t = u; u = un; un = t;
        }
        double el = now() - t0;
        if (r >= WARMUP) per[r - WARMUP] = el / ((double)steps * n) * 1e9;
    }
    emit("burgers-muscl", per, steps, n, u + MG, u0, n);
    free(u0); free(a); free(b); free(s); free(F);
}

/* ------------------------------------------------------------------------- */
/* burgers-weno5: WENO5-JS (eps 1e-6, p 2), global Lax-Friedrichs splitting,   */
/* SSP-RK3, CFL 0.4                                                            */
/* ------------------------------------------------------------------------- */
#define WG 3

/* WENO5-JS value at the interface on the right of v3, from v1..v5 (upwind to downwind).      */
/* Deliberate twin of weno5S in assembly/pde.ts: the same arithmetic written independently, so */
/* that the benchmark compares shocklens with a reference it does not share code with.         */
static inline double weno5(double v1, double v2, double v3, double v4, double v5) {
    const double eps = 1e-6, c13 = 13.0 / 12.0, c6 = 1.0 / 6.0;
    double q0 = (2.0 * v1 - 7.0 * v2 + 11.0 * v3) * c6;
    double q1 = (-v2 + 5.0 * v3 + 2.0 * v4) * c6;
    double q2 = (2.0 * v3 + 5.0 * v4 - v5) * c6;
    double d0 = v1 - 2.0 * v2 + v3, e0 = v1 - 4.0 * v2 + 3.0 * v3;
    double d1 = v2 - 2.0 * v3 + v4, e1 = v2 - v4;
    double d2 = v3 - 2.0 * v4 + v5, e2 = 3.0 * v3 - 4.0 * v4 + v5;
    double b0 = c13 * d0 * d0 + 0.25 * e0 * e0;
    double b1 = c13 * d1 * d1 + 0.25 * e1 * e1;
    double b2 = c13 * d2 * d2 + 0.25 * e2 * e2;
    double t0 = eps + b0, t1 = eps + b1, t2 = eps + b2;
    double a0 = 0.1 / (t0 * t0), a1 = 0.6 / (t1 * t1), a2 = 0.3 / (t2 * t2);
    return (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2);
}

typedef struct { double *fp, *fm, *Fh; } weno_scratch;

/* L = -(Fhat_{j+1/2} - Fhat_{j-1/2}) / dx for the cells of the ghosted u (filled here). */
static void weno_rhs(double *restrict u, double *restrict L, weno_scratch *w, int n, double dx) {
    fill_ghosts(u, n, WG);
    double alpha = max_abs(u + WG, n);
    double *restrict fp = w->fp, *restrict fm = w->fm, *restrict Fh = w->Fh;
    for (int j = 0; j < n + 2 * WG; j++) {
        double f = 0.5 * u[j] * u[j];
        fp[j] = 0.5 * (f + alpha * u[j]);
        fm[j] = 0.5 * (f - alpha * u[j]);
    }
    /* interface j+1/2 for j = 2..n+2 */
    for (int j = WG - 1; j <= n + WG - 1; j++)
        Fh[j] = weno5(fp[j - 2], fp[j - 1], fp[j], fp[j + 1], fp[j + 2])
              + weno5(fm[j + 3], fm[j + 2], fm[j + 1], fm[j], fm[j - 1]);
    for (int j = WG; j < n + WG; j++) L[j] = -(Fh[j] - Fh[j - 1]) / dx;
}

static void weno_step(double *restrict u, double *restrict u1, double *restrict u2,
                      double *restrict L, weno_scratch *w, int n, double dx) {
    const double third = 1.0 / 3.0, twothirds = 2.0 / 3.0;
    double dt = 0.4 * dx / max_abs(u + WG, n);
    weno_rhs(u, L, w, n, dx);
    for (int j = WG; j < n + WG; j++) u1[j] = u[j] + dt * L[j];
    weno_rhs(u1, L, w, n, dx);
    for (int j = WG; j < n + WG; j++) u2[j] = 0.75 * u[j] + 0.25 * (u1[j] + dt * L[j]);
    weno_rhs(u2, L, w, n, dx);
    for (int j = WG; j < n + WG; j++) u[j] = third * u[j] + twothirds * (u2[j] + dt * L[j]);
}

static void bench_weno(void) {
    const int n = 100000, steps = 50;
    const double dx = 2.0 * PI / n;
    const size_t len = sizeof(double) * (n + 2 * WG);
    double *u0 = xmalloc(sizeof(double) * n);
    double *u = xmalloc(len), *u1 = xmalloc(len), *u2 = xmalloc(len), *L = xmalloc(len);
    weno_scratch w = {xmalloc(len), xmalloc(len), xmalloc(len)};
    double per[64];
    for (int i = 0; i < n; i++) u0[i] = sin((i + 0.5) * dx) + 0.5;
    for (int r = 0; r < WARMUP + REPS; r++) {
        memcpy(u + WG, u0, sizeof(double) * n);
        double t0 = now();
        for (int k = 0; k < steps; k++) weno_step(u, u1, u2, L, &w, n, dx);
        double el = now() - t0;
        if (r >= WARMUP) per[r - WARMUP] = el / ((double)steps * n) * 1e9;
    }
    emit("burgers-weno5", per, steps, n, u + WG, u0, n);
    free(u0); free(u); free(u1); free(u2); free(L); free(w.fp); free(w.fm); free(w.Fh);
}

/* ------------------------------------------------------------------------- */
/* heat2d: 5-point explicit step, 512x512 periodic, r = 0.2                    */
/* ------------------------------------------------------------------------- */
static void heat_step(const double *restrict u, double *restrict un, int n, double r) {
    for (int i = 0; i < n; i++) {
        const double *up = u + (size_t)((i + n - 1) % n) * n;
        const double *uc = u + (size_t)i * n;
        const double *dn = u + (size_t)((i + 1) % n) * n;
        double *o = un + (size_t)i * n;
        o[0] = uc[0] + r * (up[0] + dn[0] + uc[n - 1] + uc[1] - 4.0 * uc[0]);
        for (int j = 1; j < n - 1; j++)
            o[j] = uc[j] + r * (up[j] + dn[j] + uc[j - 1] + uc[j + 1] - 4.0 * uc[j]);
        o[n - 1] = uc[n - 1] + r * (up[n - 1] + dn[n - 1] + uc[n - 2] + uc[0] - 4.0 * uc[n - 1]);
    }
}

static void bench_heat(void) {
    const int n = 512, steps = 200;
    const double h = 2.0 * PI / n, r = 0.2;
    const long cells = (long)n * n;
    double *u0 = xmalloc(sizeof(double) * cells);
    double *a = xmalloc(sizeof(double) * cells), *b = xmalloc(sizeof(double) * cells);
    double per[64];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double x = i * h, y = j * h;
            u0[(size_t)i * n + j] = 1.0 + sin(x) * cos(2.0 * y) + 0.1 * sin(37.0 * x + 11.0 * y);
        }
    double *u = a;
    for (int rep = 0; rep < WARMUP + REPS; rep++) {
        memcpy(a, u0, sizeof(double) * cells);
        u = a;
        double *un = b;
        double t0 = now();
        for (int k = 0; k < steps; k++) {
            heat_step(u, un, n, r);
            double *t = u; u = un; un = t;
        }
        double el = now() - t0;
        if (rep >= WARMUP) per[rep - WARMUP] = el / ((double)steps * cells) * 1e9;
    }
    emit("heat2d", per, steps, cells, u, u0, cells);
    free(u0); free(a); free(b);
}

/* ------------------------------------------------------------------------- */
static const struct { const char *name; void (*fn)(void); } WORKLOADS[] = {
    {"burgers-muscl", bench_muscl},
    {"burgers-weno5", bench_weno},
    {"heat2d", bench_heat},
};
#define NW ((int)(sizeof(WORKLOADS) / sizeof(WORKLOADS[0])))

static int selected(const char *only, const char *name) {
    if (!only) return 1;
    size_t len = strlen(name);
    for (const char *p = only; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == len && strncmp(p, name, len) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) REPS = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--list")) {
            for (int k = 0; k < NW; k++) puts(WORKLOADS[k].name);
            return 0;
        } else {
            fprintf(stderr, "usage: %s [--only NAME,...] [--reps R] [--list]\n", argv[0]);
            return 2;
        }
    }
    if (REPS < 1 || REPS > 64) { fprintf(stderr, "--reps must be in 1..64\n"); return 2; }
    if (only) {
        /* reject unknown names instead of silently running nothing */
        for (const char *p = only; *p;) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            int ok = (l == 0);
            for (int k = 0; k < NW && !ok; k++)
                ok = strlen(WORKLOADS[k].name) == l && !strncmp(p, WORKLOADS[k].name, l);
            if (!ok) { fprintf(stderr, "unknown workload in --only: %.*s\n", (int)l, p); return 2; }
            if (!e) break;
            p = e + 1;
        }
    }
    for (int k = 0; k < NW; k++)
        if (selected(only, WORKLOADS[k].name)) WORKLOADS[k].fn();
    return 0;
}
