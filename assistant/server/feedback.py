"""Feedback on answers (useful or not, a comment, tags), kept in SQLite in the data folder.

SQLite from the standard library: one file beside the index, safe under several workers
(WAL journal), nothing to run. No personal data is asked for or stored: no name, no address.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Literal

from pydantic import BaseModel, Field

Tag = Literal["incorrect", "incomplet", "source manquante", "source obsolète", "hors sujet"]
TAGS: tuple[str, ...] = Tag.__args__  # type: ignore[attr-defined]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    useful INTEGER NOT NULL,
    comment TEXT NOT NULL,
    tags TEXT NOT NULL,
    cited TEXT NOT NULL
)
"""
COLUMNS = ("id", "created_at", "question", "answer", "useful", "comment", "tags", "cited")


class FeedbackIn(BaseModel):
    """What the page sends about one answer."""

    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(default="", max_length=20000)
    useful: bool = Field(strict=True)  # `0` or "oui" is not a vote
    comment: str = Field(default="", max_length=2000)
    tags: list[Tag] = Field(default_factory=list, max_length=len(TAGS))
    cited: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50, description="Identifiants des documents cités"
    )


class FeedbackUpdate(BaseModel):
    """What the page adds after a vote (saved on the first click): a comment, tags, or the
    other vote."""

    useful: bool | None = Field(default=None, strict=True)
    comment: str | None = Field(default=None, max_length=2000)
    tags: list[Tag] | None = Field(default=None, max_length=len(TAGS))


class FeedbackRow(FeedbackIn):
    id: int
    created_at: str


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per call: safe across the threads of the server.
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def add(self, item: FeedbackIn) -> FeedbackRow:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, question, answer, useful, comment, tags, cited)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    item.question,
                    item.answer,
                    int(item.useful),
                    item.comment.strip(),
                    json.dumps(item.tags, ensure_ascii=False),
                    json.dumps(item.cited, ensure_ascii=False),
                ),
            )
            new_id = cursor.lastrowid or 0
        return FeedbackRow(id=new_id, created_at=created, **item.model_dump())

    def update(self, row_id: int, change: FeedbackUpdate) -> FeedbackRow | None:
        """Row `row_id` with the fields `change` sets; None when there is no such row."""
        values: dict[str, object] = {}
        if change.useful is not None:
            values["useful"] = int(change.useful)
        if change.comment is not None:
            values["comment"] = change.comment.strip()
        if change.tags is not None:
            values["tags"] = json.dumps(change.tags, ensure_ascii=False)
        with self._connect() as db:
            if values:  # column names come from the model above, never from the request
                assignments = ", ".join(f"{column} = ?" for column in values)
                db.execute(
                    f"UPDATE feedback SET {assignments} WHERE id = ?", [*values.values(), row_id]
                )
        return next((r for r in self.rows() if r.id == row_id), None)

    def rows(self, limit: int | None = None) -> list[FeedbackRow]:
        """Newest first."""
        query = f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id DESC"
        with self._connect() as db:
            records = db.execute(query + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
            return [
                FeedbackRow(
                    id=r[0],
                    created_at=r[1],
                    question=r[2],
                    answer=r[3],
                    useful=bool(r[4]),
                    comment=r[5],
                    tags=json.loads(r[6]),
                    cited=json.loads(r[7]),
                )
                for r in records.fetchall()
            ]

    def export_csv(self, out: IO[str]) -> int:
        """All feedback as CSV into `out`; the number of rows."""
        for piece in self.csv_pieces():
            out.write(piece)
        return self.count()

    def count(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def csv_pieces(self, batch: int = 500) -> Iterator[str]:
        """All feedback as CSV, oldest first, a few hundred rows at a time: the export never
        holds the whole table in memory (tags and cited documents joined by ';')."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        query = f"SELECT {', '.join(COLUMNS)} FROM feedback WHERE id > ? ORDER BY id LIMIT ?"
        last = 0
        while True:
            with self._connect() as db:
                records = db.execute(query, (last, batch)).fetchall()
            for r in records:
                writer.writerow(
                    [
                        r[0],
                        r[1],
                        neutralise(r[2]),
                        neutralise(r[3]),
                        "oui" if r[4] else "non",
                        neutralise(r[5]),
                        neutralise(";".join(json.loads(r[6]))),
                        neutralise(";".join(json.loads(r[7]))),
                    ]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if len(records) < batch:
                return
            last = records[-1][0]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first),
    quoted so that it is shown as text: users' comments are opened in Excel or Calc."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
