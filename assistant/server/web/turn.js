// One question and its answer: the answer text with its citations, the sources (listed once,
// foldable), copy / edit buttons, and the feedback (the vote is saved on the first click).
"use strict";

import {
  $, $$, el, frenchDate, groupCitations, isHistoric, linkOf, renderAnswerText, statusBadge, where,
} from "./render.js";
import { openSource } from "./viewer.js";
import { answerText } from "./conversations.js";

const TAGS = ["incorrect", "incomplet", "source manquante", "source obsolète", "hors sujet"];

// `actions` are the page's: save() after a change, edit(question) to ask again.
export function renderTurn(turn, index, actions) {
  const answer = turn.answer;
  const node = el("article", { class: "turn", "data-index": index, "aria-label": `Question ${index + 1}` });
  node.append(el("h3", { class: "question", tabindex: "-1" }, turn.question));
  if (answer.question && answer.question !== turn.question) {
    node.append(el("p", { class: "understood" }, `Question comprise : « ${answer.question} »`));
  }
  const box = el("div", { class: answer.refused ? "answer refused" : "answer" });
  box.append(renderAnswerText(answer.answer, answer.citations, (c) => openSource(c, "")));
  node.append(box);
  if (turn.replaced) {
    node.append(el("p", { class: "replaced" },
      "Le brouillon rédigé par le modèle de langue a été remplacé par cette réponse extraite des documents, "
      + "parce que ses citations n'ont pas passé la vérification (détail ci-dessous)."));
  }
  if (answer.warnings && answer.warnings.length) {
    node.append(el("ul", { class: "warnings", "aria-label": "Points d'attention" },
      answer.warnings.map((w) => el("li", {}, w))));
  }
  if (answer.citations && answer.citations.length) node.append(renderSources(turn, index));
  node.append(renderActions(turn, index, actions), renderFeedback(turn, index, actions));
  return node;
}

// The sources under a disclosure button: open at the desk, folded in presentation mode.
function renderSources(turn, index) {
  const id = `sources-${index}`;
  const groups = groupCitations(turn.answer.citations);
  const title = turn.answer.refused ? "Passages les plus proches" : "Sources";
  const toggle = el("button", { type: "button", class: "sources-toggle", "aria-expanded": "true", "aria-controls": id },
    `${title} (${groups.length})`);
  const wrap = el("div", { class: "sources-box" }, el("h4", { class: "sources-title" }, toggle));
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    wrap.classList.toggle("folded", !open);
  });
  wrap.append(el("ul", { class: "sources", id }, groups.map(({ citation: c, numbers }) => el("li", {
    class: isHistoric(c) ? "historic" : "",
  },
  el("button", { type: "button", class: "source-open", onclick: () => openSource(c, turn.question) },
    `${numbers.map((n) => `[${n}]`).join(" ")} ${c.title}`),
  where(c) ? ` — ${where(c)}` : "",
  " (", frenchDate(c.date), ") ", statusBadge(c),
  linkOf(c) ? el("span", { class: "print-url" }, ` ${linkOf(c)}`) : ""))));
  return wrap;
}

function renderActions(turn, index, actions) {
  const status = el("span", { class: "action-status", role: "status" });
  const copy = el("button", { type: "button", class: "action", "aria-label": `Copier la réponse ${index + 1} et ses sources` }, "Copier");
  copy.addEventListener("click", async () => {
    const text = answerText(turn);
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) { // no clipboard API (plain http on another host): the old way
      const area = el("textarea", { class: "offscreen", "aria-hidden": "true" });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    status.textContent = "Réponse copiée avec ses sources.";
  });
  const edit = el("button", { type: "button", class: "action", "aria-label": `Modifier la question ${index + 1} et la reposer` }, "Modifier et reposer");
  edit.addEventListener("click", () => actions.edit(turn.question));
  return el("p", { class: "actions" }, copy, " ", edit, " ", status);
}

// ---- feedback: the vote is saved on the first click; comment and tags come after ------------

async function sendFeedback(url, method, payload) {
  const response = await fetch(url, {
    method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `erreur ${response.status}`);
  return body;
}

function renderFeedback(turn, index, actions) {
  const id = `fb-${index}`;
  const box = el("div", { class: "feedback" });
  const message = el("p", { class: "thanks", role: "status" });
  const error = el("p", { class: "error", role: "alert" });
  const yes = el("button", { type: "button", class: "vote", "aria-pressed": "false" }, "Utile");
  const no = el("button", { type: "button", class: "vote", "aria-pressed": "false" }, "Pas utile");
  const tags = el("fieldset", {}, el("legend", {}, "Ce qui ne va pas (facultatif)"),
    TAGS.map((tag, i) => el("label", { class: "tag" },
      el("input", { type: "checkbox", name: "tags", value: tag, id: `${id}-tag-${i}` }), ` ${tag}`)));
  const form = el("form", { class: "feedback-form", "aria-label": "Préciser votre avis" },
    el("label", { for: `${id}-comment` }, "Commentaire (facultatif)"),
    el("textarea", { id: `${id}-comment`, rows: "2", maxlength: "2000" }),
    tags,
    el("button", { type: "submit" }, "Ajouter à l'avis"));
  const show = () => {
    const vote = turn.feedback;
    yes.setAttribute("aria-pressed", String(Boolean(vote && vote.useful)));
    no.setAttribute("aria-pressed", String(Boolean(vote && !vote.useful)));
    form.hidden = !vote || vote.detailed;
    tags.hidden = !vote || vote.useful;
  };
  const vote = async (useful) => {
    error.textContent = "";
    try {
      if (turn.feedback && turn.feedback.id) {
        await sendFeedback(`feedback/${turn.feedback.id}`, "PATCH", { useful });
        turn.feedback.useful = useful;
      } else {
        const row = await sendFeedback("feedback", "POST", {
          question: turn.answer.question || turn.question,
          answer: turn.answer.answer || "",
          useful,
          cited: [...new Set((turn.answer.citations || []).map((c) => c.doc_id))],
        });
        turn.feedback = { id: row.id, useful };
      }
      actions.save();
      message.textContent = "Merci, votre avis est enregistré.";
      show();
    } catch (err) {
      error.textContent = `Avis non enregistré : ${err.message}.`;
    }
  };
  yes.addEventListener("click", () => vote(true));
  no.addEventListener("click", () => vote(false));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = { comment: $("textarea", form).value };
    if (!turn.feedback.useful) payload.tags = $$("input[name=tags]:checked", form).map((i) => i.value);
    try {
      await sendFeedback(`feedback/${turn.feedback.id}`, "PATCH", payload);
      turn.feedback.detailed = true;
      actions.save();
      message.textContent = "Merci, vos précisions sont enregistrées.";
      show();
    } catch (err) {
      error.textContent = `Précisions non enregistrées : ${err.message}.`;
    }
  });
  if (turn.feedback) message.textContent = "Merci, votre avis est enregistré.";
  show();
  box.append(el("p", { class: "vote-line" }, el("span", {}, "Cette réponse vous a-t-elle été utile ? "), yes, " ", no),
    message, error, form);
  return box;
}
