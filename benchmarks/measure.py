"""What the benchmark scripts share: peak memory of this process and a timed step that prints both."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = fn()
    print(f"{label:<46} {time.perf_counter() - started:8.2f} s   peak RSS {peak_rss_mib():8.0f} MiB", flush=True)
    return result
