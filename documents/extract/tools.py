"""Run external command-line tools (pdftotext, pdftoppm, tesseract, antiword, soffice) safely.

Output is read as it comes, with a cap: a tool that prints more than ``max_output`` bytes is killed and the
call raises (``too_long`` names the error code), so a hostile file cannot make a tool fill memory.
"""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from documents.model import ExtractionError

_CHUNK = 64 * 1024
_STDERR_KEPT = 64 * 1024


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: bytes
    stderr: str


def available(tool: str) -> bool:
    return shutil.which(tool) is not None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait()


def _collect(proc: subprocess.Popen[bytes], name: str, timeout: float, max_output: int | None, too_long: str) -> Run:
    assert proc.stdout is not None and proc.stderr is not None
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, out)
        selector.register(proc.stderr, selectors.EVENT_READ, err)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _stop(proc)
                raise ExtractionError("corrupt", f"{name} timed out after {timeout:.0f}s")
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.data is out:
                    out += chunk
                    if max_output is not None and len(out) > max_output:
                        _stop(proc)
                        raise ExtractionError(too_long, f"{name} printed more than {max_output} bytes")
                elif len(err) < _STDERR_KEPT:
                    err += chunk
    try:
        returncode = proc.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as exc:
        _stop(proc)
        raise ExtractionError("corrupt", f"{name} timed out after {timeout:.0f}s") from exc
    return Run(returncode, bytes(out), err.decode("utf-8", "replace"))


def run(
    args: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    max_output: int | None = None,
    too_long: str = "text_too_long",
) -> Run:
    """Run ``args``; a missing binary → ``tool_missing``, a timeout → ``corrupt`` (pathological input), more
    than ``max_output`` bytes on stdout → ``too_long``."""
    full_env = {**os.environ, **(env or {})}
    try:
        proc = subprocess.Popen(  # noqa: S603 - fixed argument lists, no shell
            list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, cwd=cwd
        )
    except FileNotFoundError as exc:
        raise ExtractionError("tool_missing", f"{args[0]} is not installed") from exc
    with proc:
        try:
            return _collect(proc, args[0], timeout, max_output, too_long)
        except BaseException:
            if proc.poll() is None:
                _stop(proc)
            raise
