"""`make bench`: every benchmark module here, each printing ratios measured side by side in one run."""
import importlib
import pkgutil
import sys
import time

import tests.bench as package


def main():
    only = set(sys.argv[1:])
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or only and info.name not in only:
            continue
        module = importlib.import_module(f"tests.bench.{info.name}")
        print(f"\n== {info.name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
