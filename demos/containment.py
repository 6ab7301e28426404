"""Keeping a run in bounds: its own process group, an address-space limit, and a pids cgroup.

We run as root, and root ignores RLIMIT_NPROC, so the process-count limit is a
cgroup (v1 `pids` or v2 with the pids controller) when one is writable here;
without one, only the process group and the timeout contain a fork bomb, and
the result says so (`containment`).
"""
import itertools
import os
import resource
import signal

CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")
_counter = itertools.count()


def _cgroup_parent():
    for root in CGROUP_ROOTS:
        if os.path.exists(os.path.join(root, "pids.max")) or os.path.exists(os.path.join(root, "cgroup.procs")):
            parent = os.path.join(root, "gil-demos")
            try:
                os.makedirs(parent, exist_ok=True)
                probe = os.path.join(parent, f"probe-{os.getpid()}")
                os.mkdir(probe)
                usable = os.path.exists(os.path.join(probe, "pids.max"))
                os.rmdir(probe)
            except OSError:
                continue
            if usable:
                return parent
    return None


CGROUP_PARENT = _cgroup_parent()


class Containment:
    def __init__(self, memory_mb, max_pids):
        self.memory = memory_mb * 2**20
        self.path = None
        if CGROUP_PARENT:
            self.path = os.path.join(CGROUP_PARENT, f"run-{os.getpid()}-{next(_counter)}")
            os.mkdir(self.path)
            self._write("pids.max", str(max_pids))
        self.kind = "cgroup pids + process group + RLIMIT_AS" if self.path else "process group + RLIMIT_AS"

    def _write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(value)

    def _read(self, name):
        try:
            with open(os.path.join(self.path, name)) as f:
                return f.read()
        except OSError:
            return ""

    def enter(self, pid):
        """Bound a child the moment it is spawned, before its interpreter can run any cell code.

        Done from the parent rather than in a preexec_fn, which would force a slow fork+exec
        (about 12 ms a run here) instead of vfork; everything the child starts inherits these."""
        resource.prlimit(pid, resource.RLIMIT_AS, (self.memory, self.memory))
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
        if self.path:
            self._write("cgroup.procs", str(pid))

    def tasks(self):
        """Every thread of every process in the run (None without a cgroup)."""
        if not self.path:
            return None
        return [int(tid) for tid in self._read("tasks").split()]

    def hit_process_limit(self):
        return bool(self.path) and any(
            line.split()[1] != "0" for line in self._read("pids.events").splitlines() if line.startswith("max"))

    def kill(self, pgid):
        """Kill the process group and, when there is a cgroup, everything in it, even what left the group."""
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for _ in range(1000):
            pids = self._read("cgroup.procs").split() if self.path else []
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def close(self):
        if self.path:
            try:
                os.rmdir(self.path)
            except OSError:
                pass
