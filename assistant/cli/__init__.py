"""`ess-assistant`: thin commands that parse, call the library and print (`app.py` holds
what they share; `commands.py` the everyday ones, `measures.py` bench and eval)."""

from __future__ import annotations

import logging
import os

from assistant.cli import commands, measures  # noqa: F401  (registers the commands)
from assistant.cli.app import app, fail
from assistant.errors import EssError


def main() -> None:
    """Entry point: French one-line errors, never a traceback, for the errors users can meet."""
    logging.basicConfig(level=os.environ.get("ESS_LOG_LEVEL", "WARNING"))
    try:
        app(standalone_mode=True)
    except EssError as exc:
        fail(str(exc))
    except (OSError, ValueError) as exc:
        fail(f"{type(exc).__name__} : {exc}")
