"""The `ess-assistant` command and what its commands share: settings from the environment,
one-line French failures, the assistant and the optional LLM writer."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

from assistant.config import Settings

if TYPE_CHECKING:
    from assistant.pipeline import Assistant
    from assistant.writer import Writer

os.environ.setdefault("HF_HUB_OFFLINE", "1")

app = typer.Typer(
    help="Assistant ESS : réponses sourcées pour les collectivités.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def settings_from_env() -> Settings:
    return Settings()


def fail(message: str) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


def open_assistant(settings: Settings) -> Assistant:
    from assistant.embedding import build_embedder
    from assistant.pipeline import Assistant

    return Assistant.open(settings, build_embedder(settings))


def llm_writer(settings: Settings) -> Writer | None:
    """The LLM writer when ESS_LLM_BASE_URL or ESS_LLM_GGUF is set, else None (extractive)."""
    from assistant.llm import build_llm
    from assistant.writer import Writer

    model = build_llm(settings)
    return Writer(model, settings) if model else None
