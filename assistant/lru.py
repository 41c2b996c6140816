"""A small thread-safe LRU map: the request threads of one worker share it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from threading import Lock
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most `size` entries; reading an entry makes it the last one evicted."""

    def __init__(self, size: int) -> None:
        self._data: OrderedDict[K, V] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key: K, value: V) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def get_many(
        self, keys: Sequence[K], read: Callable[[list[K]], Iterable[tuple[K, V]]]
    ) -> dict[K, V]:
        """The values of `keys` held here, and those `read` returns for the others (kept); a
        key `read` does not return is left out."""
        found = {k: v for k in keys if (v := self.get(k)) is not None}
        missing = [k for k in keys if k not in found]
        if missing:
            for key, value in read(missing):
                found[key] = value
                self.put(key, value)
        return found
