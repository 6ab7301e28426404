"""The thread timeline: each thread's on-CPU time per interval, sampled from outside the process.

The parent reads /proc/<tid>/schedstat (its first field is nanoseconds on CPU)
every millisecond. Sampling from inside the process would need the GIL, and so
could not see the GIL being handed over. The kernel brings a running thread's
figure up to date only at a scheduler tick, so each late lump is spread back
over the intervals in which the thread was seen running (see `_credit`). Where
/proc is missing, psutil gives per-thread CPU times at a coarser rate, and the
timeline says so.
"""
import math
import os

from demos.machine import read_text

MAX_INTERVALS = 2000  # longer timelines are merged into wider intervals to stay small


class Sampler:
    def __init__(self, pid, started, tasks=None):
        self.pid, self.started, self.tasks = pid, started, tasks
        self.proc = os.path.isdir(f"/proc/{pid}")
        self.t, self.threads = [], {}  # tid -> {fd, stat_fd, last, first, deltas, pending, name, ...}
        if not self.proc:
            import psutil
            self.process = psutil.Process(pid)

    def _tids(self):
        if self.tasks:
            tids = self.tasks()
            if tids is not None:
                return tids
        try:
            return [int(tid) for tid in os.listdir(f"/proc/{self.pid}/task")]
        except OSError:
            return []

    def _name(self, tid, tgid):
        if int(tgid) == tid:
            return "main thread" if tid == self.pid else f"process {tid}"
        workers = sum(1 for t in self.threads.values() if t["tgid"] == tgid and t["tid"] != int(tgid))
        return f"thread {workers + 1}" + ("" if int(tgid) == self.pid else f" of {tgid}")

    def discover(self):
        if not self.proc:
            return
        for tid in self._tids():
            if tid in self.threads:
                continue
            try:
                fd = os.open(f"/proc/{tid}/schedstat", os.O_RDONLY)
            except OSError:
                continue
            tgid = next((line.split()[1] for line in read_text(f"/proc/{tid}/status").splitlines()
                         if line.startswith("Tgid:")), str(tid))
            name = self._name(tid, tgid)
            try:
                stat_fd = os.open(f"/proc/{tid}/stat", os.O_RDONLY)
            except OSError:
                os.close(fd)
                continue
            self.threads[tid] = {"tid": tid, "tgid": tgid, "fd": fd, "stat_fd": stat_fd, "last": 0,
                                 "first": len(self.t), "deltas": [], "pending": [], "name": name}

    def _cpu_ns(self):
        """tid -> (ns on CPU, whether it is running or runnable now; None when unknown)."""
        if not self.proc:
            return {t.id: (int((t.user_time + t.system_time) * 1e9), None) for t in self.process.threads()}
        values = {}
        for tid, thread in self.threads.items():
            if thread["fd"] is None:
                continue
            try:
                ns = int(os.pread(thread["fd"], 64, 0).split()[0])
                state = os.pread(thread["stat_fd"], 512, 0).rsplit(b")", 1)[1].split()[0]
                values[tid] = (ns, state == b"R")
            except (OSError, IndexError, ValueError):  # the thread has ended: its last value stands
                self._close(thread)
        return values

    def _credit(self, thread, seconds, running):
        """Book CPU time to the intervals it was used in.

        The kernel adds a running thread's time to schedstat only at a scheduler tick (every 4 ms
        at HZ=250) or when it stops, so a late lump is spread back over the intervals since the
        last one in which the thread was seen running."""
        index = len(self.t) - 1
        if seconds <= 0:
            thread["deltas"].append(0.0)
            thread["pending"] = thread["pending"] + [index] if running else []
            return
        spans = thread["pending"] + [index]
        lengths = [max(self.t[i] - (self.t[i - 1] if i else 0.0), 1e-6) for i in spans]
        thread["deltas"].append(0.0)
        for i, length in zip(spans, lengths):
            thread["deltas"][i - thread["first"]] += seconds * length / sum(lengths)
        thread["pending"] = []

    def sample(self, now):
        try:
            values = self._cpu_ns()
        except Exception:  # psutil: the process is gone
            return
        self.t.append(round(now - self.started, 5))
        for tid, (ns, running) in values.items():
            if tid not in self.threads:  # psutil mode discovers threads here
                self.threads[tid] = {"tid": tid, "tgid": str(self.pid), "fd": None, "stat_fd": None, "last": 0,
                                     "first": len(self.t) - 1, "deltas": [], "pending": [],
                                     "name": "main thread" if tid == self.pid else f"thread {len(self.threads)}"}
            thread = self.threads[tid]
            self._credit(thread, (ns - thread["last"]) / 1e9, running)
            thread["last"] = ns
        for thread in self.threads.values():  # ended threads: nothing more on CPU
            while thread["first"] + len(thread["deltas"]) < len(self.t):
                thread["deltas"].append(0.0)

    @staticmethod
    def _close(thread):
        for key in ("fd", "stat_fd"):
            if thread[key] is not None:
                os.close(thread[key])
                thread[key] = None

    def close(self):
        for thread in self.threads.values():
            self._close(thread)

    def timeline(self, cell_start=None, cell_end=None):
        n = len(self.t)
        step = max(1, math.ceil(n / MAX_INTERVALS))
        t = [self.t[min(i + step, n) - 1] for i in range(0, n, step)]
        threads = []
        for thread in sorted(self.threads.values(), key=lambda th: (th["tgid"] != str(self.pid), th["tid"])):
            full = [0.0] * thread["first"] + thread["deltas"]
            full += [0.0] * (n - len(full))
            merged = [round(sum(full[i:i + step]), 6) for i in range(0, n, step)]
            threads.append({"tid": thread["tid"], "pid": int(thread["tgid"]), "name": thread["name"],
                            "cpu_s": round(sum(full), 6), "on_cpu": merged})
        return {"source": "schedstat" if self.proc else "psutil", "coarse": not self.proc,
                "t": t, "cell_start_s": cell_start, "cell_end_s": cell_end, "threads": threads}


def yield_to_cell():
    """Make the calling thread, the one that samples, SCHED_BATCH until the returned function is called.

    A thread that wakes every millisecond preempts whatever runs on the core it wakes on. On a busy
    two-core host that is often the cell: a single-threaded countdown then took ~220 involuntary
    switches and ~5% longer per run, while the threaded one hardly changed, which made threads look
    faster than one thread. A batch thread still gets its fair share of CPU but does not preempt on
    waking. Called after the cell is started, so the cell does not inherit it. Linux only."""
    if not hasattr(os, "SCHED_BATCH"):
        return lambda: None
    before = os.sched_getscheduler(0), os.sched_getparam(0)
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except OSError:
        return lambda: None

    def restore():
        try:
            os.sched_setscheduler(0, *before)
        except OSError:
            pass
    return restore
