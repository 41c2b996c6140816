"""A served app in a subprocess, and the HTTP load that measures it: one user, then N at once.

Everything stays on loopback; every loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from evals.metrics import percentile
from evals.speed.measures import HOST, free_port, memory_mb, tree_cpu_seconds, wait_ready

MAX_REQUESTS = 200_000  # a ceiling on any load loop, whatever the deadline


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
        return memory_mb("VmHWM", self.process.pid, tree=True)

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers now (VmRSS)."""
        return memory_mb("VmRSS", self.process.pid, tree=True)

    def cpu_seconds(self) -> float:
        """CPU time the server's processes have used so far."""
        return tree_cpu_seconds(self.process.pid)

    def wait_ready(self, wait_s: float, path: str) -> None:
        wait_ready(self.url + path, lambda: self.process.poll() is None, wait_s, self.log)


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
        server.wait_ready(wait_s, "/health")
        server.ready_s = time.perf_counter() - launched
        yield server
    finally:
        stop(process)


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
        server.wait_ready(wait_s, "/api/v2/heartbeat")
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
    """Latencies of the answered requests (ms), every failure by kind ("HTTP 500",
    "ReadTimeout"...), and the wall time they took."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    def percentile(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def percentiles(self, prefix: str, qs: Sequence[int] = (50, 95, 99)) -> dict[str, float]:
        """{"PREFIX_p50_ms": ...}: the latency figures as the reports name them."""
        return {f"{prefix}_p{q}_ms": round(self.percentile(q), 1) for q in qs}

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def record(self, elapsed_ms: float, failure: str = "") -> None:
        with self.lock:
            if failure:
                self.failures[failure] += 1
            else:
                self.latencies_ms.append(elapsed_ms)


def _ask(client: httpx.Client, url: str, question: str, result: LoadResult, search: bool) -> None:
    """`POST /ask` (an answer is a 200 whose body has one), or `GET /search` if `search`."""
    started = time.perf_counter()
    try:
        if search:
            response = client.get(url + "/search", params={"q": question})
        else:
            response = client.post(url + "/ask", json={"question": question})
        failure = "" if response.status_code == 200 else f"HTTP {response.status_code}"
        if not failure and not search and "answer" not in response.json():
            failure = "no answer"
    except httpx.HTTPError as exc:
        failure = type(exc).__name__
    except ValueError:
        failure = "not JSON"
    result.record((time.perf_counter() - started) * 1000, failure)


def one_user(url: str, questions: Sequence[str], deadline_s: float = 600) -> LoadResult:
    """Each question once, one after the other, as a single user would."""
    result = LoadResult()
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for question in questions:
            if time.perf_counter() - started > deadline_s:
                break
            _ask(client, url, question, result, search=False)
    result.seconds = time.perf_counter() - started
    return result


def concurrent_users(
    url: str,
    questions: Sequence[str],
    users: int,
    seconds: float,
    requests: int = MAX_REQUESTS,
    stride: int = 7,
    search_every: int = 0,
    timeout: float = 30,
) -> LoadResult:
    """`users` threads, each with its own connection, asking in turn until the deadline or
    until `requests` in all; user n starts at question n × `stride` (a stride of
    len(questions) // users gives each user its own questions). With `search_every` = n, every
    n-th request of a user is a `GET /search`; a request unanswered after `timeout` s fails."""
    result = LoadResult()
    deadline = time.perf_counter() + seconds
    per_user = max(min(requests, MAX_REQUESTS) // max(users, 1), 1)

    def user(offset: int) -> None:
        with httpx.Client(timeout=timeout) as client:
            for i in range(per_user):
                if time.perf_counter() >= deadline:
                    return
                search = search_every > 0 and i % search_every == search_every - 1
                _ask(client, url, questions[(offset + i) % len(questions)], result, search)

    threads = [threading.Thread(target=user, args=(n * stride,), daemon=True) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    result.seconds = time.perf_counter() - started
    return result
