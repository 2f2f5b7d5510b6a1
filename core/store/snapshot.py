"""A year file read as a consistent private copy in memory: no lock taken, nothing written beside it.

SQLite itself cannot read a WAL-mode file without creating `-wal`/`-shm` beside it (impossible in a
read-only folder, on a read-only mount or a full disk) and cannot read at all while another program
holds the file with locking_mode=EXCLUSIVE. So reading for `score`, the exports, `verify-audit` and
the desktop's read-only window copies the bytes instead: the main file plus the committed frames of
its `-wal` (the WAL format is SQLite's documented one: https://www.sqlite.org/fileformat2.html#walformat),
and accepts the copy only when neither file changed while it was read; otherwise it reads again.

    image = read_image(path)           # bytes of a rollback-journal database, the last commit applied
    conn = connect_image(image)        # an in-memory connection on it
"""

from __future__ import annotations

import os
import sqlite3
import struct
import time
from pathlib import Path

WAL_MAGIC_LITTLE, WAL_MAGIC_BIG = 0x377F0682, 0x377F0683
WAL_HEADER_SIZE = 32
FRAME_HEADER_SIZE = 24
ATTEMPTS = 40  # a writer commits in milliseconds; forty tries spread over about two seconds
RETRY_PAUSE = 0.05


class Unsettled(Exception):
    """The file kept changing while it was read (a writer busy the whole time)."""


def wal_path(path: Path) -> Path:
    return Path(f"{path}-wal")


def _state(path: Path) -> tuple:
    """What must not change while the copy is read: both files' identity, size and time, and the
    WAL header. Why that is enough even with coarse file times: a commit appends to the WAL (its
    size changes); a checkpoint copies committed frames into the main file, and the copy of the WAL
    read after it still holds those frames, which win; only a restart of the WAL lets a writer
    overwrite them, and a restart writes new salts into the WAL header."""
    parts: list = []
    for file in (path, wal_path(path)):
        try:
            st = os.stat(file)
        except FileNotFoundError:
            parts.append(None)
            continue
        parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
    try:
        with open(wal_path(path), "rb") as f:
            parts.append(f.read(WAL_HEADER_SIZE))
    except FileNotFoundError:
        parts.append(None)
    return tuple(parts)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _read_all(path: Path) -> bytearray:
    """The file's bytes, read once into a buffer that is then changed in place (a year file may be
    tens of megabytes: no second copy)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        data = bytearray(size)
        view = memoryview(data)
        done = 0
        while done < size:
            count = f.readinto(view[done:])
            if not count:
                break
            done += count
        view.release()
    del data[done:]
    return data


def read_image(path: str | Path, *, attempts: int = ATTEMPTS) -> bytearray:
    """The database as of its last commit, as the bytes of a database without WAL. Raises OSError
    when the file cannot be read, Unsettled when it never stood still long enough to be copied."""
    path = Path(path)
    for attempt in range(attempts):
        before = _state(path)
        main = _read_all(path)
        wal = _read_or_none(wal_path(path))
        if _state(path) == before:
            return apply_wal(main, wal)
        del main
        time.sleep(RETRY_PAUSE * (1 + attempt % 3))
    raise Unsettled(str(path))


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack((">" if big_endian else "<") + f"{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def apply_wal(image: bytearray, wal: bytes | None) -> bytearray:
    """The main file's bytes with the WAL's committed frames written into them, in place (valid
    salts and checksums, up to the last commit frame, as SQLite's own recovery reads them), marked
    as a rollback-journal database so that it opens from memory."""
    if wal and len(wal) >= WAL_HEADER_SIZE:
        magic, _version, page_size, _seq, salt1, salt2, c0, c1 = struct.unpack(">8I", wal[:WAL_HEADER_SIZE])
        big_endian = magic == WAL_MAGIC_BIG
        valid_header = (magic in (WAL_MAGIC_LITTLE, WAL_MAGIC_BIG) and page_size >= 512
                        and page_size & (page_size - 1) == 0
                        and _checksum(wal[:24], big_endian, 0, 0) == (c0, c1))
        if valid_header:
            s0, s1 = c0, c1
            committed: dict[int, bytes] = {}
            pending: dict[int, bytes] = {}
            db_pages = None
            offset = WAL_HEADER_SIZE
            frame_size = FRAME_HEADER_SIZE + page_size
            while offset + frame_size <= len(wal):
                pgno, commit, f_salt1, f_salt2, f0, f1 = struct.unpack(">6I", wal[offset:offset + FRAME_HEADER_SIZE])
                if (f_salt1, f_salt2) != (salt1, salt2) or pgno == 0:
                    break
                page = wal[offset + FRAME_HEADER_SIZE:offset + frame_size]
                s0, s1 = _checksum(wal[offset:offset + 8], big_endian, s0, s1)
                s0, s1 = _checksum(page, big_endian, s0, s1)
                if (s0, s1) != (f0, f1):
                    break
                pending[pgno] = page
                if commit:
                    committed.update(pending)
                    pending.clear()
                    db_pages = commit
                offset += frame_size
            if db_pages is not None:
                size = db_pages * page_size
                del image[size:]
                image.extend(bytes(size - len(image)))
                for pgno, page in committed.items():
                    if pgno <= db_pages:
                        image[(pgno - 1) * page_size:pgno * page_size] = page
    if len(image) >= 20 and image[18:20] == b"\x02\x02":  # WAL mode: read as an ordinary file
        image[18:20] = b"\x01\x01"
    return image


def connect_image(image: bytes | bytearray, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """An in-memory connection on a database image; its changes never reach any file."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=check_same_thread)
    try:
        conn.deserialize(image)
    except sqlite3.Error:
        conn.close()
        raise
    return conn
