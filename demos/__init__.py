"""The runner: runs one demo cell in a fresh process, times it, samples per-thread CPU, records results."""
