"""C++ cells: compiled once with `g++ -O2 -pthread`, cached by the source's hash."""
import functools
import os
import shutil
import subprocess
import tempfile

from demos import paths

CACHE = os.path.join(paths.CACHE, "cpp")
FLAGS = ["-O2", "-pthread", "-std=c++17"]


@functools.lru_cache(maxsize=None)  # asked on every C++ request; g++ does not change under us
def compiler():
    path = shutil.which("g++")
    if not path:
        raise LookupError("g++ is not installed: C++ cells need it (apt-get install g++)")
    version = subprocess.run([path, "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    return {"name": f"g++-{version}", "path": path, "version": version, "implementation": "C++ (g++ "
            + " ".join(FLAGS) + ")", "gil_enabled": False, "switch_interval": None, "check_interval": None,
            "default": True}


def binary(cell):
    """The compiled cell, built on first use; a compile error raises RuntimeError with g++'s message."""
    os.makedirs(CACHE, exist_ok=True)
    target = os.path.join(CACHE, cell["sha256"])
    if os.path.exists(target):
        return target
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, f"{cell['id']}.cpp")
        with open(source, "w") as f:
            f.write(cell["setup"] + "\n" + cell["source"])
        out = os.path.join(tmp, "a.out")
        done = subprocess.run([compiler()["path"], *FLAGS, source, "-o", out], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"cell {cell['id']} does not compile:\n{done.stderr[-4000:]}")
        os.replace(out, target)  # atomic: a concurrent run never sees half a binary
    return target
