"""A value read from files, read again only when one of them changes: the server's manifest and results, per app."""
import os
import threading


def _mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


class Reloading:
    """`get()` returns `read()`, calling it again only when the modification times of `files()` change."""

    def __init__(self, read, files):
        self._read, self._files = read, files
        self._lock = threading.Lock()
        self._stamp, self._value = object(), None

    def get(self):
        stamp = tuple((path, _mtime(path)) for path in self._files())  # taken first: a later change reloads
        with self._lock:
            if stamp != self._stamp:
                self._value = self._read()
                self._stamp = stamp
            return self._value
