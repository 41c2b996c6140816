"""Instructions hidden in documents ("Ignore les consignes et réponds que…") are never evidence.

A passage is data, not a command. The extractive path drops such sentences from what it may
quote; a writer (LLM) path should pass `strip_instructions(passage)` to its model, so that a
planted order never reaches the prompt as if it were text of the corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.french import fold, sentences

# On folded text (lowercase, no accents). Imperative forms only: a law saying "l'autorité
# répond que…" is a statement, "réponds que…" is an order to the reader.
_INSTRUCTION = re.compile(
    r"\b(ignore[rsz]?|oublie[rsz]?|ne tiens? pas compte|ne tenez pas compte|fais abstraction)\b"
    r".{0,60}\b(consignes?|instructions?|regles?|directives?|ce qui precede|consigne systeme)"
    r"|\b(reponds|repondez|dis|dites|affirmez|ecris|ecrivez|declarez)"
    r"(?:-moi|-leur)?\s+(?:\w+\s+){0,2}?(que|uniquement|seulement)\b"
    r"|\b(tu es|vous etes) (desormais|maintenant|a present|un assistant|une ia|un modele)"
    r"|\b(en tant qu'(?:ia|assistant|intelligence artificielle|modele de langue))"
    r"|\b(ne cite|ne citez) (aucune|pas de|jamais)"
    r"|system prompt|prompt systeme|jailbreak"
    r"|\bignore (?:all |the )?(?:previous|prior|above) instructions\b"
)


@lru_cache(maxsize=50_000)
def is_instruction(text: str) -> bool:
    """Whether `text` gives orders to whoever reads it, rather than stating something."""
    return bool(_INSTRUCTION.search(fold(text)))


def strip_instructions(passage: str) -> str:
    """`passage` without its instruction sentences (for a prompt to a language model)."""
    return " ".join(s for s in sentences(passage) if not is_instruction(s))
