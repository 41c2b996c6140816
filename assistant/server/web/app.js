// ESS Assistant web page: ask, read the cited answer, open the sources, give feedback.
// Plain JavaScript modules, no build step, no external resource: the page works offline.
"use strict";

import { $, $$, el, frenchDate } from "./render.js";
import { initViewer } from "./viewer.js";
import * as conversations from "./conversations.js";
import { renderTurn } from "./turn.js";

const HISTORY_TURNS = 6; // earlier turns sent with a question, for follow-ups
const DRAFT_LABEL = "Brouillon — vérification des sources en cours";

let turns = [];
let conversation = conversations.newId();
let examples = {};
let llmConfigured = false; // GET /health says so; then answers stream from POST /ask/stream
let pending = null; // the AbortController of the request under way: one at a time
let shown = -1; // the turn shown in presentation mode

function save() {
  conversations.store(conversation, turns);
  conversations.setCurrent(conversation);
}

function edit(question) {
  $("#question").value = question;
  fitQuestion();
  $("#question").focus();
  $("#question").setSelectionRange(question.length, question.length);
}

const turnActions = { save, edit };

function showThread() {
  $("#thread").replaceChildren(...turns.map((turn, i) => renderTurn(turn, i, turnActions)));
  shown = turns.length - 1;
  updatePresentation();
}

// ---- asking --------------------------------------------------------------------------------

function setPending(controller) {
  pending = controller;
  $("#send").disabled = Boolean(controller);
  $("#send").textContent = controller ? "Recherche en cours…" : "Demander";
  $("#cancel").hidden = !controller;
  if (controller) $("#thread").setAttribute("aria-busy", "true");
  else $("#thread").removeAttribute("aria-busy");
}

// The new turn's top at the top of the view (below nothing: the header is not sticky).
function bringToTop(node) {
  node.scrollIntoView({ block: "start", behavior: "instant" });
}

async function ask(question) {
  if (pending) return; // Enter while a request is under way does not send a second one
  const error = $("#error");
  error.textContent = "";
  const text = question.trim();
  if (!text) {
    error.textContent = "Écrivez une question avant de l'envoyer.";
    $("#question").focus();
    return;
  }
  const controller = new AbortController();
  setPending(controller);
  const placeholder = el("article", { class: "turn pending", "aria-label": "Question en cours" },
    el("h3", { class: "question" }, text),
    el("p", { class: "waiting", role: "status" }, "Recherche dans les documents…"));
  $("#thread").append(placeholder);
  if (document.body.classList.contains("presentation")) showOnly(placeholder);
  bringToTop(placeholder);
  const history = turns.slice(-HISTORY_TURNS).map((t) => ({
    question: t.answer.question || t.question,
    answer: (t.answer.answer || "").slice(0, 2000),
  }));
  try {
    const response = await fetch(llmConfigured ? "ask/stream" : "ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: text, history }),
      signal: controller.signal,
    });
    const body = response.ok && llmConfigured
      ? await readStream(response, placeholder)
      : await response.json().catch(() => ({}));
    if (!response.ok) {
      placeholder.remove();
      error.textContent = `Impossible de répondre : ${body.detail || `erreur ${response.status}`}.`;
      return;
    }
    const replaced = Boolean(body.replace);
    delete body.replace;
    const turn = { question: text, answer: body, feedback: null, replaced, at: new Date().toISOString() };
    turns.push(turn);
    save();
    const node = renderTurn(turn, turns.length - 1, turnActions);
    placeholder.replaceWith(node);
    $("#question").value = "";
    fitQuestion();
    shown = turns.length - 1;
    updatePresentation();
    bringToTop(node);
    $("h3", node).focus({ preventScroll: true });
  } catch (err) {
    placeholder.remove();
    error.textContent = controller.signal.aborted
      ? "Question annulée."
      : "Le service ne répond pas. Vérifiez la connexion puis réessayez.";
  } finally {
    setPending(null);
  }
}

// Server-Sent Events from POST /ask/stream: the model's text shows in a labelled draft as it is
// written; the final event holds the checked answer, which takes its place (`replace` says the
// draft failed the citation checks and the extractive answer is shown instead).
async function readStream(response, placeholder) {
  const text = el("p", { class: "draft-text" });
  const draft = el("div", { class: "draft", "aria-busy": "true" },
    el("p", { class: "draft-label" }, DRAFT_LABEL), text);
  $(".waiting", placeholder).replaceWith(draft);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let final = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = (/^event: (.*)$/m.exec(block) || [])[1];
      const data = JSON.parse((/^data: (.*)$/m.exec(block) || [, "{}"])[1]);
      if (name === "delta") text.textContent += data.text;
      if (name === "final") final = data;
    }
  }
  if (typeof final.answer !== "string") throw new Error("flux interrompu"); // "ne répond pas"
  return final;
}


// ---- presentation mode: one answer at a time, large, with previous / next ---------------------

function showOnly(node) {
  for (const t of $$(".turn")) t.classList.toggle("off-stage", t !== node);
}

function updatePresentation() {
  const on = document.body.classList.contains("presentation");
  const nodes = $$(".turn:not(.pending)");
  if (!on) {
    for (const t of $$(".turn")) t.classList.remove("off-stage");
  } else if (nodes.length) {
    shown = Math.max(0, Math.min(shown, nodes.length - 1));
    showOnly(nodes[shown]);
  }
  for (const box of $$(".sources-box")) {
    const toggle = $(".sources-toggle", box);
    box.classList.toggle("folded", on);
    toggle.setAttribute("aria-expanded", String(!on));
  }
  $("#prev").disabled = shown <= 0;
  $("#next").disabled = shown >= nodes.length - 1;
  $("#position").textContent = nodes.length ? `Question ${shown + 1} sur ${nodes.length}` : "Aucune question";
}

function setPresentation(on) {
  document.body.classList.toggle("presentation", on);
  document.documentElement.classList.toggle("presentation", on);
  $("#present").setAttribute("aria-pressed", String(on));
  $("#present").textContent = on ? "Quitter la présentation" : "Mode présentation";
  $("#present-nav").hidden = !on;
  shown = turns.length - 1;
  updatePresentation();
  if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
}

function step(delta) {
  shown += delta;
  updatePresentation();
  const node = $$(".turn:not(.pending)")[shown];
  if (node) {
    bringToTop(node);
    $("h3", node).focus({ preventScroll: true });
  }
}

// ---- the question box: grows as one types; focus never hidden under it --------------------

function fitQuestion() {
  const box = $("#question");
  box.style.height = "auto";
  const max = window.innerHeight * 0.3;
  box.style.height = `${Math.min(box.scrollHeight + 4, max)}px`;
}

function trackAskHeight() {
  const form = $("#ask-form");
  const update = () => {
    const sticky = getComputedStyle(form).position === "sticky";
    document.documentElement.style.setProperty("--ask-h", `${sticky ? form.offsetHeight : 0}px`);
    document.documentElement.style.setProperty("--bar-h", `${$(".bar").offsetHeight}px`);
  };
  const watch = new ResizeObserver(update);
  watch.observe(form);
  watch.observe($(".bar"));
  window.addEventListener("resize", update);
  update();
  // WCAG 2.4.11: an element that gets focus is scrolled clear of the sticky question box.
  document.addEventListener("focusin", (event) => {
    const target = event.target;
    if (form.contains(target) || target.closest("dialog") || getComputedStyle(form).position !== "sticky") return;
    const box = target.getBoundingClientRect();
    const top = form.getBoundingClientRect().top;
    if (box.bottom > top - 8) window.scrollBy({ top: box.bottom - top + 16, behavior: "instant" });
  });
}

// ---- conversations ----------------------------------------------------------------------

function startNew(erase) {
  if (erase) conversations.remove(conversation);
  conversation = conversations.newId();
  turns = [];
  conversations.setCurrent(conversation);
  showThread();
  $("#question").focus();
}

function open(id) {
  const found = conversations.load(id);
  if (!found) return;
  conversation = found.id;
  turns = found.turns;
  conversations.setCurrent(conversation);
  showThread();
}

function showHistory() {
  const listing = $("#history-list");
  const all = conversations.list();
  listing.replaceChildren(...(all.length ? all.map((c) => el("li", {},
    el("span", { class: "history-title" }, c.turns[0].question),
    el("span", { class: "history-meta" }, ` — ${frenchDate(c.started)}, ${c.turns.length} question${c.turns.length > 1 ? "s" : ""}${c.id === conversation ? " (en cours)" : ""} `),
    el("button", { type: "button", class: "action", onclick: () => { $("#history").close(); open(c.id); } }, "Rouvrir"),
    " ",
    el("button", { type: "button", class: "action", "aria-label": `Effacer « ${c.turns[0].question} »`, onclick: () => {
      conversations.remove(c.id);
      if (c.id === conversation) startNew(false);
      showHistory();
    } }, "Effacer"))) : [el("li", {}, "Aucune conversation gardée dans ce navigateur.")]));
  if (!$("#history").open) $("#history").showModal();
}

// ---- profiles and examples ---------------------------------------------------------------

function showExamples(persona) {
  for (const tab of $$("[role=tab]")) {
    const selected = tab.dataset.persona === persona;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  $("#examples-panel").setAttribute("aria-labelledby", `tab-${persona}`);
  $("#examples").replaceChildren(...(examples[persona] || []).map((q) => el("li", {},
    el("button", { type: "button", class: "example", onclick: () => { $("#question").value = q; ask(q); } }, q))));
}

async function loadExamples() {
  try {
    examples = await (await fetch("static/examples.json")).json();
  } catch (_) {
    examples = {};
  }
  showExamples("elu");
}

// The Word document is built by the server from the turns shown (POST /export/docx).
async function exportDocx(day) {
  const button = $("#export-docx");
  button.disabled = true;
  try {
    const response = await fetch("export/docx", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(conversations.toDocxRequest(turns)),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.detail || `erreur ${response.status}`);
    }
    const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    conversations.download(await response.blob(), "", named ? named[1] : `conversation-ess-${day}.docx`);
  } catch (err) {
    $("#error").textContent = `Export Word impossible : ${err.message}.`;
  } finally {
    button.disabled = false;
  }
}

function exportAs(kind) {
  if (!turns.length) {
    $("#error").textContent = "Rien à exporter : posez d'abord une question.";
    return;
  }
  const day = new Date().toISOString().slice(0, 10);
  if (kind === "docx") exportDocx(day);
  else if (kind === "md") conversations.download(conversations.toMarkdown(turns), "text/markdown;charset=utf-8", `conversation-ess-${day}.md`);
  else conversations.download(conversations.toHtmlPage(turns), "text/html;charset=utf-8", `conversation-ess-${day}.html`);
}

function init() {
  const saved = conversations.currentId();
  if (saved && conversations.load(saved)) open(saved);
  else conversations.setCurrent(conversation);
  $("#print-date").textContent = `Conversation du ${frenchDate(new Date().toISOString())}`;
  loadExamples();
  initViewer();
  trackAskHeight();
  fetch("health").then((r) => r.json()).then((h) => { llmConfigured = Boolean(h.llm); }).catch(() => {});
  $("#ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ask($("#question").value);
  });
  $("#question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask($("#question").value);
    }
  });
  $("#question").addEventListener("input", fitQuestion);
  $("#cancel").addEventListener("click", () => pending && pending.abort());
  const tabs = $$("[role=tab]");
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => showExamples(tab.dataset.persona));
    tab.addEventListener("keydown", (event) => {
      const move = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!move) return;
      const next = tabs[(i + move + tabs.length) % tabs.length];
      next.focus();
      showExamples(next.dataset.persona);
    });
  });
  $("#present").addEventListener("click", () => setPresentation(!document.body.classList.contains("presentation")));
  $("#prev").addEventListener("click", () => step(-1));
  $("#next").addEventListener("click", () => step(1));
  $("#fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {
      $("#error").textContent = "Le plein écran est refusé par le navigateur : utilisez la touche F11.";
    });
  });
  document.addEventListener("fullscreenchange", () => {
    $("#fullscreen").setAttribute("aria-pressed", String(Boolean(document.fullscreenElement)));
  });
  document.addEventListener("keydown", (event) => {
    if (!document.body.classList.contains("presentation") || $("dialog[open]")) return;
    if (event.key === "Escape") setPresentation(false);
    // A presenter's remote sends Page Up / Page Down: previous / next question.
    const move = { PageDown: 1, PageUp: -1 }[event.key];
    if (move && event.target.tagName !== "TEXTAREA") {
      const count = $$(".turn:not(.pending)").length;
      if (shown + move >= 0 && shown + move < count) {
        event.preventDefault();
        step(move);
      }
    }
  });
  $("#export-md").addEventListener("click", () => exportAs("md"));
  $("#export-html").addEventListener("click", () => exportAs("html"));
  $("#export-docx").addEventListener("click", () => exportAs("docx"));
  $("#print").addEventListener("click", () => window.print());
  $("#history-open").addEventListener("click", showHistory);
  $("#history-close").addEventListener("click", () => $("#history").close());
  $("#reset").addEventListener("click", () => {
    if (!turns.length) { $("#question").focus(); return; }
    $("#reset-erase").checked = false;
    $("#confirm-reset").showModal();
    $("#reset-cancel").focus();
  });
  $("#reset-cancel").addEventListener("click", () => $("#confirm-reset").close());
  $("#reset-confirm").addEventListener("click", () => {
    $("#confirm-reset").close();
    startNew($("#reset-erase").checked);
  });
  showThread();
}

document.addEventListener("DOMContentLoaded", init);
