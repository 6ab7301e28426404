"""Keeping a run in bounds: its own process group, an address-space limit, and a pids cgroup.

We run as root, and root ignores RLIMIT_NPROC, so the process-count limit is a
cgroup (v1 `pids`) when one is writable here;
without one, only the process group and the timeout contain a fork bomb, and
the result says so (`containment`).

The limits fit the implementation (`limits()`): a cell gets its memory= and
the runner's process count whatever it runs on, plus what the runtime itself
needs. The JVM under Jython reserves address space up front (code cache, class
space, a malloc arena per thread) and starts threads of its own (GC, JIT
compilers, signal dispatcher); its heap is the cell's memory=. PyPy's JIT maps
its code beside the GC's heap.
"""
import collections
import fcntl
import os
import resource
import signal
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from demos.machine import read_text

CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")

# Measured with OpenJDK 17: Jython needs ~770 MiB of address space beside its heap to start and run a
# countdown; 21 threads of the JVM's own with these flags (which keep their number the same on any machine).
JVM_ADDRESS_MB = 1536
JVM_THREADS = 32
JVM_FLAGS = ("-Xmx{memory}m -XX:CompressedClassSpaceSize=128m -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1 "
             "-XX:CICompilerCount=2 -XX:-UsePerfData -Dpython.console.encoding=UTF-8")  # else Jython runs `locale`
PYPY_ADDRESS_MB = 256  # the JIT's code and the nursery; PyPy fails to start in 256 MiB in all

Limits = collections.namedtuple("Limits", "address_mb max_pids env banner")
Limits.__doc__ = """address space (MiB), processes + threads, environment for the runtime, and the line the
runtime prints on stderr about that environment (not the cell's output: the runner drops it)."""


def limits(implementation, memory_mb, max_processes):
    """What a run on this implementation may use: the cell's share plus its runtime's own."""
    if implementation == "Jython":
        flags = JVM_FLAGS.format(memory=memory_mb)
        # Debian's jython script takes no JVM options; the JVM reads this variable, and says so on stderr
        return Limits(memory_mb + JVM_ADDRESS_MB, max_processes + JVM_THREADS,
                      {"JAVA_TOOL_OPTIONS": flags, "MALLOC_ARENA_MAX": "2"},
                      f"Picked up JAVA_TOOL_OPTIONS: {flags}\n")
    if implementation == "PyPy":  # its GC raises MemoryError near PYPY_GC_MAX; raw buffers meet RLIMIT_AS
        return Limits(memory_mb + PYPY_ADDRESS_MB, max_processes, {"PYPY_GC_MAX": f"{memory_mb}MB"}, "")
    return Limits(memory_mb, max_processes, {}, "")


def _cgroup_parent():
    for root in CGROUP_ROOTS:
        if os.path.exists(os.path.join(root, "pids.max")) or os.path.exists(os.path.join(root, "cgroup.procs")):
            parent = os.path.join(root, "gil-demos")
            try:
                os.makedirs(parent, exist_ok=True)
                probe = os.path.join(parent, f"probe-{os.getpid()}")
                os.mkdir(probe)
                # v1 only: it can hold one thread of ours (`tasks`), which the spawner needs
                usable = all(os.path.exists(os.path.join(probe, name)) for name in ("pids.max", "tasks"))
                os.rmdir(probe)
            except OSError:
                continue
            if usable:
                for stale in os.listdir(parent):  # left by runners that have exited; a busy one refuses
                    if stale.startswith("run"):
                        try:
                            os.rmdir(os.path.join(parent, stale))
                        except OSError:
                            pass
                return parent
    return None


CGROUP_PARENT = _cgroup_parent()
_one_run_at_a_time = threading.Lock()  # runs share the spawner's cgroup
# ... and one per machine, across processes (server, CLI, tests, bench): overlapping runs would skew both timings
MACHINE_LOCK = os.path.join(tempfile.gettempdir(), "gil-demos-runs.lock")
_spawner = {}  # (pid, slot) -> (executor, cgroup path, tid): a fork of this process makes its own


def _join_cgroup(path):
    with open(os.path.join(path, "tasks"), "w") as f:
        f.write(str(threading.get_native_id()))
    return threading.get_native_id()


def _spawner_thread(slot):
    """A thread of ours that lives in the runs' pids cgroup, so whatever it spawns is born inside.

    Moving a process into a v1 cgroup waits for an RCU grace period (5-12 ms here, stalling
    forks system-wide); moving one thread once, and spawning from it, pays that once per runner
    and slot (slot 0: cold starts; the others: one standby each, demos/standby.py)."""
    key = (os.getpid(), slot)
    if key not in _spawner:
        path = os.path.join(CGROUP_PARENT, f"runs-{os.getpid()}" + (f"-{slot}" if slot else ""))
        os.makedirs(path, exist_ok=True)
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gil-demos-spawner")
        _spawner[key] = (executor, path, executor.submit(_join_cgroup, path).result())
    return _spawner[key]


class Containment:
    """One run's bounds, and its turn: one run at a time on this machine (the design's single queue).

    slot: the cgroup to run in; a standby (demos/standby.py) waits in a slot of its own, its turn given up
    (pause) until its run takes it again (resume), so a run elsewhere meanwhile neither counts nor kills it."""

    def __init__(self, limits, slot=0):
        self.limits = limits
        self.memory = limits.address_mb * 2**20
        self.path = self.executor = None
        self.machine_lock, self.turn = None, False
        self.resume()
        try:
            if CGROUP_PARENT:
                self.executor, self.path, self.spawner_tid = _spawner_thread(slot)
                self._write("pids.max", str(limits.max_pids + 1))  # + 1: the spawner thread itself
                self._settle()
                self.limit_hits = self._limit_hits()
        except BaseException:
            self.close()
            raise
        self.kind = "cgroup pids + process group + RLIMIT_AS" if self.path else "process group + RLIMIT_AS"

    def _write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(value)

    def _read(self, name):
        return read_text(os.path.join(self.path, name))

    def _settle(self, patience_s=5.0):
        """Wait for the last run's killed processes to be reaped: until then they count against pids.max."""
        deadline = time.monotonic() + patience_s
        while self._read("pids.current").strip() not in ("", "1") and time.monotonic() < deadline:
            time.sleep(0.005)

    def spawn(self, popen, *args, **kwargs):
        """popen(*args, **kwargs), inside the cgroup when there is one, then bounded.

        The address-space limit is set from the parent rather than in a preexec_fn, which would
        force a slow fork+exec (about 12 ms a run here) instead of vfork; it is in place before
        the child's interpreter can run any cell code, and everything the child starts inherits it."""
        proc = self.executor.submit(popen, *args, **kwargs).result() if self.path else popen(*args, **kwargs)
        try:
            resource.prlimit(proc.pid, resource.RLIMIT_AS, (self.memory, self.memory))
            resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
        except BaseException:
            self.kill(proc.pid)
            proc.wait()
            raise
        return proc

    def tasks(self):
        """Every thread of every process in the run (None without a cgroup)."""
        if not self.path:
            return None
        return [int(tid) for tid in self._read("tasks").split() if int(tid) != self.spawner_tid]

    def _limit_hits(self):
        return sum(int(line.split()[1]) for line in self._read("pids.events").splitlines() if line.startswith("max"))

    def hit_process_limit(self):
        return bool(self.path) and self._limit_hits() > self.limit_hits

    def kill(self, pgid):
        """Kill the process group and, when there is a cgroup, everything in it, even what left the group."""
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for _ in range(1000):
            pids = [int(pid) for pid in self._read("cgroup.procs").split()] if self.path else []
            pids = [pid for pid in pids if pid != os.getpid()]  # the spawner thread is ours
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def resume(self):
        """Take this run's turn (waiting for any other run on this machine to end)."""
        _one_run_at_a_time.acquire()
        self.turn = True
        try:
            self.machine_lock = os.open(MACHINE_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)  # flock needs no write access
            fcntl.flock(self.machine_lock, fcntl.LOCK_EX)  # released by pause(), or by the kernel if we die
        except BaseException:
            self.pause()
            raise

    def pause(self):
        """Give the turn up; the processes stay bounded (cgroup, group, RLIMIT_AS) and killable."""
        if self.machine_lock is not None:
            os.close(self.machine_lock)
            self.machine_lock = None
        if self.turn:
            self.turn = False
            _one_run_at_a_time.release()

    close = pause  # the end of a run: its turn is over
