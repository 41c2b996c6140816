// ESS Assistant web page: ask, read the cited answer, open the sources, give feedback.
// Plain JavaScript, no build step, no external resource: the page works offline.
"use strict";

const STORE_KEY = "ess-assistant-thread";
const HISTORY_TURNS = 6; // earlier turns sent with a question, for follow-ups
const TAGS = ["incorrect", "incomplet", "source manquante", "source obsolète", "hors sujet"];
const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
  "septembre", "octobre", "novembre", "décembre"];

const $ = (selector, root = document) => root.querySelector(selector);
let turns = [];
let examples = {};
let llmConfigured = false; // GET /health says so; then answers stream from POST /ask/stream

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function frenchDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  if (!m) return iso || "date inconnue";
  const day = Number(m[3]);
  return `${day === 1 ? "1er" : day} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

function isHistoric(citation) {
  return citation.status === "historique";
}

function statusBadge(citation) {
  const historic = isHistoric(citation);
  return el("span", {
    class: `status ${historic ? "status-historique" : "status-current"}`,
    text: historic ? "historique : peut être dépassé" : citation.status || "statut inconnu",
  });
}

// ---- the conversation ------------------------------------------------------------------

function save() {
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify(turns));
  } catch (_) { /* private mode: the thread lives as long as the page */ }
}

function restore() {
  try {
    turns = JSON.parse(sessionStorage.getItem(STORE_KEY) || "[]");
  } catch (_) {
    turns = [];
  }
  turns.forEach((turn, i) => $("#thread").append(renderTurn(turn, i)));
}

async function ask(question) {
  const error = $("#error");
  error.textContent = "";
  const text = question.trim();
  if (!text) {
    error.textContent = "Écrivez une question avant de l'envoyer.";
    $("#question").focus();
    return;
  }
  const send = $("#send");
  send.disabled = true;
  send.textContent = "Recherche en cours…";
  $("#thread").setAttribute("aria-busy", "true");
  const history = turns.slice(-HISTORY_TURNS).map((t) => ({
    question: t.answer.question || t.question,
    answer: (t.answer.answer || "").slice(0, 2000),
  }));
  try {
    const request = {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: text, history }),
    };
    const response = await fetch(llmConfigured ? "ask/stream" : "ask", request);
    const body = response.ok && llmConfigured
      ? await readStream(response)
      : await response.json().catch(() => ({}));
    if (!response.ok) {
      error.textContent = `Impossible de répondre : ${body.detail || `erreur ${response.status}`}.`;
      return;
    }
    const turn = { question: text, answer: body, feedback: null };
    turns.push(turn);
    save();
    const node = renderTurn(turn, turns.length - 1);
    $("#thread").append(node);
    $("#question").value = "";
    node.scrollIntoView({ block: "start", behavior: "smooth" });
    $("h3", node).focus();
  } catch (_) {
    error.textContent = "Le service ne répond pas. Vérifiez la connexion puis réessayez.";
  } finally {
    send.disabled = false;
    send.textContent = "Demander";
    $("#thread").removeAttribute("aria-busy");
  }
}

// Server-Sent Events from POST /ask/stream: the text shows in a draft as the model writes it;
// the final event holds the checked answer, which replaces the draft (it is the extractive
// answer when the model's did not pass the citation checks).
async function readStream(response) {
  const draft = el("p", { class: "draft", "aria-live": "polite", "aria-busy": "true" });
  $("#thread").append(draft);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let final = {};
  try {
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
        if (name === "delta") draft.textContent += data.text;
        if (name === "final") final = data;
      }
    }
  } finally {
    draft.remove();
  }
  if (typeof final.answer !== "string") throw new Error("flux interrompu"); // shown as "ne répond pas"
  return final;
}

function renderTurn(turn, index) {
  const answer = turn.answer;
  const node = el("article", { class: "turn", "data-index": index, "aria-label": `Question ${index + 1}` });
  node.append(el("h3", { class: "question", tabindex: "-1" }, turn.question));
  if (answer.question && answer.question !== turn.question) {
    node.append(el("p", { class: "understood" }, `Question comprise : « ${answer.question} »`));
  }
  node.append(renderAnswer(answer));
  if (answer.warnings && answer.warnings.length) {
    node.append(el("ul", { class: "warnings", "aria-label": "Points d'attention" },
      answer.warnings.map((w) => el("li", {}, w))));
  }
  if (answer.citations && answer.citations.length) {
    node.append(el("h4", { class: "sources-title" }, answer.refused ? "Passages les plus proches" : "Sources"));
    node.append(el("ol", { class: "sources" }, answer.citations.map((c) => el("li", {
      class: isHistoric(c) ? "historic" : "",
    },
    el("button", {
      type: "button", class: "source-open", onclick: () => openSource(c, turn.question),
    }, `[${c.n}] ${c.title}`),
    where(c) ? ` — ${where(c)}` : "",
    " (", frenchDate(c.date), ") ", statusBadge(c)))));
  }
  node.append(renderFeedback(turn, index));
  return node;
}

// The answer text, with each [n] a button that opens passage n.
function renderAnswer(answer) {
  const box = el("div", { class: answer.refused ? "answer refused" : "answer" });
  const byNumber = new Map((answer.citations || []).map((c) => [c.n, c]));
  let list = null;
  for (const line of (answer.answer || "").split("\n")) {
    if (!line.trim()) { list = null; continue; }
    const item = /^- (.*)$/.exec(line);
    const target = item ? (list ||= box.appendChild(el("ul"))).appendChild(el("li")) : box.appendChild(el("p"));
    if (!item) list = null;
    const text = item ? item[1] : line;
    let last = 0;
    for (const m of text.matchAll(/\[(\d+)\]/g)) {
      target.append(text.slice(last, m.index));
      const citation = byNumber.get(Number(m[1]));
      target.append(citation ? el("button", {
        type: "button",
        class: "cite",
        "aria-label": `Source ${m[1]} : ${citation.title}${citation.locator ? `, ${citation.locator}` : ""}`,
        onclick: () => openSource(citation, ""),
      }, `[${m[1]}]`) : m[0]);
      last = m.index + m[0].length;
    }
    target.append(text.slice(last));
  }
  return box;
}

// ---- a source, opened ------------------------------------------------------------------

function openSource(citation, question) {
  const dialog = $("#source");
  $("#source-title").textContent = `[${citation.n}] ${citation.title}`;
  const meta = $("#source-meta");
  meta.replaceChildren(
    where(citation) ? el("strong", {}, where(citation)) : "",
    where(citation) ? " — " : "",
    `texte du ${frenchDate(citation.date)} `, statusBadge(citation),
  );
  const historic = $("#source-historic");
  historic.hidden = !isHistoric(citation);
  historic.textContent = isHistoric(citation)
    ? "Texte historique : il a pu être modifié ou remplacé depuis. Vérifiez la version en vigueur."
    : "";
  $("#source-text").replaceChildren(...highlight(citation.excerpt, citation.quoted || [], question));
  const link = citation.link || (/^https?:\/\//.test(citation.source) ? citation.source : "");
  const line = $("#source-link-line");
  line.hidden = !link;
  if (link) {
    $("#source-link").href = link;
    $("#source-link").textContent = citation.link ? "Vérifier sur Légifrance" : "Ouvrir la source";
  }
  dialog.showModal();
  $("#source-close").focus();
}

// Where in its document a passage is: an article named as a lawyer cites it ("Code rural et de
// la pêche maritime, art. L521-3"), else its page or heading.
const where = (c) => (c.label && c.label !== c.title ? c.label : c.locator || "");

const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// The passage with the sentences the answer quotes marked; with none (a refusal), the
// question's longer words.
function highlight(text, quoted, question) {
  const spans = [];
  const flat = fold(text);
  for (const sentence of quoted) {
    const probe = fold(sentence.replace(/\s*\(…\)\s*$/, "")).slice(0, 120);
    const at = probe ? flat.indexOf(probe) : -1;
    if (at >= 0) {
      const full = fold(sentence);
      const end = flat.startsWith(full, at) ? at + full.length : at + probe.length;
      spans.push([at, end]);
    }
  }
  if (!spans.length && question) {
    const words = fold(question).match(/[a-z0-9]{5,}/g) || [];
    for (const word of new Set(words)) {
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

// ---- feedback --------------------------------------------------------------------------

function renderFeedback(turn, index) {
  const box = el("div", { class: "feedback" });
  if (turn.feedback) {
    box.append(el("p", { class: "thanks" }, "Merci, votre avis est enregistré."));
    return box;
  }
  const id = `fb-${index}`;
  const form = el("form", { class: "feedback-form", hidden: true, "aria-label": "Votre avis" });
  let useful = null;
  const choose = (value) => {
    useful = value;
    yes.setAttribute("aria-pressed", String(value));
    no.setAttribute("aria-pressed", String(!value));
    form.hidden = false;
    $("textarea", form).focus();
  };
  const yes = el("button", { type: "button", class: "vote", "aria-pressed": "false", onclick: () => choose(true) }, "Utile");
  const no = el("button", { type: "button", class: "vote", "aria-pressed": "false", onclick: () => choose(false) }, "Pas utile");
  box.append(el("p", { class: "vote-line" }, el("span", {}, "Cette réponse vous a-t-elle été utile ? "), yes, " ", no));
  form.append(
    el("label", { for: `${id}-comment` }, "Commentaire (facultatif)"),
    el("textarea", { id: `${id}-comment`, rows: "2", maxlength: "2000" }),
    el("fieldset", {}, el("legend", {}, "Précisez si besoin"),
      TAGS.map((tag, i) => el("label", { class: "tag" },
        el("input", { type: "checkbox", name: "tags", value: tag, id: `${id}-tag-${i}` }), ` ${tag}`))),
    el("button", { type: "submit" }, "Envoyer l'avis"),
    el("p", { class: "error", role: "alert" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = {
      question: turn.answer.question || turn.question,
      answer: turn.answer.answer || "",
      useful,
      comment: $("textarea", form).value,
      tags: [...form.querySelectorAll("input[name=tags]:checked")].map((i) => i.value),
      cited: [...new Set((turn.answer.citations || []).map((c) => c.doc_id))],
    };
    try {
      const response = await fetch("feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        $(".error", form).textContent = `Avis non enregistré : ${body.detail || response.status}.`;
        return;
      }
      turn.feedback = { useful };
      save();
      box.replaceChildren(el("p", { class: "thanks", tabindex: "-1" }, "Merci, votre avis est enregistré."));
      $(".thanks", box).focus();
    } catch (_) {
      $(".error", form).textContent = "Avis non enregistré : le service ne répond pas.";
    }
  });
  box.append(form);
  return box;
}

// ---- export, print, presentation -------------------------------------------------------

function toMarkdown() {
  const lines = [`# Conversation ESS Assistant — ${frenchDate(new Date().toISOString())}`, ""];
  turns.forEach((turn, i) => {
    lines.push(`## ${i + 1}. ${turn.question}`, "");
    if (turn.answer.question && turn.answer.question !== turn.question) {
      lines.push(`*Question comprise : ${turn.answer.question}*`, "");
    }
    lines.push(turn.answer.answer, "");
    for (const w of turn.answer.warnings || []) lines.push(`> ${w}`, "");
    if ((turn.answer.citations || []).length) {
      lines.push("**Sources**", "");
      for (const c of turn.answer.citations) {
        const at = where(c) ? `, ${where(c)}` : "";
        const link = c.link || (/^https?:\/\//.test(c.source) ? c.source : "");
        lines.push(`${c.n}. ${c.title}${at} (${frenchDate(c.date)}, ${c.status})${link ? ` — <${link}>` : ""}`);
        lines.push(...c.excerpt.split("\n").map((l) => `   > ${l}`), "");
      }
    }
  });
  return lines.join("\n");
}

function exportMarkdown() {
  if (!turns.length) {
    $("#error").textContent = "Rien à exporter : posez d'abord une question.";
    return;
  }
  const blob = new Blob([toMarkdown()], { type: "text/markdown;charset=utf-8" });
  const a = el("a", {
    href: URL.createObjectURL(blob),
    download: `conversation-ess-${new Date().toISOString().slice(0, 10)}.md`,
  });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function setPresentation(on) {
  document.body.classList.toggle("presentation", on);
  const button = $("#present");
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? "Quitter la présentation" : "Mode présentation";
}

// ---- profiles and examples -------------------------------------------------------------

function showExamples(persona) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const selected = tab.dataset.persona === persona;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  $("#examples-panel").setAttribute("aria-labelledby", `tab-${persona}`);
  const list = $("#examples");
  list.replaceChildren(...(examples[persona] || []).map((q) => el("li", {},
    el("button", { type: "button", class: "example", onclick: () => { $("#question").value = q; ask(q); } }, q))));
}

async function loadExamples() {
  try {
    const response = await fetch("static/examples.json");
    examples = await response.json();
  } catch (_) {
    examples = {};
  }
  showExamples("elu");
}

function init() {
  restore();
  loadExamples();
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
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => showExamples(tab.dataset.persona));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      showExamples(next.dataset.persona);
    });
  });
  $("#present").addEventListener("click", () => setPresentation(!document.body.classList.contains("presentation")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("presentation") && !$("#source").open) {
      setPresentation(false);
    }
  });
  $("#export").addEventListener("click", exportMarkdown);
  $("#print").addEventListener("click", () => window.print());
  $("#reset").addEventListener("click", () => {
    turns = [];
    save();
    $("#thread").replaceChildren();
    $("#question").focus();
  });
  $("#source-close").addEventListener("click", () => $("#source").close());
  $("#source").addEventListener("click", (event) => {
    if (event.target === $("#source")) $("#source").close(); // a click on the backdrop
  });
}

document.addEventListener("DOMContentLoaded", init);
