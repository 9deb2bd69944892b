"""How fast is the book's NumPy attention next to PyTorch's fused kernel?

Times ``snippets.attention.softmax_attention`` against
``torch.nn.functional.scaled_dot_product_attention`` on the same float32
inputs: batch 8, width 64, sequence length 8 (the size of the book's
examples), 64, 256 and 1024. Each size is warmed up first; then the two take
turns, in blocks, so that both see the same machine load, and the median
time per call is reported.

The NumPy function is written to be read, as the formula
``softmax(Q K^T / sqrt(d)) V``, not to be fast; this script reports what
that costs and sets no target. Timings depend on the machine. It changes no
thread settings; it reports the ones in force (BLAS library, its threads,
the OpenBLAS variables of the environment, torch's threads).

    python benchmarks/attention_speed.py [--rounds 6] [--calls 10]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from snippets.attention import softmax_attention

BATCH, WIDTH, LENGTHS = 8, 64, (8, 64, 256, 1024)
ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def blas_report() -> list[str]:
    """What NumPy's BLAS is and how many threads it uses, without changing anything."""
    lines = []
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            lines.append(
                f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('architecture')}): "
                f"{pool.get('num_threads')} threads [{Path(pool.get('filepath', '')).name}]"
            )
    except ImportError:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        lines.append(f"{blas['name']} {blas['version']} (threadpoolctl not installed; asked OpenBLAS directly)")
        libs = sorted(Path(np.__file__).parent.parent.joinpath("numpy.libs").glob("libscipy_openblas*"))
        if libs:
            lib = ctypes.CDLL(str(libs[0]))
            for suffix in ("64_", ""):
                threads = getattr(lib, f"scipy_openblas_get_num_threads{suffix}", None)
                core = getattr(lib, f"scipy_openblas_get_corename{suffix}", None)
                if threads and core:
                    core.restype = ctypes.c_char_p
                    lines.append(f"OpenBLAS threads {threads()}, core {core().decode()}")
                    break
    lines.append("environment: " + ", ".join(f"{v}={os.environ.get(v, '(unset)')}" for v in ENV_VARS))
    lines.append(
        f"torch {torch.__version__}: {torch.get_num_threads()} threads; numpy {np.__version__}; {os.cpu_count()} CPUs"
    )
    return lines


def median_times(length: int, rounds: int, calls: int, seed: int = 0) -> tuple[float, float]:
    """Median seconds per call of (numpy attention, torch SDPA) on one random float32 input.

    The two take turns in blocks of ``calls`` calls, not call by call: both
    use every core, and a pool of threads still spinning after one library's
    call would otherwise slow the other one's next call.
    """
    rng = np.random.default_rng(seed)
    q, k, v = (rng.standard_normal((BATCH, length, WIDTH)).astype(np.float32) for _ in range(3))
    tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
    ours = lambda: softmax_attention(k, v, q)  # noqa: E731
    theirs = lambda: F.scaled_dot_product_attention(tq, tk, tv)  # noqa: E731
    np.testing.assert_allclose(ours(), theirs().numpy(), atol=1e-5)
    times: dict = {ours: [], theirs: []}
    with torch.inference_mode():
        for f in times:  # warm-up: caches, thread pools, allocator
            for _ in range(3):
                f()
        for r in range(rounds):
            for f in (ours, theirs) if r % 2 == 0 else (theirs, ours):
                for _ in range(calls):
                    start = time.perf_counter()
                    f()
                    times[f].append(time.perf_counter() - start)
    return float(np.median(times[ours])), float(np.median(times[theirs]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="rounds, each timing both (default 6)")
    parser.add_argument("--calls", type=int, default=10, help="timed calls of each per round (default 10)")
    args = parser.parse_args()
    print("\n".join(blas_report()))
    print(f"\nbatch {BATCH}, width {WIDTH}, float32, median of {args.rounds} x {args.calls} calls each\n")
    print(f"| {'length':>6} | {'numpy (ms)':>10} | {'torch SDPA (ms)':>15} | {'ratio':>5} |")
    print(f"|{'-' * 7}:|{'-' * 11}:|{'-' * 16}:|{'-' * 6}:|")
    for length in LENGTHS:
        ours, theirs = median_times(length, args.rounds, args.calls)
        print(f"| {length:>6} | {ours * 1e3:>10.3f} | {theirs * 1e3:>15.3f} | {ours / theirs:>5.2f} |")


if __name__ == "__main__":
    main()
