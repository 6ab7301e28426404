"""One benchmark at a time: a bounded queue with a single worker thread.

Identical requests already queued or running share one job; the last result
for each setting (cell, parameters, interpreter name) is kept, so a slide can
show numbers at once while a fresh run is on its way.
"""
import collections
import threading
import time
import uuid

from demos.runner import run_cell


class QueueFull(Exception):
    pass


class Job:
    def __init__(self, request):
        """request: a demos.request.RunRequest, checked."""
        self.id = uuid.uuid4().hex[:12]
        self.request = request
        self.status, self.result, self.error = "queued", None, None
        self.created, self.started, self.finished = time.time(), None, None
        self.events, self.changed = [], threading.Condition()

    @property
    def key(self):
        return self.request.setting + (self.request.repeat,)

    def emit(self, event, data):
        with self.changed:
            self.events.append((event, data))
            self.changed.notify_all()

    def wait_events(self, start, timeout):
        """Events from index `start` on; waits up to timeout for a new one."""
        with self.changed:
            if len(self.events) <= start:
                self.changed.wait(timeout)
            return self.events[start:]

    def describe(self, position=None):
        run = self.request
        return {"job": self.id, "cell": run.cell["id"], "status": self.status, "params": run.params,
                "interpreter": run.interpreter["name"], "repeat": run.repeat, "gil": run.gil, "position": position,
                "created": self.created, "started": self.started, "finished": self.finished,
                "result": self.result, "error": self.error}


class RunQueue:
    def __init__(self, max_queued, jobs_kept):
        self.max_queued, self.jobs_kept = max_queued, jobs_kept
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)
        self.pending = collections.deque()
        self.jobs = collections.OrderedDict()
        self.last = {}  # RunRequest.setting → last live result
        self.worker = None

    def submit(self, request):
        """(job, coalesced): an identical queued or running job is shared, not repeated."""
        job = Job(request)
        with self.lock:
            for other in self.jobs.values():
                if other.key == job.key and other.status in ("queued", "running"):
                    return other, True
            if len(self.pending) >= self.max_queued:
                raise QueueFull(f"{len(self.pending)} runs are already queued; try again when one is done")
            # said before the worker can see the job: a client's events always begin with queued
            job.emit("queued", {"job": job.id, "position": len(self.pending) + 1})
            self.pending.append(job)
            self.jobs[job.id] = job
            while len(self.jobs) > self.jobs_kept:
                oldest = next(iter(self.jobs.values()))
                if oldest.status in ("queued", "running"):
                    break
                self.jobs.popitem(last=False)
            if self.worker is None:
                self.worker = threading.Thread(target=self._work, name="run-worker", daemon=True)
                self.worker.start()
            self.wake.notify()
        return job, False

    def get(self, job_id):
        with self.lock:
            return self.jobs.get(job_id)

    def position(self, job):
        """0 once running; n when n-1 jobs are ahead of it."""
        with self.lock:
            return list(self.pending).index(job) + 1 if job in self.pending else 0

    def last_result(self, request):
        return self.last.get(request.setting)

    def _work(self):
        while True:
            with self.lock:
                while not self.pending:
                    self.wake.wait()
                job = self.pending.popleft()
                job.status, job.started = "running", time.time()
            job.emit("started", {"job": job.id, "started": job.started})
            try:
                result = run_cell(job.request, progress=lambda update: job.emit("progress", update), keep_ready=True)
            except Exception as error:  # the job fails; the worker goes on
                job.error, job.status = f"{type(error).__name__}: {error}", "failed"
                job.finished = time.time()
                job.emit("error", {"job": job.id, "error": job.error})
                continue
            job.result, job.status, job.finished = result, "done", time.time()
            self.last[job.request.setting] = result
            job.emit("done", {"job": job.id, "result": result})
