"""A small real file system for the disk-full tests: a tmpfs mounted for one test, filled and freed on demand.

This machine and CI run as root, where ``mount -t tmpfs`` works; elsewhere the fixture
fails with a clear message rather than skipping (the root-free test of the database path
uses SQLite's ``max_page_count`` instead).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BLOCK = 1024 * 1024


class SmallDisk:
    """A mounted tmpfs of a few MB; :meth:`fill` leaves ``room`` bytes free, :meth:`free` gives the space back."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.filler = mount / "filler"

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.mount).free

    def fill(self, room: int = 0) -> None:
        """Write a filler file until the disk is full, then cut it to leave ``room`` bytes."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            block = b"\0" * BLOCK
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    if len(block) == 1:
                        break
                    block = block[: len(block) // 2]
            size = os.fstat(fd).st_size
            os.ftruncate(fd, max(0, size - room))
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@contextmanager
def small_disk(folder: Path, size_mb: int) -> Iterator[SmallDisk]:
    """A tmpfs of ``size_mb`` MB mounted on ``folder`` for the block; always unmounted after."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(
            "the disk-full tests mount a small tmpfs and need root (as on CI and the dev machine):"
            f" mount said {mounted.stderr.strip()!r}"
        )
    try:
        yield SmallDisk(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
