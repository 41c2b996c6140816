"""Soak test: N users asking at once for minutes, on loopback; no error, and memory flat.

`python -m evals.speed.soak --users 16 --seconds 120` serves the index of `ESS_DATA_DIR` in a
subprocess (evals/speed/load.py starts and stops it) and samples the server's resident memory every
second while the users ask. The benchmark (evals/speed/bench.py) measures speed; this measures that
nothing fails and nothing leaks.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import numpy as np

from evals.speed.load import MAX_REQUESTS, descendants, serve

QUESTIONS = Path(__file__).parent / "questions.jsonl"
APP = "assistant.server.app:app_from_env"


def rss_mb(pid: int) -> float:
    """Resident memory now (VmRSS) of `pid` and its children, in MB."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Sampler(threading.Thread):
    """Samples `rss_mb(pid)` every `interval` seconds until `stop()`."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append(rss_mb(self.pid))
            self._halt.wait(self.interval)

    def stop(self) -> list[float]:
        self._halt.set()
        self.join(timeout=5)
        return self.samples


@dataclass
class Outcomes:
    """What the users got: latencies of answers, and every failure by kind."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)  # "HTTP 500", "ReadTimeout"...
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, elapsed_ms: float, failure: str = "") -> None:
        with self.lock:
            if failure:
                self.failures[failure] += 1
            else:
                self.latencies_ms.append(elapsed_ms)


def users_asking(
    url: str, questions: Sequence[str], users: int, seconds: float, timeout: float
) -> tuple[Outcomes, float]:
    """`users` threads asking (`POST /ask`, every fifth a `GET /search`) until the deadline."""
    outcomes = Outcomes()
    deadline = time.perf_counter() + seconds

    def user(offset: int) -> None:
        with httpx.Client(timeout=timeout) as client:
            for i in range(MAX_REQUESTS // users):
                if time.perf_counter() >= deadline:
                    return
                question = questions[(offset + i) % len(questions)]
                started = time.perf_counter()
                try:
                    if i % 5 == 4:
                        response = client.get(url + "/search", params={"q": question})
                    else:
                        response = client.post(url + "/ask", json={"question": question})
                    failure = "" if response.status_code == 200 else f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    failure = type(exc).__name__
                outcomes.record((time.perf_counter() - started) * 1000, failure)

    threads = [threading.Thread(target=user, args=(n * 7,), daemon=True) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    return outcomes, time.perf_counter() - started


@dataclass
class SoakResult:
    users: int
    seconds: float
    requests: int
    errors: int
    failures: dict[str, int]
    p50_ms: float
    p95_ms: float
    rss_start_mb: float  # median of the first fifth of the samples (after the warm-up)
    rss_end_mb: float  # median of the last fifth
    rss_max_mb: float

    @property
    def growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb

    def lines(self) -> list[str]:
        return [
            f"{self.users} utilisateurs pendant {self.seconds:.0f} s : {self.requests} requêtes, "
            f"{self.errors} erreurs {self.failures or ''}; latence médiane {self.p50_ms:.0f} ms, "
            f"p95 {self.p95_ms:.0f} ms",
            f"Mémoire du service : {self.rss_start_mb:.0f} Mo au début, {self.rss_end_mb:.0f} Mo "
            f"à la fin ({self.growth_mb:+.0f} Mo), pic {self.rss_max_mb:.0f} Mo",
        ]


def soak(
    url: str,
    pid: int,
    questions: Sequence[str],
    users: int,
    seconds: float,
    warmup: float = 5.0,
    timeout: float = 60.0,
) -> SoakResult:
    """A warm-up round (not counted), then `users` asking for `seconds` while memory is sampled;
    a request unanswered after `timeout` seconds counts as an error."""
    users_asking(url, questions, users, warmup, timeout)
    sampler = Sampler(pid)
    sampler.start()
    outcomes, elapsed = users_asking(url, questions, users, seconds, timeout)
    samples = sampler.stop() or [0.0]
    fifth = max(1, len(samples) // 5)
    latencies = outcomes.latencies_ms or [0.0]
    errors = sum(outcomes.failures.values())
    return SoakResult(
        users=users,
        seconds=elapsed,
        requests=len(outcomes.latencies_ms) + errors,
        errors=errors,
        failures=dict(outcomes.failures),
        p50_ms=float(np.percentile(latencies, 50)),
        p95_ms=float(np.percentile(latencies, 95)),
        rss_start_mb=statistics.median(samples[:fifth]),
        rss_end_mb=statistics.median(samples[-fifth:]),
        rss_max_mb=max(samples),
    )


def load_questions(path: Path = QUESTIONS) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Charge prolongée sur 127.0.0.1 : erreurs, mémoire"
    )
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--timeout", type=float, default=60, help="délai d'une requête (s)")
    parser.add_argument("--json", type=Path, help="écrit les chiffres en JSON")
    args = parser.parse_args(argv)
    env = {"HF_HUB_OFFLINE": "1", **{k: v for k, v in os.environ.items() if k.startswith("ESS_")}}
    with serve(APP, env) as server:
        result = soak(
            server.url,
            server.process.pid,
            load_questions(),
            args.users,
            args.seconds,
            timeout=args.timeout,
        )
    for line in result.lines():
        print(line)
    if args.json:
        body = asdict(result) | {"growth_mb": result.growth_mb}
        args.json.write_text(json.dumps(body, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
