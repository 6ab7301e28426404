"""This machine's fingerprint: what a recorded number needs to be read against."""
import functools
import os
import platform
import re


def read_text(path):
    """A small /proc or /etc file's text, or "" where it is missing."""
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def fingerprint():
    return dict(_read_fingerprint())


@functools.lru_cache(maxsize=None)  # read once: every result carries it, and the machine does not change
def _read_fingerprint():
    cpu = re.search(r"^model name\s*:\s*(.+)$", read_text("/proc/cpuinfo"), re.M)
    cpu_model = cpu.group(1).strip() if cpu else platform.processor() or platform.machine()
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read_text("/proc/meminfo"), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', read_text("/etc/os-release"), re.M)
    cores = os.cpu_count()
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\(R\)|\(TM\)|CPU|@.*", "", cpu_model, flags=re.I).lower()).strip("-")
    return {
        "name": os.environ.get("GIL_MACHINE") or f"{slug}-{cores}c",
        "cpu_model": cpu_model,
        "cores": cores,
        "memory_gb": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "os": os_name.group(1) if os_name else platform.system(),
        "kernel": platform.release(),
        "arch": platform.machine(),
    }
