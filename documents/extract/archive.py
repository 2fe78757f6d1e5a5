"""ZIP containers (DOCX; later XLSX, ODT) read safely: nothing is parsed before its size is known to be sane.

:class:`SafeZip` refuses, with ``unpacked_too_large``,

* more than :data:`MAX_MEMBERS` members, or a central directory over :data:`MAX_DIRECTORY_BYTES` — read from
  the end-of-central-directory record *before* :mod:`zipfile` builds one object per member;
* any member whose declared uncompressed size exceeds ``Limits.member_bytes``, or declared sizes that add up
  to more than ``Limits.unpacked_bytes``;
* any member that actually inflates to more than its declared size or the limits while it is read:
  :meth:`SafeZip.read` and :meth:`SafeZip.open` stream with a cap, :meth:`SafeZip.verify` inflates every member
  (keeping nothing) for readers such as python-docx that open the file themselves.

A damaged container is ``corrupt``.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from documents.extract.limits import DEFAULT_LIMITS, Limits
from documents.model import ExtractionError

MAX_MEMBERS = 10_000  # a DOCX has tens of parts, a large XLSX a few hundred
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # ~100 bytes per member: room for MAX_MEMBERS with long names
CHUNK = 1024 * 1024
_EOCD, _ZIP64_LOCATOR = b"PK\x05\x06", b"PK\x06\x07"
_EOCD_SIZE, _LOCATOR_SIZE, _ZIP64_EOCD_SIZE = 22, 20, 56


def _too_large(detail: str) -> ExtractionError:
    return ExtractionError("unpacked_too_large", detail)


def directory_size(handle: IO[bytes]) -> tuple[int, int] | None:
    """(members, bytes) of the central directory as the end record declares them (ZIP64 aware); None when
    there is no end record (:mod:`zipfile` then reports the damage)."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - (_EOCD_SIZE + 0xFFFF)))  # the record ends with a comment of up to 64 KiB
    tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        return None
    count, directory = struct.unpack_from("<HI", tail, at + 10)
    if at >= _LOCATOR_SIZE and tail[at - _LOCATOR_SIZE : at - 16] == _ZIP64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", tail, at - _LOCATOR_SIZE + 8)
        handle.seek(offset)
        record = handle.read(_ZIP64_EOCD_SIZE)
        if len(record) == _ZIP64_EOCD_SIZE and record[:4] == b"PK\x06\x06":
            count, directory = struct.unpack_from("<QQ", record, 32)
    return int(count), int(directory)


class _CappedReader(io.RawIOBase):
    """A member's stream that raises ``unpacked_too_large`` once it yields more than ``cap`` bytes."""

    def __init__(self, inner: IO[bytes], name: str, cap: int, account: SafeZip) -> None:
        self._inner, self._name, self._cap, self._account = inner, name, cap, account
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._inner.read(min(len(view), self._cap - self._seen + 1))
        self._seen += len(data)
        if self._seen > self._cap:
            raise _too_large(f"{self._name} inflates to more than {self._cap} bytes")
        self._account.charge(len(data))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class SafeZip:
    """A ZIP file whose members are checked against ``limits`` (see the module docstring)."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._inflated = 0
        try:
            self._file = path.open("rb")
        except OSError as exc:
            raise ExtractionError("not_found", "file cannot be opened") from exc
        try:
            self._check_directory()
            self._file.seek(0)
            self._zip = zipfile.ZipFile(self._file)
            self._infos = self._zip.infolist()
            self._check_declared()
        except ExtractionError:
            self._file.close()
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            self._file.close()
            raise ExtractionError("corrupt", "broken ZIP container") from exc

    def _check_directory(self) -> None:
        declared = directory_size(self._file)
        if declared is None:
            return
        count, size = declared
        if count > MAX_MEMBERS:
            raise _too_large(f"{count} members > {MAX_MEMBERS}")
        if size > MAX_DIRECTORY_BYTES:  # zipfile trusts the directory's size, not the member count
            raise _too_large(f"central directory of {size} bytes > {MAX_DIRECTORY_BYTES}")

    def _check_declared(self) -> None:
        if len(self._infos) > MAX_MEMBERS:
            raise _too_large(f"{len(self._infos)} members > {MAX_MEMBERS}")
        total = 0
        for info in self._infos:
            if info.file_size > self.limits.member_bytes:
                raise _too_large(f"{info.filename} declares {info.file_size} bytes > {self.limits.member_bytes}")
            total += info.file_size
        if total > self.limits.unpacked_bytes:
            raise _too_large(f"members declare {total} bytes > {self.limits.unpacked_bytes}")

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._file.close()

    def names(self) -> list[str]:
        return [info.filename for info in self._infos]

    def charge(self, size: int) -> None:
        """Count ``size`` inflated bytes against the total (every read adds up, a member read twice counts
        twice)."""
        self._inflated += size
        if self._inflated > self.limits.unpacked_bytes:
            raise _too_large(f"members inflate to more than {self.limits.unpacked_bytes} bytes")

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """Stream one member; raises ``unpacked_too_large`` as soon as it inflates past a limit."""
        try:
            info = self._zip.getinfo(name)
        except KeyError as exc:
            raise ExtractionError("corrupt", f"ZIP member {name} is missing") from exc
        if info.flag_bits & 0x1:
            raise ExtractionError("encrypted", f"ZIP member {name} is encrypted")
        cap = min(info.file_size, self.limits.member_bytes)
        try:
            with self._zip.open(info) as inner, io.BufferedReader(_CappedReader(inner, name, cap, self)) as stream:
                yield stream
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ExtractionError("corrupt", f"ZIP member {name} cannot be read") from exc

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    def verify(self) -> None:
        """Inflate every member through the caps, keeping nothing."""
        for info in self._infos:
            if info.is_dir():
                continue
            with self.open(info.filename) as stream:
                while stream.read(CHUNK):
                    pass


def member_names(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Names of the members of a ZIP file, after the count and declared-size checks."""
    with SafeZip(path, limits) as archive:
        return archive.names()
