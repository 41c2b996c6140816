"""What every speed tool measures the same way: a free loopback port, a server's readiness,
process memory and CPU time read from /proc, the machine, a folder's size.

Linux only (/proc): the figures are those the kernel keeps, the same for every tool.
"""

from __future__ import annotations

import os
import platform
import resource
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_ready(
    url: str, alive: Callable[[], bool], wait_s: float, log: Path | str = "", every: float = 0.2
) -> None:
    """Return once `url` answers 200: a server is ready when it answers, not when its process
    exists. Fail at once when `alive()` turns false (see `log`), and after `wait_s` seconds."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{url}: the server stopped before answering; {_tail(log)}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(every)
    raise TimeoutError(f"{url}: no answer after {wait_s:.0f} s; {_tail(log)}")


def _tail(log: Path | str) -> str:
    """The end of a server's log, where it says why it did not start."""
    try:
        return f"end of {log}:\n{Path(log).read_text(errors='replace')[-2000:]}"
    except OSError:
        return f"see {log}"


def descendants(root: int) -> list[int]:
    """Every process below `root`, read from /proc (uvicorn's workers and their helpers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def memory_mb(field: str, pid: int | str = "self", tree: bool = False) -> float:
    """A memory figure of /proc/PID/status in MB: "VmRSS" (resident now) or "VmHWM" (its peak).
    With `tree`, summed over the process and all below it, so that several workers each count
    their own model and index. A process that has gone counts 0."""
    pids = [pid, *descendants(int(pid))] if tree else [pid]
    total_kb = 0
    for one in pids:
        try:
            lines = Path(f"/proc/{one}/status").read_text().splitlines()
        except OSError:
            continue
        total_kb += next((int(x.split()[1]) for x in lines if x.startswith(f"{field}:")), 0)
    return total_kb / 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process and all below it have used so far: on a shared
    machine, the cost of a request varies far less in CPU time than in wall time."""
    ticks = 0
    for one in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process (user and system, every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def folder_mb(folder: Path) -> float:
    """Size on disk of everything below `folder`, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024
