"""The backup archive: one gzip-compressed tar file holding everything that cannot be recomputed.

Members (any other name, and anything but a regular file, is refused when reading)::

    catalog.sqlite3        the catalog, copied with SQLite's online backup API
    bot.sqlite3            the bot's store (absent when the bot never ran)
    files/<sha256>.<ext>   the stored originals
    MANIFEST.json          written last: format, schemas, counts, and the size and SHA-256 of every member

**Writing** goes to a hidden ``.<name>.partial`` file in the destination, which is fsynced and renamed to its
final name only once the manifest is in: a crash or ``kill -9`` leaves at most a ``.partial`` file (removed by
the next backup), never a file that looks like a complete archive.

**Reading** takes two passes. :func:`check_archive` reads the whole archive, hashing every member and
checking the manifest (its own checksum, the member list, sizes, SHA-256, schema versions) and gzip's CRC,
without writing anything; only then :func:`extract_archive` writes the members, hashing them again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from bot.operations.databases import database_kinds, header_version
from bot.operations.errors import OperationError, Refusal

FORMAT = "nqbot-backup"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
SUFFIX = ".tar.gz"
PARTIAL = ".partial"
_FILE_MEMBER = re.compile(r"files/[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
_CHUNK = 1 << 20


def nqbot_version() -> str:
    try:
        return metadata.version("nqbot")
    except metadata.PackageNotFoundError:
        return "unknown"


def database_members() -> dict[str, str]:
    """Archive member name → database name."""
    return {k.filename: k.name for k in database_kinds()}


def allowed_member(name: str) -> bool:
    return name == MANIFEST or name in database_members() or _FILE_MEMBER.fullmatch(name) is not None


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    """What an archive holds; ``checksum`` is the SHA-256 of the rest of the manifest (canonical JSON)."""

    created_at: float
    backend: str
    #: database name → its ``PRAGMA user_version`` in the archive
    schemas: dict[str, int]
    counts: dict[str, int]
    members: list[Member]
    generation: int | None = None
    model_id: str | None = None
    nqbot_version: str = field(default_factory=nqbot_version)
    #: e.g. stored originals the catalog names but the disk lacked when the backup was taken
    warnings: list[str] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def body(self) -> dict[str, Any]:
        data = asdict(self)
        data["members"] = [asdict(m) for m in self.members]
        return data

    def to_bytes(self) -> bytes:
        body = self.body()
        body["checksum"] = _digest(body)
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not an nqbot manifest")
            if int(data.get("format_version", 0)) > FORMAT_VERSION:
                raise OperationError(Refusal.TOO_NEW, f"archive format {data['format_version']}",
                                     found=data["format_version"], known=FORMAT_VERSION, what="format")
            checksum = data.pop("checksum", None)
            if checksum != _digest(data):
                raise ValueError("the manifest's checksum does not match its content")
            data["members"] = [Member(str(m["name"]), int(m["size"]), str(m["sha256"])) for m in data["members"]]
            data["schemas"] = {str(k): int(v) for k, v in data["schemas"].items()}
            data["counts"] = {str(k): int(v) for k, v in data["counts"].items()}
            return cls(**data)
        except OperationError:
            raise
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            raise OperationError(Refusal.BAD_MANIFEST, str(error)) from error


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


# writing -----------------------------------------------------------------------------------------------
class Pace:
    """Keeps a long copy to a share of one core: after every slice of work it sleeps in proportion, so that the
    bot answering beside a backup on a small machine hardly notices it (the backup takes longer instead)."""

    SLICE = 0.05  # seconds of work between pauses

    def __init__(self, share: float | None) -> None:
        self.share = share
        self._since = time.perf_counter()

    def step(self) -> None:
        if not self.share or self.share >= 1.0:
            return
        worked = time.perf_counter() - self._since
        if worked >= self.SLICE:
            time.sleep(worked * (1.0 / self.share - 1.0))
            self._since = time.perf_counter()


class _Hashing:
    """A file object that hashes what is read through it (tarfile reads exactly ``size`` bytes)."""

    def __init__(self, handle: IO[bytes], pace: Pace) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0
        self.pace = pace

    def read(self, size: int = -1) -> bytes:
        self.pace.step()  # the work since the last read: compressing and hashing the previous block
        data = self.handle.read(size)
        self.sha.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes ``final`` through a hidden partial file; :meth:`finish` adds the manifest and renames it."""

    def __init__(self, final: Path, *, compresslevel: int = 6, pace: float | None = None) -> None:
        self.final = final
        self.pace = Pace(pace)
        self.partial = partial_path(final)
        self.members: list[Member] = []
        # Private (0600): an archive holds the members' list and their questions.
        self._raw = os.fdopen(os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, compresslevel=compresslevel, mtime=0)
        self._tar = tarfile.open(fileobj=self._gzip, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115

    def add_file(self, name: str, path: Path) -> Member:
        assert allowed_member(name), name
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            reader = _Hashing(handle, self.pace)
            self._tar.addfile(self._info(name, size), reader)
        member = Member(name, reader.size, reader.sha.hexdigest())
        self.members.append(member)
        return member

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(time.time())
        return info

    def finish(self, manifest: Manifest) -> Path:
        data = manifest.to_bytes()
        self._tar.addfile(self._info(MANIFEST, len(data)), _Bytes(data))
        self._tar.close()
        self._gzip.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.partial, self.final)
        fsync_dir(self.final.parent)
        return self.final

    def abort(self) -> None:
        for closing in (self._tar.close, self._gzip.close, self._raw.close):
            with suppress(OSError, ValueError, tarfile.TarError):
                closing()
        self.partial.unlink(missing_ok=True)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset:end], min(end, len(self.data))
        return chunk


def partial_path(final: Path) -> Path:
    return final.with_name(f".{final.name}{PARTIAL}")


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# reading -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    """An archive whose every member and manifest were verified (nothing was written)."""

    path: Path
    manifest: Manifest
    size: int


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors while reading → a refusal saying whether the archive is cut short or damaged."""
    try:
        yield
    except EOFError as error:
        raise OperationError(Refusal.TRUNCATED, str(error)) from error
    except tarfile.ReadError as error:
        code = Refusal.TRUNCATED if "unexpected end" in str(error) else Refusal.CORRUPT
        raise OperationError(code, str(error)) from error
    except (gzip.BadGzipFile, zlib.error, tarfile.TarError) as error:
        raise OperationError(Refusal.CORRUPT, str(error)) from error


def _members(path: Path, *, strict: bool = True) -> Iterator[tuple[tarfile.TarInfo, IO[bytes] | None]]:
    """Each member with a reader of its content, in archive order; gzip's CRC is checked at the end.

    A member nqbot never writes (another name, a link, a device …) is refused when ``strict``, else passed on
    without a reader."""
    if not path.is_file():
        raise OperationError(Refusal.NOT_FOUND, str(path), path=str(path))
    with open(path, "rb") as raw:
        if raw.read(2) != b"\x1f\x8b":
            raise OperationError(Refusal.NOT_AN_ARCHIVE, str(path), path=str(path))
        raw.seek(0)
        with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
            with tarfile.open(fileobj=unpacked, mode="r|") as tar:
                for info in tar:
                    if not info.isreg() or not allowed_member(info.name):
                        if strict:
                            raise OperationError(Refusal.UNEXPECTED_MEMBER, info.name, member=info.name)
                        yield info, None
                        continue
                    yield info, tar.extractfile(info)
            while unpacked.read(_CHUNK):  # the rest of the stream, so that gzip checks its CRC and length
                pass


def _copy(reader: IO[bytes], size: int, sink: Callable[[bytes], object]) -> tuple[str, int, bytes]:
    """Stream a member into ``sink``; returns (sha256, bytes read, the first 100 bytes)."""
    sha, read, head = hashlib.sha256(), 0, b""
    while chunk := reader.read(_CHUNK):
        if len(head) < 100:
            head += chunk[:100 - len(head)]
        sha.update(chunk)
        sink(chunk)
        read += len(chunk)
    if read != size:
        raise OperationError(Refusal.TRUNCATED, f"{read} of {size} bytes")
    return sha.hexdigest(), read, head


def check_archive(path: Path) -> Checked:
    """Read the whole archive and verify it; raises :class:`OperationError` and writes nothing."""
    pass_one = _PassOne()
    with _errors():
        pass_one.read(path)
    if pass_one.manifest is None:
        raise OperationError(Refusal.NO_MANIFEST, str(path), path=str(path))
    manifest = Manifest.from_bytes(pass_one.manifest)  # a newer archive format is refused here
    _check_schemas(manifest, pass_one.versions)  # "written by a newer nqbot" before any other complaint
    for name in pass_one.unexpected:
        raise OperationError(Refusal.UNEXPECTED_MEMBER, name, member=name)
    _check_members(manifest, pass_one.seen)
    return Checked(path, manifest, path.stat().st_size)


@dataclass
class _PassOne:
    """What the first reading found: every member hashed, the databases' schema versions, the manifest."""

    seen: dict[str, Member] = field(default_factory=dict)
    versions: dict[str, int | None] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    manifest: bytes | None = None

    def read(self, path: Path) -> None:
        databases = database_members()
        for info, reader in _members(path, strict=False):
            if reader is None or info.name in self.seen or (info.name == MANIFEST and self.manifest is not None):
                self.unexpected.append(info.name)
            elif info.name == MANIFEST:
                self.manifest = reader.read()
            else:
                digest, size, head = _copy(reader, info.size, lambda _chunk: None)
                self.seen[info.name] = Member(info.name, size, digest)
                if info.name in databases:
                    self.versions[databases[info.name]] = header_version(head)


def _check_members(manifest: Manifest, seen: dict[str, Member]) -> None:
    listed = {m.name: m for m in manifest.members}
    for name in sorted(set(listed) - set(seen)):
        raise OperationError(Refusal.MISSING_MEMBER, name, member=name)
    for name in sorted(set(seen) - set(listed)):
        raise OperationError(Refusal.UNEXPECTED_MEMBER, name, member=name)
    for name, member in listed.items():
        if seen[name] != member:
            raise OperationError(Refusal.CORRUPT, f"{name}: checksum or size differs from the manifest", member=name)
    if "catalog.sqlite3" not in listed:
        raise OperationError(Refusal.MISSING_MEMBER, "catalog.sqlite3", member="catalog.sqlite3")


def _check_schemas(manifest: Manifest, versions: dict[str, int | None]) -> None:
    """Each database is an SQLite file whose schema this nqbot knows (the header is read, not just the manifest)."""
    kinds = {k.name: k for k in database_kinds()}
    for name, found in [*manifest.schemas.items(), *versions.items()]:
        database = kinds.get(name)
        if database is None:
            raise OperationError(Refusal.TOO_NEW, f"unknown database {name!r}", what=name, found="?", known="-")
        if found is not None and found > database.schema.version:
            raise OperationError(Refusal.TOO_NEW, f"{database.filename}: schema {found} > {database.schema.version}",
                                 what=database.filename, found=found, known=database.schema.version)
    for name, found in versions.items():
        filename = kinds[name].filename
        if found is None:
            raise OperationError(Refusal.CORRUPT, f"{filename}: not an SQLite database", member=filename)
        if found != manifest.schemas.get(name):
            raise OperationError(Refusal.BAD_MANIFEST,
                                 f"{filename}: schema {found} but the manifest says {manifest.schemas.get(name)}")


def extract_archive(checked: Checked, target: Path) -> None:
    """Write the members of a checked archive under ``target`` (which the caller created and will clean up on
    failure), verifying each again: the archive may have changed since :func:`check_archive`."""
    listed = {m.name: m for m in checked.manifest.members}
    with _errors():
        _write_all(checked, listed, target)


def _write_all(checked: Checked, listed: dict[str, Member], target: Path) -> None:
    for info, reader in _members(checked.path):
        if info.name == MANIFEST:
            continue
        expected = listed.get(info.name)
        if expected is None or reader is None:
            raise OperationError(Refusal.UNEXPECTED_MEMBER, info.name, member=info.name)
        destination = target / info.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            digest, size, _ = _copy(reader, info.size, out.write)
            out.flush()
            os.fsync(out.fileno())
        if Member(info.name, size, digest) != expected:
            raise OperationError(Refusal.CORRUPT, f"{info.name} changed since it was checked", member=info.name)
