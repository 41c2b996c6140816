"""Anonymised question logging: off by default; when on, no IP and no contact details.

Officials type real cases into the box ("M. Durand, 06 12 34 56 78, demande…"). A log line
keeps the question with e-mails, phone numbers and long digit runs (SIRET, NIR, IBAN) masked,
and the client as a salted hash: one can count repeat visitors, not find them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets

log = logging.getLogger("assistant.questions")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<!\w)(?:(?:\+|00)\s?\d{2,3}[\s.-]?\(?0?\)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\w)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_DIGITS = re.compile(r"(?<!\w)\d(?:[\s.]?\d){8,}(?!\w)")  # SIRET, NIR, account numbers

# Secret for the life of the process, never written anywhere: the hash of an address cannot
# be reversed by hashing the (small) IPv4 space.
_SALT = secrets.token_bytes(16)


def mask(text: str) -> str:
    """`text` with e-mails, phone numbers, IBANs and long numbers replaced by placeholders."""
    text = _EMAIL.sub("[courriel]", text)
    text = _IBAN.sub("[iban]", text)
    text = _PHONE.sub("[téléphone]", text)
    return _DIGITS.sub("[numéro]", text)


def client_tag(host: str | None, user_agent: str = "") -> str:
    """A short salted hash standing for the client; the address itself is never logged."""
    digest = hashlib.sha256(_SALT + f"{host or '?'}|{user_agent}".encode())
    return digest.hexdigest()[:12]


def log_question(question: str, host: str | None, user_agent: str = "") -> None:
    """One log line for a question, anonymised (called only when `log_questions` is on)."""
    log.info("question client=%s: %s", client_tag(host, user_agent), mask(question)[:500])
