"""The conversation shown on the page, exported as a Word document (.docx): what élus and their
services edit and circulate, with each answer's sources (title, place, date, status, link)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Annotated

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from fastapi import APIRouter, Response
from pydantic import AfterValidator, BaseModel, Field, StrictInt, StringConstraints

from assistant.citations import french_date

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULLET = re.compile(r"^\s*(?:[-*•–]|(\d{1,2})[.)])\s+(.*)$")  # as the page's render.js reads them
LINK_BLUE = RGBColor(0x0A, 0x4D, 0x8C)

# Control characters XML 1.0 forbids (a NUL, a form feed) would make the .docx unwritable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Text = Annotated[str, AfterValidator(lambda s: _NOT_XML.sub("", s))]
# The length is checked on what was sent, before control characters are dropped.
Line = Annotated[
    str, StringConstraints(max_length=2000), AfterValidator(lambda s: _NOT_XML.sub("", s))
]

router = APIRouter()


class ExportSource(BaseModel):
    numbers: list[StrictInt] = Field(max_length=50, description="Numéros [n] qui citent ce passage")
    title: Text = Field(max_length=500)
    where: Text = Field(default="", max_length=500, description="Article, page ou section")
    date: Text = Field(default="", max_length=40, description="Date du texte, AAAA-MM-JJ")
    status: Text = Field(default="", max_length=40)
    link: Text | None = Field(default=None, max_length=2000)


class ExportTurn(BaseModel):
    question: Text = Field(max_length=2000)
    understood: Text = Field(
        default="", max_length=2000, description="La question comprise, si elle a été réécrite"
    )
    answer: Text = Field(max_length=20_000)
    warnings: list[Line] = Field(default_factory=list, max_length=20)
    sources: list[ExportSource] = Field(default_factory=list, max_length=50)


class ExportRequest(BaseModel):
    turns: list[ExportTurn] = Field(min_length=1, max_length=100)


def conversation_docx(turns: list[ExportTurn], today: date) -> bytes:
    """The Word document: a title, the date, then each question, its answer and its sources."""
    doc = Document()
    doc.core_properties.title = "Conversation ESS Assistant"
    doc.core_properties.language = "fr-FR"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Conversation ESS Assistant", level=0)
    doc.add_paragraph().add_run(
        f"Exportée le {french_date(today.isoformat())} — réponses extraites des documents "
        "indexés ; vérifiez le texte en vigueur avant toute décision."
    ).italic = True
    for i, turn in enumerate(turns, 1):
        doc.add_heading(f"{i}. {turn.question}", level=1)
        if turn.understood and turn.understood != turn.question:
            doc.add_paragraph().add_run(f"Question comprise : {turn.understood}").italic = True
        _answer(doc, turn.answer)
        for warning in turn.warnings:
            doc.add_paragraph().add_run(f"Attention : {warning}").italic = True
        if turn.sources:
            doc.add_heading("Sources", level=2)
            for source in turn.sources:
                _source(doc.add_paragraph(style="List Bullet"), source)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _answer(doc: DocxDocument, text: str) -> None:
    """Paragraphs, and the lines the documents write as list items as Word list items."""
    for line in text.splitlines():
        if not line.strip():
            continue
        item = BULLET.match(line)
        if item and item.group(2).strip():
            style = "List Number" if item.group(1) else "List Bullet"
            doc.add_paragraph(item.group(2).strip(), style=style)
        else:
            doc.add_paragraph(line.strip())


def _source(paragraph: Paragraph, source: ExportSource) -> None:
    numbers = " ".join(f"[{n}]" for n in source.numbers)
    paragraph.add_run(f"{numbers} " if numbers else "")
    paragraph.add_run(source.title).bold = True
    if source.where and source.where != source.title:
        paragraph.add_run(f", {source.where}")
    status = f", {source.status}" if source.status else ""
    paragraph.add_run(f" ({french_date(source.date)}{status})")
    if source.link and source.link.startswith(("https://", "http://")):
        paragraph.add_run(" — ")
        _hyperlink(paragraph, source.link)


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    """A clickable address (python-docx has no call for it: the run goes in a w:hyperlink)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = paragraph.add_run(url)
    run.font.color.rgb = LINK_BLUE
    run.font.underline = True
    link.append(run._r)
    paragraph._p.append(link)


@router.post(
    "/export/docx",
    response_class=Response,
    responses={200: {"content": {DOCX: {}}, "description": "Le document Word"}},
)
def export_docx(body: ExportRequest) -> Response:
    """La conversation affichée (questions, réponses, sources), en document Word (.docx)."""
    today = date.today()
    return Response(
        conversation_docx(body.turns, today),
        media_type=DOCX,
        headers={
            "Content-Disposition": f'attachment; filename="conversation-ess-{today.isoformat()}.docx"'
        },
    )
