"""The real texts the tests read: all inside the repository (a clone has no ``../shared``).

``documents/samples/`` ships 57-NQ/TW, 66-NQ/TW and 71-NQ/TW with the package; ``tests/data/`` holds the other
eleven Party texts and a selection of state legal texts. Their sources are listed in ``tests/data/SOURCES.md``.
"""

from __future__ import annotations

from pathlib import Path

from documents.text import nfc

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SAMPLES = REPO / "documents" / "samples"
GUIDE = SAMPLES / "huong-dan-su-dung-nqbot.md"


def party_files() -> list[Path]:
    """The 14 Party texts, by file name (``57-NQ-TW.txt`` is Nghị quyết 57-NQ/TW)."""
    return sorted([*SAMPLES.glob("*.txt"), *(DATA / "party").glob("*.txt")], key=lambda p: p.name)


def legal_files() -> list[Path]:
    return sorted((DATA / "legal").glob("*.txt"))


def party_path(name: str) -> Path:
    for path in party_files():
        if path.name == name:
            return path
    raise FileNotFoundError(name)


def legal_path(name: str) -> Path:
    path = DATA / "legal" / name
    if not path.is_file():
        raise FileNotFoundError(name)
    return path


def read(path: Path) -> str:
    return nfc(path.read_text(encoding="utf-8"))
