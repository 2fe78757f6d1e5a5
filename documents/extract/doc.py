"""Legacy Word 97-2003 ``.doc``: ``antiword -m UTF-8.txt -w 0``; LibreOffice (``soffice``) as fallback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from documents.extract import tools
from documents.extract.limits import Limits
from documents.extract.result import build
from documents.model import Extracted, ExtractionError

TIMEOUT = 120.0


def _antiword(path: Path, limits: Limits) -> str:
    args = ["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)]
    result = tools.run(args, timeout=TIMEOUT, max_output=limits.text_bytes)
    if "encrypt" in result.stderr.lower():
        raise ExtractionError("encrypted", "password-protected Word document")
    if result.returncode != 0:
        raise ExtractionError("corrupt", "antiword could not read the document")
    return result.stdout.decode("utf-8", "replace")


def _soffice_binary() -> str | None:
    for name in ("soffice", "libreoffice"):
        if tools.available(name):
            return name
    return None


def _soffice(binary: str, path: Path, limits: Limits) -> str:
    with tempfile.TemporaryDirectory(prefix="nqbot-soffice-") as tmp:
        profile = Path(tmp, "profile").as_uri()  # private profile: parallel runs do not lock each other
        result = tools.run(
            [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
             "txt:Text (encoded):UTF8", "--outdir", tmp, str(path)],
            timeout=TIMEOUT,
        )  # fmt: skip
        out = Path(tmp, path.stem + ".txt")
        if result.returncode != 0 or not out.exists():
            raise ExtractionError("corrupt", "LibreOffice could not convert the document")
        if out.stat().st_size > limits.text_bytes:
            raise ExtractionError("text_too_long", f"LibreOffice wrote more than {limits.text_bytes} bytes")
        return out.read_bytes().decode("utf-8-sig", "replace")


def extract(path: Path, limits: Limits) -> Extracted:
    antiword_error: ExtractionError | None = None
    if tools.available("antiword"):
        try:
            return build(_antiword(path, limits), "antiword", limits=limits)
        except ExtractionError as exc:
            if exc.code in ("encrypted", "text_too_long"):
                raise
            antiword_error = exc
    binary = _soffice_binary()
    if binary is not None:
        return build(_soffice(binary, path, limits), "soffice", limits=limits)
    if antiword_error is not None:
        raise antiword_error
    raise ExtractionError("tool_missing", "neither antiword nor LibreOffice is installed")
