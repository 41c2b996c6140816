"""A served app in a subprocess, and the HTTP load that measures it: one user, then N at once.

Everything stays on loopback; every loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

HOST = "127.0.0.1"
MAX_REQUESTS = 200_000  # a ceiling on any load loop, whatever the deadline


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A uvicorn process (and its workers) started by `serve`."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    ready_s: float = 0.0  # from launch to the first `/health` answer: model and index loaded

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the server: the sum of each process's high-water mark
        (VmHWM), so with several workers it counts every worker's model and index."""
        pids = [self.process.pid, *descendants(self.process.pid)]
        return sum(_vm_hwm_kb(pid) for pid in pids) / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the server's processes have used so far: on a shared
        machine, the cost of a request varies far less in CPU time than in wall time."""
        pids = [self.process.pid, *descendants(self.process.pid)]
        return sum(_cpu_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


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


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


NO_RATE_LIMITS = {"ESS_RATE_LIMIT_ASK": "", "ESS_RATE_LIMIT_FEEDBACK": ""}


@contextmanager
def serve(
    app: str, env: Mapping[str, str], workers: int = 1, log: Path | None = None, wait_s: float = 180
) -> Iterator[Server]:
    """`uvicorn APP --factory` on a free loopback port, ready once `/health` answers; the whole
    process group is stopped on exit."""
    port = free_port()
    log = log or Path(os.devnull)
    command = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", HOST]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            # A load test measures the service, not the per-client limits (one client here).
            env={**NO_RATE_LIMITS, **os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://{HOST}:{port}", log)
    launched = time.perf_counter()
    try:
        wait_ready(server, wait_s)
        server.ready_s = time.perf_counter() - launched
        yield server
    finally:
        stop(process)


def wait_ready(server: Server, wait_s: float, path: str = "/health") -> None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited ({server.process.returncode}); see {server.log}")
        try:
            if httpx.get(server.url + path, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"server not ready after {wait_s:.0f} s; see {server.log}")


def chroma_command() -> str:
    """The `chroma` command installed with the chromadb package (beside this Python first)."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command of the chromadb package is not installed")
    return found


@contextmanager
def serve_chroma(path: Path, log: Path | None = None, wait_s: float = 120) -> Iterator[Server]:
    """`chroma run` on a free loopback port with its data in `path`, ready once its heartbeat
    answers; stopped on exit."""
    port = free_port()
    log = log or Path(os.devnull)
    command = [chroma_command(), "run", "--path", str(path), "--host", HOST, "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, f"http://{HOST}:{port}", log)
    try:
        wait_ready(server, wait_s, "/api/v2/heartbeat")
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group this process leads (its workers too), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@dataclass
class LoadResult:
    """Latencies of the answered requests (ms), errors, and the wall time they took."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def _ask(
    client: httpx.Client, url: str, question: str, result: LoadResult, lock: threading.Lock
) -> None:
    started = time.perf_counter()
    try:
        response = client.post(url + "/ask", json={"question": question})
        ok = response.status_code == 200 and "answer" in response.json()
    except (httpx.HTTPError, ValueError):
        ok = False
    elapsed = (time.perf_counter() - started) * 1000
    with lock:
        if ok:
            result.latencies_ms.append(elapsed)
        else:
            result.errors += 1


def one_user(url: str, questions: Sequence[str], deadline_s: float = 600) -> LoadResult:
    """Each question once, one after the other, as a single user would."""
    result, lock = LoadResult(), threading.Lock()
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for question in questions:
            if time.perf_counter() - started > deadline_s:
                break
            _ask(client, url, question, result, lock)
    result.seconds = time.perf_counter() - started
    return result


def concurrent_users(
    url: str,
    questions: Sequence[str],
    users: int,
    seconds: float,
    requests: int = MAX_REQUESTS,
    stride: int = 7,
) -> LoadResult:
    """`users` threads, each with its own connection, asking in turn until the deadline or
    until `requests` in all; user n starts at question n × `stride` (a stride of
    len(questions) // users gives each user its own questions)."""
    result, lock = LoadResult(), threading.Lock()
    deadline = time.perf_counter() + seconds
    per_user = max(min(requests, MAX_REQUESTS) // max(users, 1), 1)

    def user(offset: int) -> None:
        with httpx.Client(timeout=30) as client:
            for i in range(per_user):
                if time.perf_counter() >= deadline:
                    return
                _ask(client, url, questions[(offset + i) % len(questions)], result, lock)

    threads = [threading.Thread(target=user, args=(n * stride,), daemon=True) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    result.seconds = time.perf_counter() - started
    return result
