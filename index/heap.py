"""The process heap: glibc keeps freed pages for reuse, so a process that freed a large allocation (a tokenizer,
an ingest's buffers) stays that large unless it hands the pages back."""

from __future__ import annotations

import contextlib
import ctypes


def trim_heap() -> None:
    """Hand the heap's free pages back to the system (no-op where glibc's ``malloc_trim`` is missing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
