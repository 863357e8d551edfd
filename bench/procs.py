"""What a server under test costs the machine: its processes, their CPU seconds and resident memory (``/proc``).

A server started with ``--workers N`` is a parent and N spawned workers; PostgreSQL is a postmaster and a
backend per connection. :func:`tree` finds a process and its descendants, and the figures are summed over it.
"""

from __future__ import annotations

import os
from pathlib import Path


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def tree(pid: int) -> list[int]:
    """Process ``pid`` and every process descended from it, alive now."""
    parents = {int(name): _parent(int(name)) for name in os.listdir("/proc") if name.isdigit()}
    found, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def rss_kib(pid: int) -> int:
    """The resident memory of process ``pid`` in KiB (``VmRSS``; 0 once it has gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds process ``pid`` has used (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_kib(pid: int) -> int:
    """The resident memory of ``pid`` and its descendants, summed, in KiB."""
    return sum(rss_kib(each) for each in tree(pid))


class CpuMeter:
    """CPU seconds used by a process tree from now on, per process (a process that ends keeps its last reading)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.first = {each: cpu_seconds(each) for each in tree(pid)}
        self.last = dict(self.first)

    def used(self) -> float:
        """CPU seconds the tree has used since this meter started (processes started since count from zero)."""
        for each in tree(self.pid):
            self.last[each] = cpu_seconds(each)
        return sum(seconds - self.first.get(each, 0.0) for each, seconds in self.last.items())


def load_average() -> str:
    """The machine's load averages over 1, 5 and 15 minutes, as ``/proc/loadavg`` gives them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
