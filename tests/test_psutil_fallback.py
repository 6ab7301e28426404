"""Without /proc schedstat (macOS, a locked-down /proc) the timeline comes from psutil: coarser, and it says so.

GIL_SAMPLER=psutil forces that path here, where schedstat is there to compare with."""
from demos import manifest
from demos.sampler import PSUTIL_PERIOD_S
from tests.test_demos_runner import measure, only_run

COUNTDOWN = manifest.cells_by_id(manifest.load())["countdown-threads"]


def timeline():
    run = only_run(measure(COUNTDOWN, repeat=1, params={"TOTAL_WORK": 20_000_000}))
    assert run["status"] == "ok"
    return run["timeline"]


def test_the_psutil_fallback_still_shows_each_thread_coarser_and_says_so(monkeypatch):
    fine = timeline()
    monkeypatch.setenv("GIL_SAMPLER", "psutil")
    coarse = timeline()
    assert (fine["source"], fine["coarse"]) == ("schedstat", False)
    assert (coarse["source"], coarse["coarse"]) == ("psutil", True)
    roles = [t["role"] for t in coarse["threads"]]
    assert roles.count("main") == 1 and roles.count("worker") == 2
    assert all(t["cpu_s"] > 0 and max(t["on_cpu"]) > 0 for t in coarse["threads"] if t["role"] == "worker")
    assert coarse["step_s"] >= PSUTIL_PERIOD_S > fine["step_s"]  # intervals no finer than the samples
    assert coarse["parallelism"] > 0 and coarse["overlap"] is not None
