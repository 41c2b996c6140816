"""Builders of hostile documents for tests/test_hostile.py: real broken files, made here.

Each builder writes one or more files and returns what the ingest must do with each: index it
("index"), skip it with a reason containing some words ("skip", words), or either ("either":
pypdf may recover part of a damaged PDF, which is fine as long as the file is accounted for).
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

TEXT = (
    "Les collectivités territoriales soutiennent l'économie sociale et solidaire par la commande "
    "publique, les subventions et la participation au capital des sociétés coopératives."
)


@dataclass
class Expect:
    path: Path
    outcome: str  # "index", "skip", "either"
    words: str = ""  # for "skip": part of the French reason
    doc_id: str = ""  # for "index": the id it gets


def good_pdf(pages: int = 3, marker: str = "guide") -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(1, pages + 1):
        text = c.beginText(50, 780)
        text.textLine(f"Chapitre {n} du {marker}")
        for i in range(8):
            text.textLine(f"{TEXT[:90]} ({n}.{i})")
        c.drawText(text)
        c.showPage()
    c.save()
    return out.getvalue()


def long_pdf(path: Path, pages: int) -> None:
    """A PDF of `pages` pages with two lines of distinct words each (a line repeated on every
    page would be dropped as a running header); reportlab writes ~1,000 pages a second."""
    words = TEXT.replace(",", "").replace(".", "").split()
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    for n in range(1, pages + 1):
        rng = random.Random(n)
        for y in (780, 760):
            c.drawString(50, y, " ".join(rng.choice(words) for _ in range(12)))
        c.showPage()
    c.save()


def shared_stream_pdf(pages: int = 30, operators: int = 150_000) -> bytes:
    """A small PDF whose pages all draw one compressed content stream: a few kilobytes that
    decompress to megabytes of text operators, parsed again for every page."""
    writer = PdfWriter()
    body = ("BT /F1 9 Tf 40 700 Td (" + TEXT[:60] + ") Tj ET\n") * operators
    stream = StreamObject()
    stream.set_data(body.encode("latin-1"))
    stream = stream.flate_encode()
    shared = writer._add_object(stream)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted(user: str, owner: str, algorithm: str = "RC4-128") -> bytes:
    """RC4, which pypdf implements itself: AES would need the `cryptography` package."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good_pdf(2, "guide chiffré"))))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scanned(blank: bool) -> bytes:
    """Pages with drawings only, like a scan: no text layer."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for _ in range(2):
        if not blank:
            for i in range(40):
                c.rect(40 + i * 12, 100 + i * 15, 10, 300, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


def _corrupt_xref(pdf: bytes, how: str) -> bytes:
    start = pdf.rfind(b"xref")
    if how == "garbage":
        table_end = pdf.find(b"trailer", start)
        body = bytes(b if b in b"\r\n" else ord("9") for b in pdf[start + 4 : table_end])
        return pdf[: start + 4] + body + pdf[table_end:]
    if how == "offset":
        cut = pdf.rfind(b"startxref")
        return pdf[:cut] + b"startxref\n99999999\n%%EOF\n"
    return pdf[:start] + b"%%EOF\n"  # no xref, no trailer


def build(root: Path, huge_text: Path, long_pdf_path: Path) -> list[Expect]:
    """Write the hostile folder under `root`; `huge_text` and `long_pdf_path` are cached."""
    root.mkdir(parents=True, exist_ok=True)
    out: list[Expect] = []

    def write(
        name: str, data: bytes | str, outcome: str, words: str = "", doc_id: str = ""
    ) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        out.append(Expect(path, outcome, words, doc_id))

    pdf = good_pdf(4, "guide tronqué")
    for cut in (0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.98):
        write(f"tronque-{int(cut * 100):02d}.pdf", pdf[: int(len(pdf) * cut)], "either")
    for how in ("garbage", "offset", "missing"):
        write(f"xref-{how}.pdf", _corrupt_xref(pdf, how), "either")
    write("chiffre-mot-de-passe.pdf", _encrypted("secret", "owner"), "skip", "chiffré")
    write("chiffre-rc4-40.pdf", _encrypted("secret", "owner", "RC4-40"), "skip", "chiffré")
    write(
        "chiffre-sans-mot-de-passe.pdf",
        _encrypted("", "owner"),
        "index",
        doc_id="chiffre-sans-mot-de-passe",
    )
    write("scan-dessin.pdf", _scanned(blank=False), "skip", "couche texte")
    write("scan-blanc.pdf", _scanned(blank=True), "skip", "couche texte")
    for name in ("vide.pdf", "vide.txt", "vide.md"):
        write(name, b"", "skip", "vide")
    out.append(Expect(huge_text, "skip", "trop volumineux"))
    rng = random.Random(7)
    write(
        "binaire.txt", bytes(rng.randrange(256) for _ in range(4096)) + b"\x00", "skip", "binaire"
    )
    write("programme.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "skip", "binaire")
    write("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "skip", "binaire")
    write(
        "archive.txt", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 64, "skip", "binaire"
    )
    latin = f"Note latin-1\n\n{TEXT}\nLes régies de quartier sont des associations.\n"
    write("note-latin1.txt", latin.encode("latin-1"), "index", doc_id="note-latin1")
    crlf = f"# Fiche Windows\r\n\r\n{TEXT}\r\nLes CAE accompagnent les entrepreneurs.\r\n"
    write("fiche-windows.md", crlf.encode("utf-8"), "index", doc_id="fiche-windows")
    write(
        "note-utf16.txt", f"Note UTF-16\n\n{TEXT}\n".encode("utf-16"), "index", doc_id="note-utf16"
    )
    out.append(Expect(long_pdf_path, "index", doc_id=long_pdf_path.stem))
    write(
        "dossier été/Note d'information n°3 — communes.txt",
        f"Note d'information\n\n{TEXT}\n",
        "index",
        doc_id="note-d-information-n3-communes",
    )
    _links(root, out)
    os.mkfifo(root / "tube.txt")
    out.append(Expect(root / "tube.txt", "skip", "pas un fichier ordinaire"))
    write("tableau.docx", b"PK\x03\x04" + b"\x00" * 100, "skip", "format non pris en charge")
    write("page.html", "<html><body>ESS</body></html>", "skip", "format non pris en charge")
    write("script.sh", "#!/bin/sh\necho hello\n", "skip", "format non pris en charge")
    write("sans-extension", TEXT, "skip", "format non pris en charge")
    write("faux.pdf", f"Ceci n'est pas un PDF. {TEXT}", "skip", "PDF")
    write("entete-seul.pdf", b"%PDF-1.7\n", "skip", "PDF")
    for seed in (1, 2, 3):
        noise = random.Random(seed).randbytes(3000)
        write(f"bruit-{seed}.pdf", b"%PDF-1.4\n" + noise, "skip", "PDF")
    nested = b"%PDF-1.4\n1 0 obj\n" + b"[" * 50_000 + b"]" * 50_000 + b"\nendobj\n"
    write("imbrique.pdf", nested + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n", "skip", "PDF")
    write("blancs.txt", " \n\t\n   \n" * 100, "skip", "sans texte")
    laughs = "---\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9 if i else ['rire'] * 9)}]\n" for i in range(9)
    )
    write(
        "rires.md",
        laughs + f"title: Fiche piège\n---\n\n# Fiche piège\n\n{TEXT}\n",
        "index",
        doc_id="rires",
    )
    write("Guide ESS.txt", f"Guide ESS\n\n{TEXT}\n", "index", doc_id="guide-ess")
    write("guide-ess.txt", f"Autre guide\n\n{TEXT}\n", "skip", "déjà pris")
    write("front-seul.md", "---\ntitle: Rien\n---\n", "skip", "sans texte")
    write("ligne-longue.txt", "x" * 20_000, "either")
    write("controles.txt", "".join(chr(c) for c in range(1, 32)) * 50, "either")
    mixed = TEXT.encode("utf-8") + b"\n\xff\xfe\xfa invalide \xe9t\xe9\n" + TEXT.encode("utf-8")
    write("utf8-casse.txt", mixed, "index", doc_id="utf8-casse")
    write("chiffre-tronque.pdf", _encrypted("secret", "o")[:900], "either")
    write("flux-partage.pdf", shared_stream_pdf(), "skip", "contenu démesuré")
    return out


def _links(root: Path, out: list[Expect]) -> None:
    """A file linked to itself, two files linked to each other, a dangling link, and a folder
    that links back to its parent (a walk that followed it would never end)."""
    (root / "boucle.txt").symlink_to("boucle.txt")
    (root / "a.md").symlink_to("b.md")
    (root / "b.md").symlink_to("a.md")
    (root / "casse.pdf").symlink_to("n-existe-pas.pdf")
    (root / "retour").mkdir()
    (root / "retour" / "parent").symlink_to("..", target_is_directory=True)
    out.append(Expect(root / "boucle.txt", "skip", "boucle"))
    out.append(Expect(root / "a.md", "skip", "boucle"))
    out.append(Expect(root / "b.md", "skip", "boucle"))
    out.append(Expect(root / "casse.pdf", "skip", "introuvable"))


def huge_text(path: Path, megabytes: int = 200) -> Path:
    """`megabytes` MB of one repeated paragraph, written 1 MB at a time."""
    block = (TEXT + "\n") * (1_000_000 // (len(TEXT) + 1))
    with path.open("w", encoding="utf-8") as f:
        for _ in range(megabytes):
            f.write(block)
    return path
