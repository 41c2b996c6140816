"""The web page in a real headless Chromium (Debian's package, driven by Playwright), against
the real service on loopback: ask, open a citation, follow up, give feedback, present, export."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embedding import Embedder
from tests.live import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    # Outside CI a developer without the browser still runs the rest; CI installs it, so
    # there a missing browser is a failure, never a silent skip.
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SCIC = "Une commune peut-elle entrer au capital d'une SCIC ?"


ADMIN_TOKEN = "jeton-de-test-web"


@pytest.fixture(scope="module")
def server(
    indexed: tuple[Settings, object], embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1, with its own feedback database."""
    base = indexed[0]
    data = tmp_path_factory.mktemp("web-data")
    for sub in ("chroma", "lexical"):  # the built index, next to a fresh feedback database
        (data / sub).symlink_to(base.data_dir / sub)
    settings = base.model_copy(update={"data_dir": data, "admin_token": ADMIN_TOKEN})
    with serve(settings, embedder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    yield page
    context.close()
    assert not errors, errors


def ask(page: Page, question: str) -> None:
    before = page.locator(".turn").count()
    page.get_by_label("Votre question").fill(question)
    page.get_by_role("button", name="Demander").click()
    expect(page.locator(".turn")).to_have_count(before + 1, timeout=30_000)


def test_ask_then_open_a_citation_with_its_passage_highlighted(page: Page) -> None:
    ask(page, SCIC)
    turn = page.locator(".turn").last
    expect(turn.locator(".answer")).to_contain_text("50 %")
    turn.locator(".answer button.cite").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_contain_text("coopération")
    expect(dialog).to_contain_text("Loi n° 47-1775, art. 19 septies")  # as a lawyer cites it
    expect(dialog.locator(".status")).to_be_visible()
    expect(dialog.locator("mark").first).to_contain_text("50 %")
    link = dialog.get_by_role("link", name="Vérifier sur Légifrance")
    assert (link.get_attribute("href") or "").startswith("https://www.legifrance.gouv.fr/")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    turn.locator(".answer button.cite").first.click()
    page.screenshot(path=str(ARTIFACTS / "web-source.png"))


def test_an_older_source_is_visibly_marked_historique(page: Page) -> None:
    ask(page, "Jusqu'à quelle part du capital d'une SCIC une commune peut-elle monter ?")
    turn = page.locator(".turn").last
    historic = turn.locator(".sources li.historic")
    expect(historic.first).to_be_visible()
    expect(historic.first.locator(".status-historique")).to_contain_text("historique")
    expect(turn.locator(".warnings")).to_contain_text("2011")
    historic.first.locator("button").click()
    expect(page.locator("#source-historic")).to_be_visible()
    expect(page.locator("#source-historic")).to_contain_text("Texte historique")


def test_a_follow_up_is_rewritten_and_the_thread_kept(page: Page) -> None:
    ask(page, SCIC)
    ask(page, "et pour une région ?")
    turns = page.locator(".turn")
    expect(turns).to_have_count(2)
    understood = turns.nth(1).locator(".understood")
    expect(understood).to_contain_text("région")
    expect(understood).to_contain_text("SCIC")
    expect(turns.nth(1).locator(".answer")).to_contain_text("capital")
    page.reload()  # the thread survives a reload of the page
    expect(page.locator(".turn")).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-thread.png"), full_page=True)


def test_feedback_is_stored_and_listed(page: Page, server: str) -> None:
    ask(page, "Qu'est-ce que l'agrément ESUS ?")
    turn = page.locator(".turn").last
    turn.get_by_role("button", name="Pas utile").click()
    turn.get_by_label("Commentaire (facultatif)").fill("Il manque la durée de l'agrément.")
    turn.get_by_label("incomplet").check()
    turn.get_by_role("button", name="Envoyer l'avis").click()
    expect(turn.locator(".thanks")).to_contain_text("Merci")
    listing = urllib.request.Request(
        server + "/admin/feedback", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    with urllib.request.urlopen(listing) as response:
        rows = json.load(response)
    row = next(r for r in rows if r["comment"] == "Il manque la durée de l'agrément.")
    assert row["useful"] is False and row["tags"] == ["incomplet"]
    assert "ESUS" in row["question"] and row["cited"]


def test_presentation_mode_shows_one_answer_in_large_type(page: Page) -> None:
    ask(page, SCIC)
    ask(page, "Qu'est-ce qu'un PTCE ?")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="Mode présentation").click()
    expect(page.locator(".turn").first).to_be_hidden()
    expect(page.locator(".turn").last).to_be_visible()
    expect(page.locator("#profiles")).to_be_hidden()
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 1.4 * normal
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-presentation.png"))
    page.keyboard.press("Escape")
    expect(page.locator(".turn").first).to_be_visible()


def test_profile_examples_are_answered(page: Page) -> None:
    page.get_by_role("tab", name="Formateur·rice").click()
    examples = page.locator("#examples button")
    expect(examples.first).to_be_visible()
    question = examples.first.inner_text()
    examples.first.click()
    expect(page.locator(".turn")).to_have_count(1, timeout=30_000)
    expect(page.locator(".turn .question")).to_have_text(question)
    expect(page.locator(".turn .answer")).not_to_have_class("answer refused")
    expect(page.locator(".turn .answer button.cite").first).to_be_visible()


def test_conversation_exports_as_markdown_with_its_sources(page: Page) -> None:
    ask(page, SCIC)
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporter en Markdown").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Conversation ESS Assistant")
    assert SCIC in text and "**Sources**" in text and "Loi n° 47-1775, art. 19 septies" in text
    assert "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004" in text


def test_bad_input_gets_a_french_message(page: Page) -> None:
    page.get_by_role("button", name="Demander").click()
    expect(page.get_by_role("alert").first).to_contain_text("Écrivez une question")
    page.get_by_label("Votre question").fill("x" * 2000 + " ?")
    page.evaluate("document.querySelector('#question').removeAttribute('maxlength')")
    page.get_by_label("Votre question").fill("x" * 2100)
    page.get_by_role("button", name="Demander").click()
    expect(page.locator("#error")).to_contain_text("trop longue")


def test_keyboard_and_accessibility(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.get_by_label("Votre question").fill(SCIC)
    page.keyboard.press("Enter")  # Enter sends, from the keyboard alone
    expect(page.locator(".turn")).to_have_count(1, timeout=30_000)
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


def test_usable_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/")
    ask(page, SCIC)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-phone.png"), full_page=True)
    context.close()
