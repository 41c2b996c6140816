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
    if (isCited && !cited) cited = { section, page: p.page };
    return section;
  });
  const page = cited && cited.page ? cited.page : null;
  const links = [];
  if (doc.link) links.push(el("a", { href: doc.link, target: "_blank", rel: "noopener" }, "Texte en ligne"));
  if (doc.file) {
    const pdf = /\.pdf$/i.test(doc.source || "") || /\.pdf$/i.test(doc.file) || doc.passages.some((p) => p.page);
    links.push(el("a", { href: doc.file + (pdf && page ? `#page=${page}` : ""), target: "_blank", rel: "noopener" },
      pdf ? (page ? `Ouvrir le PDF à la page ${page}` : "Ouvrir le PDF") : "Fichier d'origine"));
  }
  $("#document-meta").replaceChildren(
    el("p", { class: "meta" }, `${doc.kind || "document"} du ${frenchDate(doc.date)} `, statusBadge(doc),
      ` — ${doc.passages.length} passage${doc.passages.length > 1 ? "s" : ""}`),
    statusLine(doc),
    links.length ? el("p", { class: "doc-links" }, ...links.flatMap((a, i) => (i ? [" · ", a] : [a]))) : "",
    cited ? el("p", { class: "doc-jump" }, "Le passage cité est encadré ; les mots repris dans la réponse sont surlignés.") : "",
  );
  body.replaceChildren(...sections);
  if (cited) {
    cited.section.setAttribute("tabindex", "-1");
    cited.section.scrollIntoView({ block: "start" });
    cited.section.focus({ preventScroll: true });
  } else {
    $("#document-close").focus();
  }
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
