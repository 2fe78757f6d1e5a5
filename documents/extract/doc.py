"""Legacy Word 97-2003 ``.doc``: ``antiword -m UTF-8.txt -w 0``; LibreOffice (``soffice``) as fallback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from documents.extract import tools
from documents.extract.result import build
from documents.model import Extracted, ExtractionError

TIMEOUT = 120.0


def _antiword(path: Path) -> str:
    result = tools.run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)], timeout=TIMEOUT)
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


def _soffice(binary: str, path: Path) -> str:
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
        return out.read_bytes().decode("utf-8-sig", "replace")


def extract(path: Path) -> Extracted:
    antiword_error: ExtractionError | None = None
    if tools.available("antiword"):
        try:
            return build(_antiword(path), "antiword")
        except ExtractionError as exc:
            if exc.code == "encrypted":
                raise
            antiword_error = exc
    binary = _soffice_binary()
    if binary is not None:
        return build(_soffice(binary, path), "soffice")
    if antiword_error is not None:
        raise antiword_error
    raise ExtractionError("tool_missing", "neither antiword nor LibreOffice is installed")
