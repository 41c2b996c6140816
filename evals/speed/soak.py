"""Soak test: N users asking at once for minutes, on loopback; no error, and memory flat.

`python -m evals.speed.soak --users 16 --seconds 120` serves the index of `ESS_DATA_DIR` in a
subprocess (evals/speed/load.py starts and stops it) and samples the server's resident memory
every second while the users ask (the same load driver as the benchmark, every fifth request a
search). The benchmark (evals/speed/bench.py) measures speed; this measures that nothing fails
and nothing leaks.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from evals.questions import question_texts
from evals.speed.load import Server, concurrent_users, serve

APP = "assistant.server.app:app_from_env"


class Sampler(threading.Thread):
    """Samples the resident memory of `server` every `interval` seconds until `stop()`."""

    def __init__(self, server: Server, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append(self.server.rss_mb())
            self._halt.wait(self.interval)

    def stop(self) -> list[float]:
        self._halt.set()
        self.join(timeout=5)
        return self.samples


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
    server: Server,
    questions: Sequence[str],
    users: int,
    seconds: float,
    warmup: float = 5.0,
    timeout: float = 60.0,
) -> SoakResult:
    """A warm-up round (not counted), then `users` asking for `seconds` while memory is sampled;
    a request unanswered after `timeout` seconds counts as an error."""
    concurrent_users(server.url, questions, users, warmup, search_every=5, timeout=timeout)
    sampler = Sampler(server)
    sampler.start()
    asked = concurrent_users(server.url, questions, users, seconds, search_every=5, timeout=timeout)
    samples = sampler.stop() or [0.0]
    fifth = max(1, len(samples) // 5)
    return SoakResult(
        users=users,
        seconds=asked.seconds,
        requests=len(asked.latencies_ms) + asked.errors,
        errors=asked.errors,
        failures=dict(asked.failures),
        p50_ms=asked.percentile(50),
        p95_ms=asked.percentile(95),
        rss_start_mb=statistics.median(samples[:fifth]),
        rss_end_mb=statistics.median(samples[-fifth:]),
        rss_max_mb=max(samples),
    )


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
            server,
            question_texts(),
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
