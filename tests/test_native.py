"""The compiled extension: what holds the GIL, what releases it, and the race it prevents."""
import gc
import importlib.util
import resource
import threading
import time

import pytest

import native


def cpu_per_wall(target, n, threads=2):
    """Process CPU seconds over wall seconds while `threads` threads run target(n)."""
    workers = [threading.Thread(target=target, args=(n,)) for _ in range(threads)]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return (time.process_time() - cpu0) / (time.perf_counter() - wall0)


def test_countdown_nogil_runs_two_threads_on_two_cores_at_once():
    assert cpu_per_wall(native.countdown_nogil, 2 * 10**9) > 1.5


def test_countdown_holding_the_gil_runs_one_thread_at_a_time():
    assert cpu_per_wall(native.countdown, 2 * 10**9) < 1.3


def test_the_race_loses_updates_without_atomics():
    results = [native.refcount_race(2, 10**6) for _ in range(10)]
    assert any(r != 0 for r in results), results


def test_atomic_increments_never_lose_updates():
    assert [native.refcount_race(4, 10**6, atomic=True) for _ in range(5)] == [0] * 5


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


def test_sleep_releasing_the_gil_lets_other_threads_run():
    held = other_thread_progress(lambda: native.sleep(0.3, release_gil=False))
    released = other_thread_progress(lambda: native.sleep(0.3))
    # Held, the other thread only gets the switch intervals around the call, not the 0.3 s inside it.
    assert held * 10 < released, (held, released)


@pytest.mark.parametrize("call, error", [
    (lambda: native.countdown(-1), ValueError),
    (lambda: native.countdown("10"), TypeError),
    (lambda: native.countdown_nogil(1.5), TypeError),
    (lambda: native.countdown_nogil(2**64), OverflowError),
    (lambda: native.refcount_race(0, 10), ValueError),
    (lambda: native.refcount_race(10**6, 10), ValueError),
    (lambda: native.refcount_race(2, -1), ValueError),
    (lambda: native.refcount_race(2, "many"), TypeError),
    (lambda: native.sleep(-1), ValueError),
    (lambda: native.sleep(float("nan")), ValueError),
    (lambda: native.sleep("1"), TypeError),
], ids=["negative", "str", "float", "huge", "no-threads", "absurd-threads", "negative-iterations",
        "str-iterations", "negative-sleep", "nan-sleep", "str-sleep"])
def test_bad_arguments_are_refused_with_a_clear_error(call, error):
    with pytest.raises(error) as info:
        call()
    assert str(info.value)


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
            try:
                native.countdown(-1)
            except ValueError:
                pass

    churn()  # warm up allocator caches
    gc.collect()
    objects, rss = len(gc.get_objects()), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    churn()
    gc.collect()
    assert len(gc.get_objects()) - objects < 50
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 2048  # KiB
