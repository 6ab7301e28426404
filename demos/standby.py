"""A standby interpreter: the next run's process, started before it is needed.

Every run is still a fresh process that runs one cell. Once a run has ended (between repeats, and after
the last when the caller keeps one ready: the server's worker, the recorder), the runner starts the next
one here for the same interpreter, environment and limits, inside the same containment as a cold start
(process group, RLIMIT_AS, a pids cgroup: a slot of its own, so runs of other kinds meanwhile neither
count nor kill it). It starts during a turn on the machine, so its start-up never competes with a
measured run; it says "ready" once the interpreter is up and the wrapper imported (`wrapper.py
--standby`), and then waits, its turn given back. The next run of its kind takes the turn again and
hands it the cell (the spec's and report's paths on stdin). The run's clock starts at the hand-off minus
the start-up: wall time, timeout and timeline count the process's life as for a cold start, without its
wait (the start-up's CPU time lands in the timeline's first interval, as a sample taken then would book it).

A standby runs one cell. One that died, or whose interpreter or wrapper file changed since it started, is
killed and the run starts cold; a different environment or limits is another kind.
GIL_STANDBY=0 turns standbys off: every run starts its interpreter cold.
"""
import atexit
import json
import os
import selectors
import subprocess
import tempfile
import threading
import time

from demos import paths
from demos.containment import Containment

SWITCH = "GIL_STANDBY"
SLOTS = 2           # kinds kept ready at once (e.g. two interpreters side by side); the oldest goes first
READY_S = 120.0     # the longest a start-up may take: a JVM on a loaded machine takes seconds
READY = b"ready\n"  # what the wrapper prints when it waits for its cell

_pool = {}                # kind -> Standby, oldest first
_lock = threading.Lock()  # guards _pool
_starting = None          # the thread starting the next one, which take() waits for


def enabled():
    return os.environ.get(SWITCH, "1") != "0"


def _stamp(path):
    """What changes when a file is replaced or edited: an interpreter upgraded, the wrapper changed."""
    st = os.stat(path)  # through symlinks (a venv's python): the file that runs
    return st.st_ino, st.st_size, st.st_mtime_ns


def _kind(argv, env, limits):
    """What a standby must share with a run to be its process (limits.env is in env)."""
    return tuple(argv[:2]), tuple(sorted(env.items())), limits.address_mb, limits.max_pids


def _wrapped(argv):
    return argv[1:2] == [paths.WRAPPER]  # a Python cell's run; a C++ binary has no wrapper to wait in


class Standby:
    """One interpreter started ahead in its own containment slot, ready, waiting for one cell."""

    def __init__(self, argv, env, limits, slot):
        self.argv, self.slot, self.proc = argv[:2], slot, None
        self.stamps = [_stamp(path) for path in self.argv]
        self.box = Containment(limits, slot)
        try:
            spawned = time.time()
            self.proc = self.box.spawn(subprocess.Popen, [*self.argv, "--standby"], cwd=tempfile.gettempdir(),
                                       env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, start_new_session=True)
            self._wait_ready(spawned + READY_S)
            self.startup_s = time.time() - spawned
        except BaseException:
            self.close()
            raise
        self.box.pause()

    def _wait_ready(self, deadline):
        said = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while len(said) < len(READY):
                if not selector.select(max(0.0, deadline - time.time())):
                    raise TimeoutError(f"{self.argv[0]} was not ready in {READY_S:.0f} s")
                chunk = os.read(self.proc.stdout.fileno(), len(READY) - len(said))
                if not chunk:
                    raise RuntimeError(f"{self.argv[0]} ended before it was ready")
                said += chunk
        if said != READY:
            raise RuntimeError(f"{self.argv[0]} said {said!r}, not {READY!r}")

    def fresh(self):
        """Alive, and started from the files that are there now."""
        try:
            return self.proc.poll() is None and [_stamp(path) for path in self.argv] == self.stamps
        except OSError:  # a file gone
            return False

    def clock(self):
        """The run's start, were it to begin now: now, minus the start-up (see the module's doc)."""
        return time.time() - self.startup_s

    def go(self, spec, report):
        """Hand over the cell."""
        try:
            self.proc.stdin.write(json.dumps([spec, report]).encode() + b"\n")
            self.proc.stdin.close()
        except BrokenPipeError:  # it died since take() found it alive: the run reports how it ended
            pass

    def close(self):
        """Kill it (unused), and give its turn back if it had one."""
        if self.proc is not None:
            self.box.kill(self.proc.pid)
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                stream.close()
        self.box.pause()


def take(argv, env, limits):
    """The standby for this run, its turn taken, ready to `go`; or None when there is none fit to use: the
    run starts cold."""
    if not enabled() or not _wrapped(argv):
        return None
    if _starting:
        _starting.join()
    with _lock:
        standby = _pool.pop(_kind(argv, env, limits), None)
    if standby is None:
        return None
    try:
        standby.box.resume()
    except BaseException:
        standby.close()
        raise
    if standby.fresh():
        return standby
    standby.close()
    return None


def start(argv, env, limits):
    """Start the standby for a run like this one, in the background: call it once a run has ended."""
    global _starting
    if not enabled() or not _wrapped(argv):
        return
    if _starting:
        _starting.join()
    kind = _kind(argv, env, limits)

    def starting():
        with _lock:
            going = [_pool.pop(kind)] if kind in _pool else []
            while len(_pool) >= SLOTS:
                going.append(_pool.pop(next(iter(_pool))))
            for old in going:
                old.close()
            slot = min(set(range(1, SLOTS + 1)) - {standby.slot for standby in _pool.values()})
        try:
            standby = Standby(argv, env, limits, slot)
        except Exception:  # it cannot start: the next run starts cold, and shows why
            return
        with _lock:
            _pool[kind] = standby

    _starting = threading.Thread(target=starting, name="gil-demos-standby", daemon=True)
    _starting.start()


def waiting():
    """The pids of the standbys waiting now (once the one starting, if any, is ready)."""
    if _starting:
        _starting.join()
    with _lock:
        return [standby.proc.pid for standby in _pool.values()]


@atexit.register
def close_all():
    """Kill every standby (each would also end by itself on reading the end of its stdin)."""
    if _starting:
        _starting.join()
    with _lock:
        while _pool:
            _pool.popitem()[1].close()
