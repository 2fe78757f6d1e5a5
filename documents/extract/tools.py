"""Run external command-line tools (pdftotext, pdftoppm, tesseract, antiword, soffice) safely."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from documents.model import ExtractionError


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: bytes
    stderr: str


def available(tool: str) -> bool:
    return shutil.which(tool) is not None


def run(
    args: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None, cwd: str | None = None
) -> Run:
    """Run ``args``; a missing binary → ``tool_missing``, a timeout → ``corrupt`` (pathological input)."""
    full_env = {**os.environ, **(env or {})}
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
            list(args), capture_output=True, timeout=timeout, env=full_env, cwd=cwd, check=False
        )
    except FileNotFoundError as exc:
        raise ExtractionError("tool_missing", f"{args[0]} is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError("corrupt", f"{args[0]} timed out after {timeout:.0f}s") from exc
    return Run(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))
