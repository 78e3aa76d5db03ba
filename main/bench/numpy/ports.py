#!/usr/bin/env python3
"""NumPy ports of ToMe and DivPrune, the bench's per-core references for the `tome` and `divprune`
methods (main/bench/numpy.ts runs them beside the methods on the same tokens).

usage: ports.py {tome,divprune} TOKENS.npy --keep K [--repeat R]
TOKENS.npy: float32 [T, N, D]. Prints one JSON line: the method, frames, CPU seconds per pass
(time.process_time, one BLAS thread), the median CPU milliseconds per frame, NumPy's version and
the BLAS library the process loaded (read from /proc/self/maps), and each frame's result (ToMe:
labels [N], each patch's final token; DivPrune: the chosen patches in selection order) for the
cross-check against the method.

Both follow the methods' reference code and the project's documented choices:
- ToMe (facebookresearch/ToMe merge.py bipartite_soft_matching + merge_wavg), on the tokens
  themselves: per round r = min(t - keep, t // 2); A = even, B = odd positions; cosine scores;
  each A's best B (first on ties); A ranked by score, a stable descending sort (lower index first
  on ties); the r best merge into their partners by size-weighted mean; the sequence becomes
  [unmerged A in rank order, B].
- DivPrune (the official greedy max-min): distance 1 - cosine; the first pick maximises the
  second-smallest distance of its column (its nearest other token); then each pick maximises the
  minimum distance to the chosen set (first on ties); chosen tokens are not picked again.
Float32 throughout, as torch runs them.
"""
import json
import os
import sys

# One BLAS thread (one core), set before NumPy loads its BLAS.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import time  # noqa: E402

import numpy as np  # noqa: E402


def unit(x):
    norm = np.sqrt(np.einsum("nd,nd->n", x, x))[:, None]
    return x / np.where(norm > 0, norm, 1)


def tome(x, keep):
    """x [N, D] → labels [N]: the final token (0..keep-1, in sequence order) of every patch."""
    n = x.shape[0]
    size = np.ones((n, 1), dtype=np.float32)
    where = np.arange(n)  # each patch's token, as a position in the current sequence
    t = n
    while t > max(1, keep):
        r = min(t - keep, t // 2)
        m = unit(x)
        scores = m[::2] @ m[1::2].T
        partner = scores.argmax(axis=1)
        best = scores[np.arange(scores.shape[0]), partner]
        rank = np.argsort(-best, kind="stable")
        stay, merge = rank[r:], rank[:r]
        weighted = x * size
        a_sum, b_sum = weighted[::2], weighted[1::2].copy()
        a_size, b_size = size[::2], size[1::2].copy()
        # the merged rows summed into their partners, grouped by partner (np.add.reduceat is several
        # times faster than np.add.at on rows)
        by_partner = merge[np.argsort(partner[merge], kind="stable")]
        dst = partner[by_partner]
        heads = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
        b_sum[dst[heads]] += np.add.reduceat(a_sum[by_partner], heads, axis=0)
        b_size[dst[heads]] += np.add.reduceat(a_size[by_partner], heads, axis=0)
        size = np.concatenate([a_size[stay], b_size])
        x = np.concatenate([a_sum[stay], b_sum]) / size
        moved = np.empty(t, dtype=np.int64)
        moved[2 * stay] = np.arange(len(stay))
        moved[1::2] = len(stay) + np.arange(t // 2)
        moved[2 * merge] = len(stay) + partner[merge]
        where = moved[where]
        t = x.shape[0]
    return where


def divprune(x, keep):
    """x [N, D] → the first `keep` picks, in selection order."""
    n = x.shape[0]
    m = unit(x)
    dist = 1 - m @ m.T
    picks = np.empty(keep, dtype=np.int64)
    if n < 2:
        picks[:] = 0
        return picks
    score = np.partition(dist, 1, axis=0)[1]
    for i in range(keep):
        c = int(np.argmax(score))
        picks[i] = c
        score = dist[c].copy() if i == 0 else np.minimum(score, dist[c])
        score[picks[: i + 1]] = -np.inf
    return picks


def blas():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line}
    return sorted(os.path.basename(p) for p in libs) or ["none found"]


def main():
    method, path = sys.argv[1], sys.argv[2]
    keep = int(sys.argv[sys.argv.index("--keep") + 1])
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    run = {"tome": tome, "divprune": divprune}[method]
    frames = np.array(np.load(path), dtype=np.float32, order="C")
    # glibc serves large blocks with mmap (a page fault per use) until one has been freed; free one
    # now, so the timed passes run in the allocator's steady state, as any long-running process does.
    np.ones(1 << 21, dtype=np.float32)
    for f in frames[:4]:
        run(f, keep)
    passes = []
    results = None
    for _ in range(repeat):
        c0 = time.process_time()
        results = [run(f, keep) for f in frames]
        passes.append(time.process_time() - c0)
    ms = 1000 * sorted(passes)[len(passes) // 2] / len(frames)
    print(json.dumps({
        "method": method,
        "frames": len(frames),
        "passCpuSeconds": passes,
        "cpuMsPerFrame": ms,
        "numpy": np.__version__,
        "blas": blas(),
        "results": [r.tolist() for r in results],
    }))


if __name__ == "__main__":
    main()
