// Sources: a cited passage in a dialog, the whole document opened at that passage, and the
// list of indexed documents. Everything comes from our own API (GET /documents, /documents/{id}).
"use strict";

import { $, el, frenchDate, highlight, isHistoric, linkOf, STATUS_HELP, statusBadge, where } from "./render.js";

let current = null; // the citation shown in the passage dialog

export function openSource(citation, question) {
  current = { citation, question };
  $("#source-title").textContent = `[${citation.n}] ${citation.title}`;
  $("#source-meta").replaceChildren(
    where(citation) ? el("strong", {}, where(citation)) : "",
    where(citation) ? " — " : "",
    `texte du ${frenchDate(citation.date)} `, statusBadge(citation),
  );
  const historic = $("#source-historic");
  historic.hidden = !isHistoric(citation);
  historic.textContent = isHistoric(citation)
    ? "Texte historique : il a pu être modifié ou remplacé depuis. Vérifiez la version en vigueur."
    : "";
  $("#source-text").replaceChildren(...highlight(citation.excerpt, citation.quoted, question));
  const link = linkOf(citation);
  $("#source-link").hidden = !link;
  if (link) {
    $("#source-link").href = link;
    $("#source-link").textContent = citation.link ? "Vérifier sur Légifrance" : "Ouvrir la source";
  }
  $("#source").showModal();
  $("#source-close").focus();
}

async function fetchJson(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `erreur ${response.status}`);
  return body;
}

function statusLine(doc) {
  return el("p", { class: "status-help" }, STATUS_HELP[doc.status] || "");
}

// The document, passage by passage; the cited one (same text as the excerpt) marked, scrolled
// to, with the quoted words highlighted.
export async function openDocument(docId, target = null) {
  const dialog = $("#document");
  const body = $("#document-body");
  $("#document-title").textContent = "Chargement du document…";
  $("#document-meta").replaceChildren();
  body.replaceChildren();
  if (!dialog.open) dialog.showModal();
  let doc;
  try {
    doc = await fetchJson(`documents/${encodeURIComponent(docId)}`);
  } catch (error) {
    $("#document-title").textContent = "Document indisponible";
    body.replaceChildren(el("p", { class: "error", role: "alert" }, `Impossible d'ouvrir le document : ${error.message}.`));
    return;
  }
  $("#document-title").textContent = doc.title;
  let cited = null;
  const sections = doc.passages.map((p) => {
    const isCited = target && p.text === target.excerpt;
    const section = el("section", { class: isCited ? "doc-passage cited" : "doc-passage", "aria-label": p.locator || "passage" },
      p.locator ? el("p", { class: "doc-locator" }, p.locator) : "",
      el("div", { class: "doc-text" }, ...highlight(p.text, isCited ? target.quoted : [], "")));
    if (isCited && !cited) cited = { section, page: p.page, last: p.page_end || p.page, chunk: p.chunk_id };
    return section;
  });
  if (!cited && target && isPdf(doc)) {
    // The passage's text is no longer the cited one (re-ingested since): its page still is.
    const at = /\bpages? (\d+)(?:-(\d+))?/.exec(target.locator || "");
    if (at) cited = { section: null, page: Number(at[1]), last: Number(at[2] || at[1]), chunk: null };
  }
  const page = cited && cited.page ? cited.page : null;
  const links = [];
  if (doc.link) links.push(el("a", { href: doc.link, target: "_blank", rel: "noopener" }, "Texte en ligne"));
  if (doc.file) {
    const pdf = isPdf(doc);
    links.push(el("a", { href: doc.file + (pdf && page ? `#page=${page}` : ""), target: "_blank", rel: "noopener" },
      pdf ? (page ? `Ouvrir le PDF à la page ${page}` : "Ouvrir le PDF") : "Fichier d'origine"));
  }
  const onPdf = Boolean(doc.file && page && isPdf(doc));
  $("#document-meta").replaceChildren(
    el("p", { class: "meta" }, `${doc.kind || "document"} du ${frenchDate(doc.date)} `, statusBadge(doc),
      ` — ${doc.passages.length} passage${doc.passages.length > 1 ? "s" : ""}`),
    statusLine(doc),
    links.length ? el("p", { class: "doc-links" }, ...links.flatMap((a, i) => (i ? [" · ", a] : [a]))) : "",
    cited ? el("p", { class: "doc-jump" }, onPdf
      ? "La page du PDF est affichée : le passage cité y est encadré, les mots repris dans la réponse surlignés ; le texte du document suit."
      : "Le passage cité est encadré ; les mots repris dans la réponse sont surlignés.") : "",
  );
  body.replaceChildren(...sections);
  if (onPdf) {
    const viewer = el("section", { class: "pdf-view", "aria-label": "Page du PDF" });
    body.prepend(viewer, el("h3", { class: "doc-text-title" }, "Texte du document"));
    await showPages(viewer, doc, cited, target);
    return;
  }
  if (cited && cited.section) {
    cited.section.setAttribute("tabindex", "-1");
    cited.section.scrollIntoView({ block: "start" });
    cited.section.focus({ preventScroll: true });
  } else {
    $("#document-close").focus();
  }
}

function isPdf(doc) {
  return /\.pdf$/i.test(doc.source || "") || /\.pdf$/i.test(doc.file || "") || doc.passages.some((p) => p.page);
}

// ---- a PDF page itself, rendered by the server, the cited passage marked on it ---------------

const MAX_QUOTE = 1200; // characters of one quoted sentence the server takes
const MAX_QUERY = 6000; // characters of query string: well under the server's 16 kB line limit

function pageUrl(docId, n, cited, target) {
  const params = new URLSearchParams();
  if (cited.chunk) params.set("passage", cited.chunk);
  const quoted = ((target && target.quoted) || []).map((q) => q.replace(/\s*\(…\)\s*$/, "").trim());
  for (const q of quoted.filter(Boolean).slice(0, 8)) {
    const room = MAX_QUERY - params.toString().length;
    const text = q.slice(0, MAX_QUOTE);
    const encoded = encodeURIComponent(text).length;
    if (room < 200) break; // the sentences sent already show where the passage is
    params.append("quote", encoded <= room ? text : text.slice(0, Math.floor((text.length * room) / encoded) - 20));
  }
  return `documents/${encodeURIComponent(docId)}/pages/${n}?${params}`;
}

// One page: the PNG from GET /documents/{id}/pages/{n}.png, and over it a box for each place
// GET /documents/{id}/pages/{n} found the passage (framed) or a quoted sentence (highlighted).
// Positions are set through element.style, which the page's CSP allows (no inline style).
function pageFigure(doc, view) {
  const frame = el("div", { class: "pdf-frame" },
    el("img", { class: "pdf-page", src: view.image, alt: `Page ${view.page} du PDF « ${doc.title} »`, width: "1100" }));
  frame.style.aspectRatio = `${view.width} / ${view.height}`;
  for (const m of view.marks) {
    const box = el("div", { class: `pdf-mark pdf-${m.kind}`, "aria-hidden": "true" });
    Object.assign(box.style, { left: `${m.left * 100}%`, top: `${m.top * 100}%`, width: `${m.width * 100}%`, height: `${m.height * 100}%` });
    frame.append(box);
  }
  const found = view.marks.length
    ? (view.marks.some((m) => m.kind === "quote") ? " — passage encadré, mots repris surlignés" : " — passage encadré")
    : "";
  return el("figure", { class: "pdf-figure" }, frame, el("figcaption", {}, `Page ${view.page} sur ${view.pages}${found}`));
}

// The cited page (and the next ones the passage runs onto, two at most), with buttons to turn
// the pages of the PDF.
async function showPages(viewer, doc, cited, target, first = null) {
  const start = first || cited.page;
  const last = first ? first : Math.min(cited.last, cited.page + 1);
  let views;
  try {
    views = [];
    for (let n = start; n <= last; n++) views.push(await fetchJson(pageUrl(doc.doc_id, n, cited, target)));
  } catch (error) {
    viewer.replaceChildren(el("p", { class: "error", role: "alert" }, `Page du PDF indisponible : ${error.message}.`));
    return;
  }
  const total = views[0].pages;
  const turn = (n) => showPages(viewer, doc, cited, target, n);
  const nav = el("p", { class: "pdf-nav" },
    el("button", { type: "button", class: "secondary", disabled: start <= 1, onclick: () => turn(start - 1) }, "Page précédente"),
    " ",
    el("button", { type: "button", class: "secondary", disabled: last >= total, onclick: () => turn(last + 1) }, "Page suivante"),
    " ", el("span", { class: "pdf-position" }, start === last ? `Page ${start} sur ${total}` : `Pages ${start}-${last} sur ${total}`),
    first && (first < cited.page || first > cited.last)
      ? [" ", el("button", { type: "button", class: "link", onclick: () => showPages(viewer, doc, cited, target) }, `Revenir à la page citée (${cited.page})`)]
      : "");
  viewer.replaceChildren(nav, ...views.map((v) => pageFigure(doc, v)));
  const figure = $(".pdf-figure", viewer);
  figure.setAttribute("tabindex", "-1");
  figure.focus({ preventScroll: true });
  const mark = first ? null : $(".pdf-quote", viewer) || $(".pdf-passage", viewer);
  (mark || viewer).scrollIntoView({ block: mark ? "center" : "start" });
}

// GET /documents: what is indexed, each openable.
export async function openDocuments() {
  const dialog = $("#documents");
  const table = $("#documents-list");
  table.replaceChildren(el("caption", {}, "Chargement…"));
  dialog.showModal();
  $("#documents-close").focus();
  let docs;
  try {
    docs = await fetchJson("documents");
  } catch (error) {
    table.replaceChildren(el("caption", { role: "alert" }, `Liste indisponible : ${error.message}.`));
    return;
  }
  table.replaceChildren(
    el("caption", {}, `${docs.length} document${docs.length > 1 ? "s" : ""} indexé${docs.length > 1 ? "s" : ""}`),
    el("thead", {}, el("tr", {}, ["Titre", "Type", "Date", "Statut", "Passages"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, docs.map((d) => el("tr", {},
      el("td", {}, el("button", { type: "button", class: "link", onclick: () => { dialog.close(); openDocument(d.doc_id); } }, d.title || d.doc_id)),
      el("td", {}, d.kind || "—"),
      el("td", {}, frenchDate(d.date)),
      el("td", {}, statusBadge(d)),
      el("td", { class: "num" }, String(d.chunks))))),
  );
}

export function initViewer() {
  $("#source-close").addEventListener("click", () => $("#source").close());
  $("#source-document").addEventListener("click", () => {
    $("#source").close();
    if (current) openDocument(current.citation.doc_id, current.citation);
  });
  $("#document-close").addEventListener("click", () => $("#document").close());
  $("#documents-close").addEventListener("click", () => $("#documents").close());
  $("#open-documents").addEventListener("click", openDocuments);
  for (const dialog of ["#source", "#document", "#documents"].map((s) => $(s))) {
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
  }
}
