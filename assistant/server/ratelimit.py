"""Requests per client over a moving window, for the routes anyone can call many times.

The `limits` library counts in this worker's memory: with several workers, each allows the
rate on its own. Behind a reverse proxy, the client is the address uvicorn is given by the
proxy headers (`--proxy-headers`, `--forwarded-allow-ips`), else every user is the proxy.
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


def parse_rates(text: str) -> list[RateLimitItem]:
    """`"30/minute;500/day"` as limits; "" = no limit. ValueError on a malformed rate."""
    return parse_many(text) if text.strip() else []


class RateLimits:
    """One budget per (route group, client), refused with a French 429 and `Retry-After`."""

    def __init__(self, rates: dict[str, str]) -> None:
        self.rates = {group: parse_rates(text) for group, text in rates.items()}
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, group: str, client: str) -> None:
        for rate in self.rates.get(group, []):
            if not self.limiter.hit(rate, group, client):
                stats = self.limiter.get_window_stats(rate, group, client)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise HTTPException(
                    429,
                    f"trop de requêtes : au plus {rate.amount} par {_french(rate)} ; "
                    f"réessayez dans {wait} s",
                    headers={"Retry-After": str(wait)},
                )


def _french(rate: RateLimitItem) -> str:
    unit = {
        "second": "seconde",
        "minute": "minute",
        "hour": "heure",
        "day": "jour",
        "month": "mois",
        "year": "an",
    }.get(rate.GRANULARITY.name, rate.GRANULARITY.name)
    return f"{rate.multiples} {unit}s" if rate.multiples > 1 else unit
