"""Without /proc schedstat (macOS, a locked-down /proc) the timeline comes from psutil: coarser, and it says so.

GIL_SAMPLER=psutil forces that path here, where schedstat is there to compare with."""
import statistics

from demos import manifest
from demos.sampler import PSUTIL_PERIOD_S
from tests.test_demos_runner import measure, only_run

COUNTDOWN = manifest.cells_by_id(manifest.load())["countdown-threads"]


def timeline():
    run = only_run(measure(COUNTDOWN, repeat=1, params={"TOTAL_WORK": 20_000_000}))
    assert run["status"] == "ok"
    return run["timeline"]


def step(timeline):
    return statistics.median(b - a for a, b in zip(timeline["t"], timeline["t"][1:]))


def test_the_psutil_fallback_still_shows_each_thread_coarser_and_says_so(monkeypatch):
    fine = timeline()
    monkeypatch.setenv("GIL_SAMPLER", "psutil")
    coarse = timeline()
    assert (fine["source"], fine["coarse"]) == ("schedstat", False)
    assert (coarse["source"], coarse["coarse"]) == ("psutil", True)
    roles = [t["role"] for t in coarse["threads"]]
    assert roles.count("main") == 1 and roles.count("worker") == 2
    assert all(t["cpu_s"] > 0 and any(t["on_cpu"]) for t in coarse["threads"] if t["role"] == "worker")
    assert step(coarse) >= 0.9 * PSUTIL_PERIOD_S > step(fine)
    assert coarse["parallelism"] > 0 and coarse["overlap"] is not None
