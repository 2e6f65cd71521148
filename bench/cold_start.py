"""Cold start: how long `import function_app` takes in a fresh process.

Prints the median over several fresh interpreters, with an empty environment (as a new
Functions worker sees it before settings are read), and its ratio to importing
`azure.functions` alone, the floor any Python Function app pays.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "15"))

PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str) -> float:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def median_ms(module: str) -> tuple[float, float]:
    import_seconds(module)  # warm the OS file cache and .pyc files once
    samples = [import_seconds(module) * 1000 for _ in range(RUNS)]
    return statistics.median(samples), max(samples)


def main() -> None:
    base_med, base_max = median_ms("azure.functions")
    app_med, app_max = median_ms("function_app")
    print(f"cold start, median of {RUNS} fresh processes (max in brackets)")
    print(f"  import azure.functions : {base_med:7.1f} ms  [{base_max:.1f}]")
    print(f"  import function_app    : {app_med:7.1f} ms  [{app_max:.1f}]")
    print(f"  ratio app / azure.functions: {app_med / base_med:.2f}x")
    print(f"  app's own cost over azure.functions: {app_med - base_med:.1f} ms")


if __name__ == "__main__":
    main()
