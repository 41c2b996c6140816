// Building blocks of the page: elements, dates, status badges, and an answer's text turned
// into paragraphs and lists with its [n] citations as buttons.
"use strict";

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
  "septembre", "octobre", "novembre", "décembre"];

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function frenchDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  if (!m) return iso || "date inconnue";
  const day = Number(m[3]);
  return `${day === 1 ? "1er" : day} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

export const isHistoric = (item) => item.status === "historique";

// What each status means, in one line (the Documents view and the document viewer).
export const STATUS_HELP = {
  "en vigueur": "en vigueur : le texte s'applique aujourd'hui",
  partiel: "partiel : un extrait seulement, le reste du texte n'est pas indexé",
  historique: "historique : texte ancien, modifié ou remplacé depuis ; vérifiez la version en vigueur",
};

export function statusBadge(item) {
  const historic = isHistoric(item);
  return el("span", {
    class: `status ${historic ? "status-historique" : "status-current"}`,
    text: historic ? "historique : peut être dépassé" : item.status || "statut inconnu",
  });
}

// Where in its document a passage is: an article named as a lawyer cites it ("Code rural et de
// la pêche maritime, art. L521-3"), else its page or heading.
export const where = (c) => (c.label && c.label !== c.title ? c.label : c.locator || "");

export function linkOf(citation) {
  return citation.link || (/^https?:\/\//.test(citation.source || "") ? citation.source : "");
}

// A line the documents write as a list item: "- ", "* ", "• ", "– ", or "1. " / "1) ".
const BULLET = /^\s*(?:[-*•–]|(\d{1,2})[.)])\s+(.*)$/;

// Lines of an answer; a line that strings several "* " items together (a passage quoted
// whole) is split at each of them so that every item becomes one.
function lines(text) {
  const out = [];
  for (const line of (text || "").split("\n")) {
    const parts = line.split(/\s+\*\s+(?=\S)/);
    if (parts.length > 2 || (parts.length === 2 && /^\s*\*\s/.test(line))) {
      out.push(parts[0], ...parts.slice(1).map((p) => `* ${p}`));
    } else {
      out.push(line);
    }
  }
  return out;
}

// The answer text: paragraphs, bulleted and numbered lists, each [n] a button opening passage n.
export function renderAnswerText(text, citations, onCite) {
  const box = document.createDocumentFragment();
  const byNumber = new Map((citations || []).map((c) => [c.n, c]));
  let list = null;
  for (const line of lines(text)) {
    if (!line.trim()) { list = null; continue; }
    const item = BULLET.exec(line);
    let target;
    if (item && item[2].trim()) {
      const kind = item[1] ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== kind) list = box.appendChild(el(kind));
      target = list.appendChild(el("li"));
    } else {
      list = null;
      target = box.appendChild(el("p"));
    }
    const body = item && item[2].trim() ? item[2] : line;
    let last = 0;
    for (const m of body.matchAll(/\[(\d+)\]/g)) {
      target.append(body.slice(last, m.index));
      const citation = byNumber.get(Number(m[1]));
      target.append(citation ? el("button", {
        type: "button",
        class: "cite",
        "aria-label": `Source ${m[1]} : ${citation.title}${citation.locator ? `, ${citation.locator}` : ""}`,
        onclick: () => onCite(citation),
      }, `[${m[1]}]`) : m[0]);
      last = m.index + m[0].length;
    }
    target.append(body.slice(last));
  }
  return box;
}

// Citations grouped by passage: a passage cited as [1] and [3] is listed once, with both numbers.
export function groupCitations(citations) {
  const groups = new Map();
  for (const c of citations || []) {
    const key = `${c.doc_id}\u0000${c.locator}\u0000${c.excerpt}`;
    if (groups.has(key)) groups.get(key).numbers.push(c.n);
    else groups.set(key, { citation: c, numbers: [c.n] });
  }
  return [...groups.values()];
}

// A passage's "* " lines shown as bullets (same length: offsets do not move).
const bulleted = (text) => text.replace(/^(\s*)\* /gm, "$1• ");

const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// `text` with the sentences the answer quotes marked; with none (a refusal), the question's
// longer words. The text is folded (accents, case) character by character so that offsets in
// the folded copy are offsets in `text`.
export function highlight(source, quoted, question) {
  const text = bulleted(source);
  const flat = [...text].map((ch) => { const f = fold(ch); return f.length === ch.length ? f : ch; }).join("");
  const spans = [];
  for (const sentence of quoted || []) {
    const clean = bulleted(sentence.replace(/\s*\(…\)\s*$/, ""));
    const probe = fold(clean).slice(0, 120);
    const at = probe ? flat.indexOf(probe) : -1;
    if (at >= 0) {
      const full = fold(clean);
      spans.push([at, flat.startsWith(full, at) ? at + full.length : at + probe.length]);
    }
  }
  if (!spans.length && question) {
    for (const word of new Set(fold(question).match(/[a-z0-9]{5,}/g) || [])) {
      for (const m of flat.matchAll(new RegExp(`\\b${word}\\w*`, "g"))) {
        spans.push([m.index, m.index + m[0].length]);
      }
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const out = [];
  let last = 0;
  for (const [start, end] of spans) {
    if (start < last) continue;
    out.push(text.slice(last, start), el("mark", {}, text.slice(start, end)));
    last = end;
  }
  out.push(text.slice(last));
  return out;
}
