"""A PDF page as the reader sees it: rendered to PNG here (PDFium, from the pypdfium2 wheel, so
nothing is fetched at run time and the page's CSP stays `img-src 'self'`), with the boxes where
the cited passage and its quoted words lie, for the document viewer to mark on the image."""

from __future__ import annotations

import ctypes
import io
import threading
import unicodedata
from difflib import Match, SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote as url_quote

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from fastapi import APIRouter, HTTPException, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from assistant.config import Settings
from assistant.server.problems import READS_INDEX, documented
from assistant.server.state import StateDep
from assistant.types import PassageMeta

WIDTH_PX = 1100  # an A4 page at about 130 dpi: sharp in the dialog, ~300 kB of PNG
MAX_SCALE = 3.0  # a tiny page (a label, a slide) is not blown up past this
MAX_HEIGHT_PX = 4000  # nor a very tall one rendered past this
FRAME = 100_000  # device units of the page frame when mapping boxes: fractions to 5 digits
CLOSING = ".,;:!?…»)\u00a0 "  # marked after a stretch: its full stop, its closing quote
MIN_BLOCK = 12  # letters in a row that must agree before a stretch of the page counts
MIN_PART = 60  # letters of a text running over a page break that must be on this page
EDGE = 10  # letters a PDF's text may add or drop at a text's start or end
PAGE_HEAD, PAGE_FOOT = 400, 300  # letters of running header and footer around a page's text
MAX_MARKS = 60  # boxes returned per page
MAX_QUOTE = 1200  # characters of one quoted sentence: a long sentence of a law, not a page
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call at a time in this process

router = APIRouter()


class PageError(Exception):
    """The page cannot be shown; its message is for the user, in French."""


class Mark(BaseModel):
    """A box on the page, in fractions of its width and height from the top left corner."""

    kind: Literal["passage", "quote"] = Field(
        description="« passage » : le passage cité ; « quote » : les mots repris dans la réponse"
    )
    left: float
    top: float
    width: float
    height: float


class PageView(BaseModel):
    doc_id: str
    page: int = Field(description="Numéro de la page, à partir de 1")
    pages: int = Field(description="Nombre de pages du PDF")
    image: str = Field(description="Adresse de l'image PNG de la page, sur ce service")
    width: float = Field(description="Largeur de la page, en points PDF")
    height: float = Field(description="Hauteur de la page, en points PDF")
    marks: list[Mark] = Field(description="Où le passage et les mots cités se trouvent")


# ---- finding a text on a page: pure functions ------------------------------------------------


def skeleton(text: str) -> tuple[str, list[int]]:
    """Letters and digits of `text`, folded (case, accents, ligatures), with the index in
    `text` of each: what the PDF's text layer and the indexed passage both keep, whatever
    their spacing, line breaks, hyphenation or quotes."""
    letters: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch).lower():
            if part.isalnum():
                letters.append(part)
                where.append(i)
    return "".join(letters), where


def spans_of(wanted: str, page_text: str) -> list[tuple[int, int]]:
    """Character ranges of `page_text` that carry `wanted` (or the part of it on this page,
    for a passage running over two pages); empty when it is not there."""
    probe, _ = skeleton(wanted)
    text, where = skeleton(page_text)
    if len(probe) < 4 or not text:
        return []
    blocks = [
        b
        for b in SequenceMatcher(None, probe, text, autojunk=False).get_matching_blocks()
        if b.size >= min(MIN_BLOCK, len(probe))
    ]
    if not blocks:
        return []
    best = max(range(len(blocks)), key=lambda i: blocks[i].size)
    if blocks[best].size < min(3 * MIN_BLOCK, len(probe)):
        return []  # only common words agree: the text is not on this page
    # From the longest agreement, keep the blocks that follow each other on the page as in
    # the text (a running header may sit between two of them), not stray common words.
    kept = [blocks[best]]
    for step in (-1, 1):
        i, last = best + step, blocks[best]
        while 0 <= i < len(blocks):
            b = blocks[i]
            gap_text = (b.a - last.a - last.size) if step > 0 else (last.a - b.a - b.size)
            gap_page = (b.b - last.b - last.size) if step > 0 else (last.b - b.b - b.size)
            # On one page a text runs on (its header and footer lie before or after it): two
            # stretches of it are apart by a few changed characters, never by other words.
            if abs(gap_page - gap_text) > EDGE or gap_page > 4 * EDGE:
                break
            kept.append(b)
            last, i = b, i + step
    kept.sort(key=lambda b: b.b)
    if not _placed(kept, len(probe), len(text)):
        return []
    spans: list[tuple[int, int]] = []
    for b in kept:
        start, end = where[b.b], where[b.b + b.size - 1] + 1
        while end < len(page_text) and page_text[end] in CLOSING:
            end += 1
        end = len(page_text[:end].rstrip())
        if spans and start - spans[-1][1] <= 8:  # a comma or a changed quote between: one span
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _placed(kept: list[Match], wanted: int, page: int) -> bool:
    """Whether the agreeing stretch is the text itself and not a phrase it shares with another
    place ("entreprises de l'économie sociale et solidaire"): nearly all of it, or its opening
    at the foot of the page, or its end at the top (a text that runs over a page break)."""
    covered = sum(b.size for b in kept)
    first, last = kept[0], kept[-1]
    if covered >= 0.8 * wanted:
        return True
    opening = first.a <= EDGE and page - (last.b + last.size) <= PAGE_FOOT
    ending = wanted - (last.a + last.size) <= EDGE and first.b <= PAGE_HEAD
    return covered >= MIN_PART and (opening or ending)


# ---- PDFium: text, boxes, image -----------------------------------------------------------


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError) as exc:
        raise PageError("le PDF de ce document est illisible") from exc


def _page(pdf: pdfium.PdfDocument, number: int) -> pdfium.PdfPage:
    if not 1 <= number <= len(pdf):
        raise PageError(f"page {number} introuvable : ce PDF a {len(pdf)} page(s)")
    return pdf[number - 1]


def marks_on(path: Path, number: int, wanted: list[tuple[str, str]]) -> tuple[int, Any, list[Mark]]:
    """The PDF's page count, the page's size in points, and the boxes where each text of
    `wanted` ((kind, text) pairs) lies on page `number`."""
    with _PDFIUM:
        pdf = _open(path)
        try:
            page = _page(pdf, number)
            size = page.get_size()
            textpage = page.get_textpage()
            count = textpage.count_chars()
            # Char by char, so that an index in this string is PDFium's own char index.
            text = "".join(
                chr(code) if (code := pdfium_c.FPDFText_GetUnicode(textpage, i)) else " "
                for i in range(count)
            )
            marks: list[Mark] = []
            for kind, words in wanted:
                for start, end in spans_of(words, text):
                    rects = [
                        textpage.get_rect(i)
                        for i in range(textpage.count_rects(start, end - start))
                    ]
                    if kind == "passage" and rects:  # one frame around it, as in the text
                        rects = [_union(rects)]
                    marks += [_mark(page, kind, r) for r in rects]
            return len(pdf), size, marks[:MAX_MARKS]
        finally:
            pdf.close()


def _union(rects: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    lefts, bottoms, rights, tops = zip(*rects, strict=True)
    return min(lefts), min(bottoms), max(rights), max(tops)


def _mark(page: pdfium.PdfPage, kind: str, rect: tuple[float, float, float, float]) -> Mark:
    """A box in PDF units as fractions of the rendered page (PDFium maps crop box and
    rotation)."""
    left, bottom, right, top = rect
    corners = [_to_frame(page, x, y) for x, y in ((left, top), (right, bottom))]
    xs, ys = sorted(c[0] for c in corners), sorted(c[1] for c in corners)
    return Mark(
        kind=kind,  # type: ignore[arg-type]
        left=round(xs[0], 5),
        top=round(ys[0], 5),
        width=round(xs[1] - xs[0], 5),
        height=round(ys[1] - ys[0], 5),
    )


def _to_frame(page: pdfium.PdfPage, x: float, y: float) -> tuple[float, float]:
    dx, dy = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(page, 0, 0, FRAME, FRAME, 0, x, y, dx, dy)
    return dx.value / FRAME, dy.value / FRAME


@lru_cache(maxsize=48)  # ~15 MB of PNG at most; keyed by the file's mtime, so never stale
def _png(path: str, mtime_ns: int, number: int) -> bytes:
    with _PDFIUM:
        pdf = _open(Path(path))
        try:
            page = _page(pdf, number)
            width, height = page.get_size()
            scale = min(WIDTH_PX / width, MAX_HEIGHT_PX / height, MAX_SCALE)
            image = page.render(scale=scale, may_draw_forms=False).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def page_png(path: Path, number: int) -> bytes:
    return _png(str(path), path.stat().st_mtime_ns, number)


# ---- routes -------------------------------------------------------------------------------

PageNumber = Annotated[int, PathParam(ge=1, le=100_000, description="Numéro de page, dès 1")]
NOT_FOUND = READS_INDEX | documented(e404="Document, PDF ou page introuvable")


def _pdf_of(doc_id: str, state: StateDep) -> tuple[Path, list[Any]]:
    hits = state.assistant().document(doc_id)
    if not hits:
        raise HTTPException(404, detail=f"document introuvable : « {doc_id} »")
    path = servable(hits[0].meta, state.settings)
    if path is None or path.suffix.lower() != ".pdf":
        raise HTTPException(404, detail=f"le document « {doc_id} » n'a pas de PDF à afficher")
    return path, hits


@router.get(
    "/documents/{doc_id}/pages/{number}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **NOT_FOUND},
)
def page_image(doc_id: str, number: PageNumber, state: StateDep) -> Response:
    """L'image d'une page du PDF d'un document (PNG d'environ 1 100 pixels de large)."""
    path, _ = _pdf_of(doc_id, state)
    try:
        png = page_png(path, number)
    except PageError as exc:
        raise HTTPException(404, detail=str(exc)) from exc
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{doc_id}/pages/{number}", response_model=PageView, responses=NOT_FOUND)
def page_view(
    doc_id: str,
    number: PageNumber,
    state: StateDep,
    passage: Annotated[
        str | None, Query(max_length=200, description="Identifiant du passage cité, à encadrer")
    ] = None,
    quote: Annotated[
        list[str] | None,
        Query(max_length=8, description="Mots cités à surligner (8 au plus, 1 200 caractères)"),
    ] = None,
) -> PageView:
    """Une page du PDF d'un document : son image, et où se trouvent sur elle le passage cité
    et les mots repris dans la réponse."""
    path, hits = _pdf_of(doc_id, state)
    quotes = [q for q in quote or [] if q.strip()]
    if any(len(q) > MAX_QUOTE for q in quotes):
        raise HTTPException(422, detail="requête invalide : quote : texte trop long")
    wanted: list[tuple[str, str]] = []
    if passage is not None:
        cited = next((h for h in hits if h.chunk_id == passage), None)
        if cited is None:
            raise HTTPException(404, detail=f"passage introuvable dans « {doc_id} »")
        wanted.append(("passage", cited.text))
    wanted += [("quote", q) for q in quotes]
    try:
        pages, (width, height), marks = marks_on(path, number, wanted)
    except PageError as exc:
        raise HTTPException(404, detail=str(exc)) from exc
    return PageView(
        doc_id=doc_id,
        page=number,
        pages=pages,
        image=f"documents/{url_quote(doc_id, safe='')}/pages/{number}.png",
        width=round(width, 2),
        height=round(height, 2),
        marks=marks,
    )


def servable(meta: PassageMeta, settings: Settings) -> Path | None:
    """The document's own file when it lies in a document folder of this service (never any
    other path the metadata might name), else None."""
    raw = meta.path
    if not raw:
        return None
    path = Path(raw).resolve()
    roots = [*settings.corpus_dirs, settings.uploads_dir, settings.legifrance_dir]
    inside = any(path.is_relative_to(root.resolve()) for root in roots)
    return path if inside and path.is_file() else None
