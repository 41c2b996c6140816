// Conversations kept in this browser only (localStorage, never on the server), and their
// exports: Markdown, a printable HTML page, a Word document (built by POST /export/docx from
// what this page sends; nothing is kept there), and one answer as text for the clipboard.
"use strict";

import { el, frenchDate, groupCitations, linkOf, where } from "./render.js";

const ALL_KEY = "ess-assistant-conversations";
const CURRENT_KEY = "ess-assistant-current"; // per tab: a reload keeps the open conversation
const KEEP = 30; // conversations kept; the oldest go first

function readAll() {
  try {
    const all = JSON.parse(localStorage.getItem(ALL_KEY) || "[]");
    return Array.isArray(all) ? all : [];
  } catch (_) {
    return [];
  }
}

function writeAll(all) {
  try {
    localStorage.setItem(ALL_KEY, JSON.stringify(all.slice(0, KEEP)));
  } catch (_) { /* storage full or refused: the conversation lives as long as the page */ }
}

export function newId() {
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function currentId() {
  try {
    return sessionStorage.getItem(CURRENT_KEY);
  } catch (_) {
    return null;
  }
}

export function setCurrent(id) {
  try {
    sessionStorage.setItem(CURRENT_KEY, id);
  } catch (_) { /* private mode */ }
}

export function load(id) {
  return readAll().find((c) => c.id === id) || null;
}

// Saves the conversation first in the list; an empty one is not kept.
export function store(id, turns) {
  const others = readAll().filter((c) => c.id !== id);
  if (!turns.length) {
    writeAll(others);
    return;
  }
  const previous = load(id);
  const started = previous ? previous.started : new Date().toISOString();
  writeAll([{ id, started, updated: new Date().toISOString(), turns }, ...others]);
}

export function remove(id) {
  writeAll(readAll().filter((c) => c.id !== id));
}

export function list() {
  return readAll();
}

// ---- exports ------------------------------------------------------------------------------

function sourceLine(group) {
  const c = group.citation;
  const at = where(c) ? `, ${where(c)}` : "";
  const link = linkOf(c);
  return `${group.numbers.map((n) => `[${n}]`).join(" ")} ${c.title}${at} (${frenchDate(c.date)}, ${c.status})${link ? ` — ${link}` : ""}`;
}

// One answer as plain text with its sources: what the copy button puts on the clipboard.
export function answerText(turn) {
  const a = turn.answer;
  const lines = [`Question : ${turn.question}`, "", a.answer || ""];
  for (const w of a.warnings || []) lines.push("", `Attention : ${w}`);
  const groups = groupCitations(a.citations);
  if (groups.length) lines.push("", "Sources :", ...groups.map(sourceLine));
  return lines.join("\n");
}

export function toMarkdown(turns) {
  const lines = [`# Conversation ESS Assistant — ${frenchDate(new Date().toISOString())}`, ""];
  turns.forEach((turn, i) => {
    lines.push(`## ${i + 1}. ${turn.question}`, "");
    if (turn.answer.question && turn.answer.question !== turn.question) {
      lines.push(`*Question comprise : ${turn.answer.question}*`, "");
    }
    lines.push(turn.answer.answer, "");
    for (const w of turn.answer.warnings || []) lines.push(`> ${w}`, "");
    const groups = groupCitations(turn.answer.citations);
    if (groups.length) {
      lines.push("**Sources**", "");
      for (const g of groups) {
        lines.push(`- ${sourceLine(g).replace(/ — (https?:\S+)$/, " — <$1>")}`);
        lines.push(...g.citation.excerpt.split("\n").map((l) => `  > ${l}`), "");
      }
    }
  });
  return lines.join("\n");
}

const PRINT_CSS = `body{font:11pt/1.45 system-ui,"DejaVu Sans",sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;color:#000}
h1{font-size:1.3rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .25rem}.date{color:#333;margin:.2rem 0 1rem}
.answer{border-left:3px solid #0a4d8c;padding-left:.75rem}.warn{font-style:italic}
.sources{font-size:.9rem}.sources li{margin:.2rem 0}a{color:#0a4d8c;word-break:break-all}
@media print{h2{break-after:avoid}}`;

// A page that stands on its own (no script, no external resource): printed, or opened in a
// word processor, it keeps the date, the answers and the sources with their addresses.
export function toHtmlPage(turns) {
  const doc = document.implementation.createHTMLDocument("Conversation ESS Assistant");
  doc.documentElement.lang = "fr";
  doc.head.append(el("meta", { charset: "utf-8" }), el("style", {}, PRINT_CSS));
  doc.body.append(
    el("h1", {}, "Conversation ESS Assistant"),
    el("p", { class: "date" }, `Exportée le ${frenchDate(new Date().toISOString())} — réponses extraites des documents indexés ; vérifiez le texte en vigueur avant toute décision.`),
  );
  turns.forEach((turn, i) => {
    const a = turn.answer;
    doc.body.append(el("h2", {}, `${i + 1}. ${turn.question}`));
    const box = el("div", { class: "answer" }, (a.answer || "").split("\n").filter((l) => l.trim()).map((l) => el("p", {}, l)));
    doc.body.append(box, ...(a.warnings || []).map((w) => el("p", { class: "warn" }, `Attention : ${w}`)));
    const groups = groupCitations(a.citations);
    if (groups.length) {
      doc.body.append(el("ul", { class: "sources" }, groups.map((g) => {
        const link = linkOf(g.citation);
        const text = sourceLine(g).replace(/ — https?:\S+$/, "");
        return el("li", {}, text, link ? [" — ", el("a", { href: link }, link)] : "");
      })));
    }
  });
  return `<!doctype html>\n${doc.documentElement.outerHTML}`;
}

// The turns as POST /export/docx takes them (within its caps): question, answer, warnings,
// and the sources grouped as the page lists them.
export function toDocxRequest(turns) {
  return {
    turns: turns.slice(0, 100).map((turn) => ({
      question: turn.question.slice(0, 2000),
      understood: (turn.answer.question || "").slice(0, 2000),
      answer: (turn.answer.answer || "").slice(0, 20000),
      warnings: (turn.answer.warnings || []).slice(0, 20).map((w) => w.slice(0, 2000)),
      sources: groupCitations(turn.answer.citations).slice(0, 50).map((g) => ({
        numbers: g.numbers.slice(0, 50),
        title: (g.citation.title || "").slice(0, 500),
        where: where(g.citation).slice(0, 500),
        date: (g.citation.date || "").slice(0, 40),
        status: (g.citation.status || "").slice(0, 40),
        link: linkOf(g.citation).slice(0, 2000) || null,
      })),
    })),
  };
}

export function download(text, type, name) {
  const blob = text instanceof Blob ? text : new Blob([text], { type });
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
