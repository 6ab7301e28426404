"""The compiled extension: what holds the GIL, what releases it, and the race it prevents."""
import gc
import importlib.util
import os
import resource
import signal
import sys
import threading
import time

import pytest

import native


def runnable_s(tid):
    """Seconds thread tid has been runnable: on a CPU, or queued for one (schedstat's first two fields)."""
    with open(f"/proc/self/task/{tid}/schedstat") as f:
        return sum(int(ns) for ns in f.read().split()[:2]) / 1e9


def runnable_threads(target, n, threads=2):
    """How many of `threads` threads running target(n) wanted a CPU at once, on average.

    Each thread reads every thread's schedstat around its own call; the call that ends first
    gives the window. A thread blocked on the GIL is asleep and adds nothing; a thread computing
    is on a CPU or, on a busy shared machine, queued for one. So threads that really compute at
    once give about `threads` whatever else the machine runs (process CPU over wall time drops
    when it is busy), and threads taking turns under the GIL at most 1 (less when the window also
    covers a wait for the GIL, e.g. when a read of schedstat hands the GIL over)."""
    barrier = threading.Barrier(threads)
    tids, calls = [], []

    def work():
        tids.append(threading.get_native_id())
        barrier.wait()
        start, before = time.perf_counter(), [runnable_s(tid) for tid in tids]
        target(n)
        after, end = [runnable_s(tid) for tid in tids], time.perf_counter()
        calls.append((end, end - start, sum(after) - sum(before)))
        barrier.wait()  # no thread ends, taking its schedstat along, before all have read theirs

    workers = [threading.Thread(target=work) for _ in range(threads)]
    # A thread waiting for the GIL wakes every switch interval to ask for it, and on a busy machine
    # queues for a CPU each time; a long interval keeps it asleep until the GIL is handed over.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(10)
    try:
        for t in workers:
            t.start()
        for t in workers:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    _, span, runnable = min(calls)
    return runnable / span


needs_schedstat = pytest.mark.skipif(not os.path.exists("/proc/self/task"),
                                     reason="needs Linux's per-thread schedstat")


# 2e9 iterations per thread: about half a second each, long enough to dwarf the GIL hand-offs around the calls.
@needs_schedstat
def test_countdown_nogil_runs_two_threads_at_once():
    assert runnable_threads(native.countdown_nogil, 2 * 10**9) > 1.5


@needs_schedstat
def test_countdown_holding_the_gil_runs_one_thread_at_a_time():
    assert runnable_threads(native.countdown, 2 * 10**9) < 1.3


def test_the_race_loses_updates_without_atomics():
    # Lost increments and lost decrements can cancel out, and on a busy machine the two threads may
    # barely overlap, so one run may end at 0 by luck: try until one does not.
    results = []
    while len(results) < 30 and not any(results):
        results.append(native.refcount_race(2, 10**7))
    assert any(results), results


@pytest.mark.parametrize("threads", [2, 4])
def test_atomic_increments_never_lose_updates(threads):
    assert [native.refcount_race(threads, 10**6, atomic=True) for _ in range(5)] == [0] * 5


def test_a_single_thread_cannot_race():
    assert native.refcount_race(1, 10**6) == 0


def other_thread_progress(sleep_call):
    """How far a pure-Python counting thread gets while the main thread makes sleep_call()."""
    progress, stop = [0], threading.Event()

    def count():
        while not stop.is_set():
            progress[0] += 1

    worker = threading.Thread(target=count)
    worker.start()
    time.sleep(0.05)
    before = progress[0]
    sleep_call()
    during = progress[0] - before
    stop.set()
    worker.join()
    return during


# Held, the other thread only gets the switch intervals around the call, not the 0.3 s inside it.
def test_sleep_releasing_the_gil_lets_other_threads_run():
    held = other_thread_progress(lambda: native.sleep(0.3, release_gil=False))
    released = other_thread_progress(lambda: native.sleep(0.3))
    assert held * 10 < released, (held, released)


def test_countdown_nogil_lets_other_threads_run_and_countdown_does_not():
    held = other_thread_progress(lambda: native.countdown(10**9))
    released = other_thread_progress(lambda: native.countdown_nogil(10**9))
    assert held * 10 < released, (held, released)


@pytest.fixture
def alarm():
    """alarm(handler): SIGALRM runs handler 50 ms from now; the old handler comes back afterwards."""
    old = signal.getsignal(signal.SIGALRM)

    def arm(handler):
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, 0.05)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("release_gil", [True, False], ids=["released", "held"])
def test_sleep_runs_signal_handlers_and_sleeps_the_rest(alarm, release_gil):
    handled = []
    alarm(lambda *_: handled.append(time.monotonic()))
    start = time.monotonic()
    native.sleep(0.2, release_gil=release_gil)
    end = time.monotonic()
    assert len(handled) == 1 and start < handled[0] < end
    assert end - start >= 0.2  # the interrupted nanosleep was resumed for the time left


@pytest.mark.parametrize("release_gil", [True, False], ids=["released", "held"])
def test_an_exception_from_a_signal_handler_ends_the_sleep(alarm, release_gil):
    def interrupt(*_):
        raise KeyboardInterrupt

    alarm(interrupt)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        native.sleep(60, release_gil=release_gil)
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("call, error, message", [
    (lambda: native.countdown(-1), ValueError, "n must be >= 0"),
    (lambda: native.countdown(-2**64), ValueError, "n must be >= 0"),
    (lambda: native.countdown("10"), TypeError, "n must be an int, not str"),
    (lambda: native.countdown_nogil(1.5), TypeError, "n must be an int, not float"),
    (lambda: native.countdown_nogil(2**63), OverflowError, "n must be at most 2**63-1"),
    (lambda: native.countdown_nogil(), TypeError, "exactly one argument"),
    (lambda: native.refcount_race(0, 10), ValueError, "threads must be between 1 and 64, not 0"),
    (lambda: native.refcount_race(10**6, 10), ValueError, "threads must be between 1 and 64"),
    (lambda: native.refcount_race(2, -1), ValueError, "iterations must be between 0 and"),
    (lambda: native.refcount_race(2, 10**12), ValueError, "iterations must be between 0 and"),
    (lambda: native.refcount_race(2, "many"), TypeError, "cannot be interpreted as an integer"),
    (lambda: native.refcount_race(2), TypeError, "iterations"),
    (lambda: native.sleep(-1), ValueError, "seconds must be between 0 and 86400"),
    (lambda: native.sleep(float("nan")), ValueError, "seconds must be between 0 and 86400"),
    (lambda: native.sleep(float("inf")), ValueError, "seconds must be between 0 and 86400"),
    (lambda: native.sleep("1"), TypeError, "must be real number"),
], ids=["negative", "very-negative", "str", "float", "too-big", "missing", "no-threads",
        "absurd-threads", "negative-iterations", "absurd-iterations", "str-iterations",
        "missing-iterations", "negative-sleep", "nan-sleep", "inf-sleep", "str-sleep"])
def test_bad_arguments_are_refused_with_a_clear_error(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_every_function_documents_its_signature():
    for f in (native.countdown, native.countdown_nogil, native.refcount_race, native.sleep):
        assert f.__text_signature__ and f.__doc__.strip(), f


def test_the_module_loads_twice_as_independent_module_objects():
    spec = importlib.util.spec_from_file_location("native._native", native._native.__file__)
    second = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(second)
    assert second is not native._native
    second.countdown(1000)
    assert second.refcount_race(2, 1000, atomic=True) == 0


def test_calls_do_not_leak():
    def churn():
        for _ in range(100_000):
            native.countdown(1)
            native.countdown_nogil(1)
        for _ in range(2000):
            native.refcount_race(2, 10, atomic=True)
            native.sleep(0, release_gil=False)
            for bad in (native.countdown, native.countdown_nogil, native.sleep):
                with pytest.raises(ValueError):
                    bad(-1)
            with pytest.raises(ValueError):
                native.refcount_race(0, 1)

    def measure():
        gc.collect()
        refs = sys.gettotalrefcount() if hasattr(sys, "gettotalrefcount") else 0  # debug builds only
        return refs, len(gc.get_objects()), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    churn()  # warm up allocator caches
    refs, objects, rss = measure()
    churn()
    refs_after, objects_after, rss_after = measure()
    assert refs_after - refs < 100
    assert objects_after - objects < 50
    assert rss_after - rss < 2048  # KiB
