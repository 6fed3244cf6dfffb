"""What the reference scripts share: the process settings and the choice of workloads.

The process settings (docs/performance.md, section Threads and malloc) must be made before numpy or
torch is imported: glibc reads its malloc variables at process start and OpenMP/OpenBLAS read their
thread counts when they load.
"""
import os
import sys

# glibc malloc: keep freed memory in the heap instead of returning it to the kernel and
# faulting it back in on the next temporary (on this VM that page-fault churn cost numpy
# up to 7x and torch's vmap 2-3x). The variables are read at process start, so re-exec.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "268435456",
              "MALLOC_TOP_PAD_": "67108864"}


def prepare_process(args):
    """Re-executes with the tuned malloc (unless --default-malloc) and pins the BLAS/OpenMP threads."""
    if not args.default_malloc and any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):
        os.environ.update(MALLOC_ENV)
        os.execv(sys.executable, [sys.executable] + sys.argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)


def selected_workloads(args, workloads):
    """The workload names --only asks for (all by default); None after printing --list or an error."""
    if args.list:
        print("\n".join(workloads))
        return None
    names = [n for n in args.only.split(",") if n] or list(workloads)
    unknown = [n for n in names if n not in workloads]
    if unknown:
        print("unknown workload(s): %s; known: %s" % (",".join(unknown), ",".join(workloads)), file=sys.stderr)
        return None
    return names
