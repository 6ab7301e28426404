"""The thread timeline: each thread's on-CPU time per interval, sampled from outside the process.

The parent reads /proc/<tid>/schedstat (its first field is nanoseconds on CPU)
every millisecond. Sampling from inside the process would need the GIL, and so
could not see the GIL being handed over. The kernel brings a running thread's
figure up to date only at a scheduler tick, so each late lump is spread back
over the intervals in which the thread was seen running (see `_credit`). Where
/proc is missing (or GIL_SAMPLER=psutil asks for it), psutil gives per-thread
CPU times every 10 ms, of the cell's own process only and in clock ticks: the
timeline says so (source "psutil", coarse).

Each thread gets a role: "main" (the interpreter's main thread), "worker" (a
thread the cell started), "process" (a child process's main thread) or
"runtime" (the JVM's own threads under Jython: GC, JIT compilers, signal
dispatcher, told apart by the names HotSpot gives them). Three figures are
computed here, once, over the cell's timed region: `overlap`, the share of it
in which two worker or process rows were on CPU at once; `parallelism`, the
mean number of the cell's rows (all but runtime) on CPU; and `runnable`, the
mean number of them on CPU or queued for one (schedstat's second field). A
thread waiting for the GIL sleeps, so `runnable` tells threads that take turns
(about 1) from threads that could all run (about 2) even when other work on
the machine keeps them off the CPU and lowers the other two (psutil: None).
"""
import math
import os
import re

from demos.machine import read_text

STEP_S = 0.001        # the finest interval a timeline keeps: the runner samples every millisecond
MAX_INTERVALS = 600   # a slide draws a timeline ~900 units wide: longer ones get wider intervals
PSUTIL_PERIOD_S = 0.01
OVERLAP_WINDOW_S = 0.01
SAMPLER_ENV = "GIL_SAMPLER"  # "psutil": the fallback, even where /proc has schedstat
# HotSpot's own threads, as /proc/<tid>/comm shows them (15 characters): "GC Thread#0", "C2 CompilerThre"...
# "java" is the launcher's first thread, which only waits; Jython's main thread is "MainThread".
JVM_THREAD = re.compile(r"^(java|VM |GC |G1 |C1 |C2 |Sweeper|Signal Dispatch|Finalizer|Reference Handl|"
                        r"Common-Cleaner|Service Thread|Monitor Deflati|Notification Th|Attach Listener|"
                        r"process reaper|JFR |Cleaner-)")


def measures(t, rows, roles, start=None, end=None, queued=None):
    """{overlap, parallelism, runnable} over [start, end] of a timeline: rows of on-CPU seconds per interval
    ending at t[i]; queued: per row, (interval, seconds waiting for a CPU) pairs, or None where unknown.

    k rows with x seconds on CPU in all in a window of w seconds were on CPU two or more at once for at
    least (x - w) / (k - 1) of it: the overlap counts only that, time that must have been shared, so threads
    taking turns add nothing, and a loaded machine can lower it but never fake it. Windows are 10 ms: the
    kernel books a running thread's time at scheduler ticks, so a 1 ms interval's figure can be off by a
    tick's share, which would look like overlap at every GIL hand-off."""
    start = start if start is not None else 0.0
    end = end if end is not None else (t[-1] if t else 0.0)
    if end <= start:
        return {"overlap": None, "parallelism": None, "runnable": None}
    parallel = [row for row, role in zip(rows, roles) if role in ("worker", "process")]
    own = [row for row, role in zip(rows, roles) if role != "runtime"]
    shares = [0.0] * len(t)  # how much of each interval lies in [start, end]
    together = cpu = window = 0.0
    shared = [0.0] * len(parallel)
    for i, upto in enumerate(t):
        since = t[i - 1] if i else 0.0
        inside = max(0.0, min(upto, end) - max(since, start))
        if upto <= since or inside <= 0:
            continue
        share = shares[i] = inside / (upto - since)
        cpu += share * sum(row[i] for row in own)
        window += inside
        shared = [x + share * row[i] for x, row in zip(shared, parallel)]
        if window >= OVERLAP_WINDOW_S or upto >= end:
            busy = [min(x, window) for x in shared if x > 0]
            if len(busy) >= 2:
                together += max(0.0, (sum(busy) - window) / (len(busy) - 1))
            window, shared = 0.0, [0.0] * len(parallel)
    span = end - start
    runnable = None
    if queued is not None:
        waits = [waits for waits, role in zip(queued, roles) if role != "runtime"]
        runnable = round((cpu + sum(shares[i] * s for row in waits for i, s in row)) / span, 4)
    return {"overlap": round(together / span, 4), "parallelism": round(cpu / span, 4), "runnable": runnable}


def per_cent(t, row, step, n):
    """A thread's on-CPU seconds per sample (row[i], between t[i-1] and t[i]) as its share of each of n fixed
    intervals [k * step, (k + 1) * step), in per cent, a run of k idle intervals as -k: the integers a slide
    draws, a fraction of the size of the samples (`shares` reads them back)."""
    shares, since = [0.0] * n, 0.0
    for upto, cpu in zip(t, row):
        if cpu > 0 and upto > since:
            rate, k = cpu / (upto - since), int(since / step)
            while k < n and k * step < upto:
                shares[k] += rate * (min(upto, (k + 1) * step) - max(since, k * step))
                k += 1
        since = max(since, upto)
    encoded, idle = [], 0
    for value in [min(100, round(100 * share / step)) for share in shares] + [None]:
        if value == 0:
            idle += 1
            continue
        if idle:
            encoded.append(-idle if idle > 1 else 0)
            idle = 0
        encoded.append(value)
    return encoded[:-1]


def shares(on_cpu):
    """A timeline thread's `on_cpu` as its share of each interval, 0 to 1 (as slides/assets/timeline.js reads it)."""
    return [share for value in on_cpu for share in ([0.0] * -value if value < 0 else [value / 100])]


def grid(span, base):
    """(step, n): intervals of a multiple of base covering [0, span], at most MAX_INTERVALS of them."""
    step = round(base * max(1, math.ceil(span / base / MAX_INTERVALS - 1e-9)), 6)
    return step, math.ceil(span / step - 1e-9)


class Sampler:
    def __init__(self, pid, started, tasks=None, jvm=False):
        """jvm: the process is a JVM (Jython), whose runtime threads are told apart by name."""
        self.pid, self.started, self.tasks, self.jvm = pid, started, tasks, jvm
        self.proc = os.path.isdir(f"/proc/{pid}") and os.environ.get(SAMPLER_ENV) != "psutil"
        self.t, self.threads = [], {}  # tid -> {fd, stat_fd, last, first, deltas, pending, name, role, ...}
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

    def _label(self, threads, cell_end=None):
        """Give each thread (sorted: this process's first, by tid) its role and name, from its last name seen.

        A new thread carries its creator's name until the JVM renames it, hence the last name, the first
        "MainThread" only as Jython's main thread, and a JVM's threads born after the cell (shutdown hooks,
        some gone before their new name was read) as its own."""
        jvm_main, workers = None, {}
        for thread in threads:
            tid, tgid, comm = thread["tid"], int(thread["tgid"]), thread["comm"]
            born = self.t[min(thread["first"], len(self.t) - 1)] if self.t else 0.0
            if tgid != self.pid:
                role = "process" if tgid == tid else "worker"
            elif not (self.jvm and self.proc):  # psutil has no thread names: no runtime rows
                role = "main" if tid == self.pid else "worker"
            elif comm == "MainThread" and jvm_main is None:
                role, jvm_main = "main", tid
            elif JVM_THREAD.match(comm) or cell_end is not None and born > cell_end:
                role = "runtime"
            else:
                role = "worker"
            if role == "worker":
                workers[tgid] = workers.get(tgid, 0) + 1
            thread["role"] = role
            thread["name"] = {"main": "main thread", "process": f"process {tid}", "runtime": comm}.get(
                role, f"thread {workers.get(tgid)}" + ("" if tgid == self.pid else f" of {tgid}"))

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
            try:
                stat_fd = os.open(f"/proc/{tid}/stat", os.O_RDONLY)
            except OSError:
                os.close(fd)
                continue
            self.threads[tid] = {"tid": tid, "tgid": tgid, "fd": fd, "stat_fd": stat_fd, "last": 0, "waited": 0,
                                 "first": len(self.t), "deltas": [], "pending": [], "queued": [],
                                 "comm": read_text(f"/proc/{tid}/comm").strip()}

    def _cpu_ns(self):
        """tid -> (ns on CPU, whether it is running or runnable now, ns queued for a CPU; None when unknown)."""
        if not self.proc:
            return {t.id: (int((t.user_time + t.system_time) * 1e9), None, None) for t in self.process.threads()}
        values = {}
        for tid, thread in self.threads.items():
            if thread["fd"] is None:
                continue
            try:
                on_cpu, waited = os.pread(thread["fd"], 64, 0).split()[:2]
                head, tail = os.pread(thread["stat_fd"], 512, 0).rsplit(b")", 1)  # "tid (comm) state ..."
                thread["comm"] = head.split(b"(", 1)[1].decode("utf-8", "replace")
                values[tid] = (int(on_cpu), tail.split()[0] == b"R", int(waited))
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
        if not self.proc and self.t and now - self.started - self.t[-1] < PSUTIL_PERIOD_S:
            return
        try:
            values = self._cpu_ns()
        except Exception:  # psutil: the process is gone
            return
        self.t.append(round(now - self.started, 5))
        for tid, (ns, running, waited) in values.items():
            if tid not in self.threads:  # psutil mode discovers threads here; it has no names to tell a JVM's apart
                self.threads[tid] = {"tid": tid, "tgid": str(self.pid), "fd": None, "stat_fd": None, "last": 0,
                                     "waited": 0, "first": len(self.t) - 1, "deltas": [], "pending": [],
                                     "queued": [], "comm": ""}
            thread = self.threads[tid]
            self._credit(thread, (ns - thread["last"]) / 1e9, running)
            thread["last"] = ns
            if waited is not None and waited > thread["waited"]:  # booked when the wait ends: precise enough
                thread["queued"].append((len(self.t) - 1, (waited - thread["waited"]) / 1e9))
                thread["waited"] = waited
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
        """The run's timeline: each thread's share of every interval (step_s long) on CPU in per cent, the
        runtime's threads without them (a slide does not draw those), and the figures over the timed region."""
        n = len(self.t)
        step, intervals = grid(self.t[-1] if self.t else 0.0, STEP_S if self.proc else PSUTIL_PERIOD_S)
        threads, rows = [], []
        ordered = sorted(self.threads.values(), key=lambda th: (th["tgid"] != str(self.pid), th["tid"]))
        self._label(ordered, cell_end)
        for thread in ordered:
            full = [0.0] * thread["first"] + thread["deltas"]
            full += [0.0] * (n - len(full))
            rows.append(full)
            threads.append({"tid": thread["tid"], "pid": int(thread["tgid"]), "name": thread["name"],
                            "role": thread["role"], "cpu_s": round(sum(full), 6),
                            "on_cpu": None if thread["role"] == "runtime" else per_cent(self.t, full, step, intervals)})
        # measured on the samples as taken: merged intervals would make turns look like overlap
        figures = measures(self.t, rows, [th["role"] for th in threads], cell_start, cell_end,
                           [th["queued"] for th in ordered] if self.proc else None)
        return {"source": "schedstat" if self.proc else "psutil", "coarse": not self.proc,
                "step_s": step, "intervals": intervals, "cell_start_s": cell_start, "cell_end_s": cell_end,
                "threads": threads, **figures}


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
