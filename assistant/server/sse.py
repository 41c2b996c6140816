"""Server-Sent Events framing for `POST /ask/stream`: what the writer yields, as the wire shows it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from assistant.writer import Final


def sse_events(events: Iterable[str | Final]) -> Iterator[str]:
    """Server-Sent Events for `POST /ask/stream`: `delta` events carry text as it is written,
    one `final` event the answer to show (the same JSON as `POST /ask`) and `replace`, true when
    the streamed text must give way to it."""
    for event in events:
        if isinstance(event, Final):
            body = event.answer.model_dump() | {"replace": event.replaced}
            yield _sse("final", body)
        else:
            yield _sse("delta", {"text": event})


def _sse(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
