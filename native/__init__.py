"""The talk's C extension (compiled by `pip install -e .`): see native/_native.c."""
from native._native import MAX_THREADS, countdown, countdown_nogil, refcount_race, sleep

__all__ = ["MAX_THREADS", "countdown", "countdown_nogil", "refcount_race", "sleep"]
