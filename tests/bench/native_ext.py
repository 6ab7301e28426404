"""The C extension on its own: countdown speed, two threads holding vs releasing the GIL, the refcount race."""
import statistics
import threading
import time

import native
from tests.test_native import runnable_threads

ROUNDS = 5
N = 2 * 10**9


def spread(values):
    return f"median {statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"


def seconds(call, *args):
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def cpu_per_wall(target, n):
    workers = [threading.Thread(target=target, args=(n,)) for _ in range(2)]
    cpu, wall = time.process_time(), time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def main():
    for f in (native.countdown, native.countdown_nogil):
        print(f"  {f.__name__}({N:.0e}) seconds: {spread([seconds(f, N) for _ in range(ROUNDS)])}")
    kinds = (native.countdown_nogil, native.countdown)
    ratios, runnable = {f: [] for f in kinds}, {f: [] for f in kinds}
    for _ in range(ROUNDS):  # interleaved, so drift on a shared machine hits both sides alike
        for f in kinds:  # two threads, N/2 each
            ratios[f].append(cpu_per_wall(f, N // 2))
            runnable[f].append(runnable_threads(f, N // 2))
    for f in kinds:
        print(f"  two threads of {f.__name__}: CPU/wall {spread(ratios[f])}; runnable threads {spread(runnable[f])}")
    for atomic in (False, True):
        finals = [native.refcount_race(2, 10**7, atomic=atomic) for _ in range(10)]
        print(f"  refcount_race(2, 1e7, atomic={atomic}) x10: {finals}")
