"""The web page in a real headless Chromium (Debian's package, driven by Playwright), against
the real service on loopback: ask, open a citation, follow up, give feedback, present, export."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embedding import Embedder
from tests.fixtures import ROOT
from tests.live import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    # Outside CI a developer without the browser still runs the rest; CI installs it, so
    # there a missing browser is a failure, never a silent skip.
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, Route, expect, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

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
    # No per-client rate limit: every test here asks from 127.0.0.1 (limits: test_admin.py).
    unlimited = {"rate_limit_ask": "", "rate_limit_feedback": ""}
    settings = base.model_copy(update={"data_dir": data, "admin_token": ADMIN_TOKEN, **unlimited})
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
    before = page.locator(".turn:not(.pending)").count()
    page.get_by_label("Votre question").fill(question)
    page.get_by_role("button", name="Demander").click()
    expect(page.locator(".turn:not(.pending)")).to_have_count(before + 1, timeout=30_000)
    expect(page.locator(".turn.pending")).to_have_count(0)


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


def feedback_rows(server: str) -> list[dict[str, object]]:
    listing = urllib.request.Request(
        server + "/admin/feedback", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    with urllib.request.urlopen(listing) as response:
        rows: list[dict[str, object]] = json.load(response)
    return rows


def test_a_vote_is_saved_on_the_first_click_and_details_come_after(page: Page, server: str) -> None:
    ask(page, "Qu'est-ce que l'agrément ESUS ?")
    ask(page, "Qu'est-ce qu'un PTCE ?")
    before = len(feedback_rows(server))
    first, second = page.locator(".turn").nth(0), page.locator(".turn").nth(1)
    first.get_by_role("button", name="Utile", exact=True).click()
    expect(first.locator(".thanks")).to_contain_text("Merci")
    second.get_by_role("button", name="Pas utile").click()
    expect(second.locator(".thanks")).to_contain_text("Merci")
    rows = feedback_rows(server)
    assert len(rows) == before + 2, "each single click on a vote is one saved row"
    esus = next(r for r in rows if "ESUS" in str(r["question"]))
    assert esus["useful"] is True and esus["cited"]
    # Tags come after "Pas utile" only; comment and tags complete the same row.
    expect(first.get_by_label("incomplet")).to_be_hidden()
    second.get_by_label("Commentaire (facultatif)").fill("Il manque la durée.")
    second.get_by_label("incomplet").check()
    second.get_by_role("button", name="Ajouter à l'avis").click()
    expect(second.locator(".thanks")).to_contain_text("précisions")
    rows = feedback_rows(server)
    assert len(rows) == before + 2
    ptce = next(r for r in rows if "PTCE" in str(r["question"]))
    assert ptce["useful"] is False and ptce["tags"] == ["incomplet"]
    assert ptce["comment"] == "Il manque la durée."


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
    expect(page.locator("#error")).to_contain_text("trop long (2000 caractères au plus)")


def test_keyboard_and_accessibility(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.get_by_label("Votre question").fill(SCIC)
    page.keyboard.press("Enter")  # Enter sends, from the keyboard alone
    expect(page.locator(".turn:not(.pending)")).to_have_count(1, timeout=30_000)
    axe = Axe()

    def check(where: str) -> None:
        results = axe.run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
        assert not results.response["violations"], where + "\n" + results.generate_report()

    check("the page with an answer")
    page.locator(".turn .vote").first.click()  # the feedback form, opened
    expect(page.locator(".turn .thanks")).to_contain_text("Merci")
    check("after a vote")
    page.get_by_role("button", name="Documents").click()
    expect(page.locator("#documents tbody tr").first).to_be_visible()
    check("the Documents view")
    page.locator("#documents tbody tr button").first.click()
    expect(page.locator("#document .doc-passage").first).to_be_visible()
    check("a document opened")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Mode présentation").click()
    check("presentation mode")


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


# ---- what got in the way (issue 18) ---------------------------------------------------------


def test_enter_while_pending_sends_once_and_the_wait_can_be_cancelled(page: Page) -> None:
    held: list[Route] = []
    page.route("**/ask", lambda route: held.append(route))  # the network holds the request
    box = page.get_by_label("Votre question")
    box.fill(SCIC)
    box.press("Enter")
    expect(page.locator(".turn.pending")).to_contain_text("Recherche dans les documents")
    box.press("Enter")
    box.press("Enter")
    page.wait_for_timeout(300)
    assert len(held) == 1, "Enter while a request is pending sends nothing more"
    page.get_by_role("button", name="Annuler").click()
    expect(page.locator("#error")).to_contain_text("annulée")
    expect(page.locator(".turn")).to_have_count(0)
    page.unroute("**/ask")
    for route in held:
        with contextlib.suppress(PlaywrightError):  # already gone with the cancelled request
            route.abort()
    ask(page, SCIC)  # and the page asks again normally
    expect(page.locator(".turn")).to_have_count(1)


def visible_bottom(page: Page) -> float:
    """The bottom of what the reader sees: the viewport, above the question box when sticky."""
    return float(
        page.evaluate(
            """() => {
              const form = document.querySelector('#ask-form');
              const sticky = getComputedStyle(form).position === 'sticky';
              return sticky ? form.getBoundingClientRect().top : window.innerHeight;
            }"""
        )
    )


def first_line_shown(page: Page) -> bool:
    """Whether the last answer's first line is on screen and not under anything (the point in
    its middle belongs to the answer)."""
    return bool(
        page.evaluate(
            """() => {
              const answer = [...document.querySelectorAll('.turn')].at(-1).querySelector('.answer');
              const first = answer.firstElementChild;
              const range = document.createRange();
              range.selectNodeContents(first);
              const line = range.getClientRects()[0];
              if (!line || line.top < 0 || line.bottom > window.innerHeight) return false;
              const hit = document.elementFromPoint(line.left + 4, (line.top + line.bottom) / 2);
              return Boolean(hit && answer.contains(hit));
            }"""
        )
    )


@pytest.mark.parametrize(
    ("width", "height", "presenting"),
    [(1366, 768, False), (1920, 1080, True), (375, 812, False)],
    ids=["desk-1366", "presentation-1920", "phone-375"],
)
def test_after_asking_the_question_and_its_answer_start_at_the_top(
    browser: Browser, server: str, width: int, height: int, presenting: bool
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 500
    )
    page = context.new_page()
    page.goto(server + "/")
    if presenting:
        page.get_by_role("button", name="Mode présentation").click()
    ask(page, SCIC)
    ask(page, "Qu'est-ce que l'agrément ESUS ?")
    page.wait_for_timeout(300)  # any scrolling settles
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-after-asking-{width}x{height}.png"))
    question = page.locator(".turn").last.locator("h3").bounding_box()
    assert question is not None and 0 <= question["y"] <= 0.2 * height, question
    assert first_line_shown(page), "the answer's first line is visible after asking"
    answer = page.locator(".turn").last.locator(".answer").bounding_box()
    assert answer is not None and answer["y"] + 60 < visible_bottom(page)
    if presenting:
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.turn:last-child .answer p')).fontSize)"
        )
        assert size >= 32
    context.close()


def test_the_question_box_is_compact_grows_and_never_hides_focus(
    browser: Browser, server: str
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(server + "/")
    ask(page, SCIC)
    form = page.locator("#ask-form").bounding_box()
    assert form is not None and form["height"] <= 130, form
    box = page.get_by_label("Votre question")
    small = box.bounding_box()
    box.fill("Une question\nsur plusieurs\nlignes\npour voir\nla boîte grandir")
    large = box.bounding_box()
    assert small and large and large["height"] > small["height"] + 40
    box.fill("")
    # Tab through everything after the answer: no focused control lies under the sticky box.
    page.locator(".turn h3").first.focus()
    hidden = []
    for _ in range(25):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
              const a = document.activeElement, form = document.querySelector('#ask-form');
              if (a === document.body || form.contains(a)) return null;
              const r = a.getBoundingClientRect();
              return {text: a.textContent.slice(0, 30), bottom: r.bottom,
                      limit: form.getBoundingClientRect().top, top: r.top};
            }"""
        )
        if state and (state["bottom"] > state["limit"] or state["top"] < 0):
            hidden.append(state)
    assert not hidden, hidden
    context.close()
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = phone.new_page()
    page.goto(server + "/")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#ask-form')).position") != "sticky"
    )
    phone.close()


def test_lists_are_lists_and_each_passage_is_listed_once(page: Page) -> None:
    ask(page, "Quelles sont les conditions de l'agrément ESUS ?")
    turn = page.locator(".turn").last
    answer_text = turn.locator(".answer").inner_text()
    assert not any(line.lstrip().startswith(("* ", "- ")) for line in answer_text.splitlines())
    sources = turn.locator(".sources")
    assert sources.evaluate("e => e.tagName") == "UL"
    assert sources.locator("li").first.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    items = sources.locator("li").all_inner_texts()
    assert items and all(t.lstrip().startswith("[") for t in items)
    labels = [t.split("(")[0] for t in items]
    assert len(labels) == len(set(labels)), f"a passage listed twice: {items}"


def test_an_answer_that_lists_steps_shows_a_list(page: Page) -> None:
    ask(page, "Quel déroulé pour une formation de trois heures sur l'ESS avec des élus ?")
    answer = page.locator(".turn .answer")
    items = answer.locator("li")
    expect(items.first).to_be_visible()
    assert items.count() >= 3
    paragraphs = answer.locator("p").all_inner_texts()
    assert not [
        p for p in paragraphs if p.lstrip()[:2] in ("- ", "* ") or p[:3].rstrip(". ").isdigit()
    ]


def test_examples_sound_like_the_people_who_ask(page: Page) -> None:
    page.get_by_role("tab", name="Formateur·rice").click()
    trainer = page.locator("#examples button").all_inner_texts()
    assert any("formation" in q or "expliqu" in q for q in trainer), trainer
    assert not any(re.search(r"\b(19|20)\d\d\b", q) for q in trainer), "no archive dates"


def test_presentation_scales_everything_and_steps_through_questions(
    browser: Browser, server: str
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(server + "/")
    ask(page, SCIC)
    ask(page, "Qu'est-ce qu'un PTCE ?")
    sizes = "(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)"
    badge, heading = page.evaluate(sizes, ".turn .status"), page.evaluate(sizes, ".turn h3")
    page.get_by_role("button", name="Mode présentation").click()
    turns = page.locator(".turn")
    expect(turns.first).to_be_hidden()
    expect(turns.last).to_be_visible()
    expect(page.locator("#profiles")).to_be_hidden()
    assert page.evaluate(sizes, ".turn:last-child .answer p") >= 32
    assert page.evaluate(sizes, ".turn:last-child .status") >= 1.8 * badge
    assert page.evaluate(sizes, ".turn:last-child h3") >= 1.8 * heading
    expect(turns.last.locator(".sources")).to_be_hidden()  # the opening first, sources folded
    turns.last.get_by_role("button", name="Sources").click()
    expect(turns.last.locator(".sources")).to_be_visible()
    assert page.evaluate(sizes, ".turn:last-child .sources li") >= 1.8 * badge
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-presentation.png"))
    page.get_by_role("button", name="Question précédente").click()
    expect(turns.first).to_be_visible()
    expect(turns.last).to_be_hidden()
    expect(page.get_by_role("button", name="Question précédente")).to_be_disabled()
    page.get_by_role("button", name="Question suivante").click()
    expect(turns.last).to_be_visible()
    page.keyboard.press("PageUp")  # a presenter's remote
    expect(turns.first).to_be_visible()
    page.keyboard.press("PageDown")
    expect(turns.last).to_be_visible()
    page.get_by_role("button", name="Plein écran").click()
    page.wait_for_function("document.fullscreenElement !== null")
    expect(page.get_by_label("Votre question")).to_be_visible()  # still reachable
    page.get_by_role("button", name="Quitter la présentation").click()
    expect(turns.first).to_be_visible()
    context.close()


def test_printing_is_compact_with_the_date_and_source_addresses(page: Page) -> None:
    ask(page, SCIC)
    ask(page, "Qu'est-ce que l'agrément ESUS ?")
    ask(page, "Qu'est-ce qu'un PTCE ?")
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    pages = [p.extract_text() for p in pdf.pages]
    first = " ".join(pages[0].split())
    assert "Conversation du" in first, "the date is printed"
    assert "capital d'une SCIC" in first and "50 %" in first, "the first page holds an answer"
    text = " ".join(" ".join(pages).split())
    assert "legifrance.gouv.fr" in text, "source addresses are printed"
    assert "Demander" not in text and "Utile" not in text, "no controls on paper"
    assert len(pages) <= 3, f"three questions on {len(pages)} pages"


def test_new_conversation_asks_first_and_past_ones_reopen(page: Page) -> None:
    ask(page, SCIC)
    page.get_by_role("button", name="Nouvelle conversation").click()
    confirm = page.get_by_role("dialog", name="Commencer une nouvelle conversation ?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Annuler").click()
    expect(page.locator(".turn")).to_have_count(1)
    page.get_by_role("button", name="Nouvelle conversation").click()
    confirm.get_by_role("button", name="Nouvelle conversation").click()
    expect(page.locator(".turn")).to_have_count(0)
    ask(page, "Qu'est-ce qu'un PTCE ?")
    page.reload()  # kept in the browser
    expect(page.locator(".turn")).to_have_count(1)
    page.get_by_role("button", name="Conversations").click()
    history = page.get_by_role("dialog", name="Conversations gardées dans ce navigateur")
    expect(history.locator("li")).to_have_count(2)
    history.locator("li", has_text="SCIC").get_by_role("button", name="Rouvrir").click()
    expect(page.locator(".turn .question")).to_have_text(SCIC)


def test_documents_view_and_a_citation_opened_in_its_document(page: Page, server: str) -> None:
    ask(page, SCIC)
    page.locator(".turn .answer button.cite").first.click()
    page.get_by_role("button", name="Voir dans le document").click()
    viewer = page.locator("#document")
    expect(viewer).to_be_visible()
    expect(viewer.locator("h2")).to_contain_text("coopération")
    cited = viewer.locator(".doc-passage.cited")
    expect(cited).to_have_count(1)
    expect(cited).to_be_in_viewport()
    expect(viewer.locator("h2")).to_be_in_viewport()  # title and links stay in view
    expect(cited.locator("mark").first).to_contain_text("50 %")
    assert viewer.locator(".doc-passage").count() >= 1
    marked = " ".join(cited.locator("mark").all_inner_texts())
    assert len(marked) < len(cited.inner_text()), "the quoted words, not the whole passage"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-document.png"))
    viewer.get_by_role("button", name="Fermer le document").click()
    page.get_by_role("button", name="Documents").click()
    listing = page.locator("#documents")
    rows = listing.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10
    expect(listing).to_contain_text("historique, texte ancien")
    assert listing.locator("th").all_inner_texts() == [
        "Titre",
        "Type",
        "Date",
        "Statut",
        "Passages",
    ]
    pdf_row = rows.filter(has_text="2014").filter(has_text="loi").first
    pdf_row.get_by_role("button").click()
    expect(viewer).to_be_visible()
    expect(viewer.locator(".doc-passage").first).to_be_visible()
    link = viewer.get_by_role("link", name="Ouvrir le PDF")
    href = link.get_attribute("href") or ""
    with urllib.request.urlopen(server + "/" + href.split("#")[0]) as response:
        assert response.headers["content-type"] == "application/pdf"


def test_copy_export_and_edit_a_question(browser: Browser, server: str) -> None:
    context = browser.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(server + "/")
    ask(page, SCIC)
    turn = page.locator(".turn").last
    turn.get_by_role("button", name="Copier la réponse 1").click()
    expect(turn.locator(".action-status")).to_contain_text("copiée")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert SCIC in copied and "Sources :" in copied and "legifrance.gouv.fr" in copied
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporter en page imprimable").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert f"<h2>1. {SCIC}</h2>" in html and "Exportée le" in html
    assert 'href="https://www.legifrance.gouv.fr/' in html and "<script" not in html
    turn.get_by_role("button", name="Modifier la question 1").click()
    expect(page.get_by_label("Votre question")).to_have_value(SCIC)
    expect(page.get_by_label("Votre question")).to_be_focused()
    page.get_by_label("Votre question").fill(SCIC.replace("commune", "région"))
    page.keyboard.press("Enter")
    expect(page.locator(".turn:not(.pending)")).to_have_count(2, timeout=30_000)
    context.close()


class ScriptedChat:
    """An LLM (the edge we do not run here) that writes slowly and cites a passage that does
    not exist: the guard must reject its draft."""

    name = "scripted"

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, grammar: str | None = None
    ) -> Iterator[str]:
        for piece in ["Une commune ", "peut détenir ", "tout le capital ", "d'une SCIC [9]."]:
            time.sleep(0.4)
            yield piece


def test_an_llm_draft_is_labelled_and_its_replacement_explained(
    browser: Browser,
    indexed: tuple[Settings, object],
    embedder: Embedder,
    tmp_path: Path,
) -> None:
    data = tmp_path / "llm-data"
    data.mkdir()
    for sub in ("chroma", "lexical"):
        (data / sub).symlink_to(indexed[0].data_dir / sub)
    settings = indexed[0].model_copy(update={"data_dir": data, "rate_limit_ask": ""})
    with serve(settings, embedder, ScriptedChat()) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_function("fetch('health').then(r => r.json()).then(h => h.llm)")
        page.wait_for_timeout(200)
        page.get_by_label("Votre question").fill(SCIC)
        page.get_by_role("button", name="Demander").click()
        draft = page.locator(".draft")
        expect(draft).to_contain_text(
            "brouillon — vérification des sources en cours", ignore_case=True
        )
        expect(draft).to_contain_text("Une commune")
        expect(page.locator(".turn:not(.pending)")).to_have_count(1, timeout=30_000)
        turn = page.locator(".turn").last
        expect(turn.locator(".replaced")).to_contain_text("remplacé")
        expect(turn.locator(".answer")).to_contain_text("50 %")
        expect(page.locator(".draft")).to_have_count(0)
        context.close()


# ---- the PDF page itself in the viewer, and the Word export (issue 18) ----------------------


def image_loaded(page: Page, selector: str) -> bool:
    """Whether the image finished loading with real pixels (a broken image has no width)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if page.locator(selector).first.evaluate("img => img.complete && img.naturalWidth > 0"):
            return True
        page.wait_for_timeout(100)
    return False


def test_a_pdf_citation_opens_on_its_page_with_the_passage_marked(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    ask(page, "Qu'est-ce qu'un PTCE ?")
    page.locator(".turn .answer button.cite[aria-label*='2014-856']").first.click()
    page.get_by_role("button", name="Voir dans le document").click()
    viewer = page.locator("#document")
    expect(viewer.locator("h2")).to_contain_text("Loi n° 2014-856")
    expect(viewer.locator(".status")).to_be_visible()  # title, date, status and links as before
    expect(viewer.get_by_role("link", name="Ouvrir le PDF à la page 6")).to_be_visible()
    image = viewer.get_by_role("img", name=re.compile(r"^Page 6 du PDF"))
    expect(image).to_be_visible()
    assert image_loaded(page, "#document img.pdf-page"), "the page image loads"
    width = image.evaluate("img => img.naturalWidth")
    assert 1000 <= width <= 1200, width
    quotes = viewer.locator(".pdf-mark.pdf-quote")
    assert quotes.count() >= 1, "the quoted words are marked on the page"
    frame = viewer.locator(".pdf-mark.pdf-passage")
    expect(frame).to_have_count(1)
    expect(quotes.first).to_be_in_viewport()  # scrolled to the mark
    box = image.bounding_box()
    assert box is not None
    for mark in [frame, *quotes.all()]:
        m = mark.bounding_box()
        assert m is not None and m["width"] > 20 and m["height"] > 5, m
        assert box["x"] <= m["x"] and m["x"] + m["width"] <= box["x"] + box["width"] + 1
        assert box["y"] <= m["y"] and m["y"] + m["height"] <= box["y"] + box["height"] + 1
    # Article 9 is in the page's upper half, under its heading, not at the page's top edge.
    top = (frame.bounding_box() or {})["y"] - box["y"]
    assert 0.1 * box["height"] < top < 0.5 * box["height"], (top, box)
    expect(viewer.locator("figcaption")).to_contain_text("Page 6 sur 12")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-pdf-page.png"))
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    assert not results.response["violations"], results.generate_report()
    # Turning the page: page 7, no mark; and back to the cited page.
    viewer.get_by_role("button", name="Page suivante").click()
    expect(viewer.get_by_role("img", name=re.compile(r"^Page 7 du PDF"))).to_be_visible()
    expect(viewer.locator(".pdf-mark")).to_have_count(0)
    viewer.get_by_role("button", name="Revenir à la page citée (6)").click()
    expect(viewer.locator(".pdf-mark.pdf-passage")).to_have_count(1)
    # The text of the document still follows, the cited passage framed.
    expect(viewer.locator(".doc-passage.cited")).to_have_count(1)


def test_a_text_citation_still_opens_in_the_text(page: Page) -> None:
    ask(page, SCIC)
    page.locator(".turn .answer button.cite").first.click()
    page.get_by_role("button", name="Voir dans le document").click()
    viewer = page.locator("#document")
    expect(viewer.locator(".doc-passage.cited mark").first).to_contain_text("50 %")
    expect(viewer.locator(".pdf-figure")).to_have_count(0)


def test_conversation_exports_as_a_word_document(page: Page) -> None:
    import docx

    ask(page, SCIC)
    ask(page, "Qu'est-ce qu'un PTCE ?")
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporter en Word (.docx)").click()
    download = info.value
    assert re.fullmatch(r"conversation-ess-\d{4}-\d{2}-\d{2}\.docx", download.suggested_filename)
    document = docx.Document(download.path())  # a valid Word file, or this raises
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert f"1. {SCIC}" in headings and "2. Qu'est-ce qu'un PTCE ?" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "50 %" in text and "Exportée le" in text
    assert "Loi n° 47-1775, art. 19 septies" in text  # a source with its place
    assert "Loi n° 2014-856" in text
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert any(link.startswith("https://www.legifrance.gouv.fr/") for link in links)
