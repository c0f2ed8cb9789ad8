// The translation upload's call field as a search-as-you-type combobox (WAI-ARIA 1.2 pattern): as
// staff type, up to 20 stored calls are asked of the picker endpoint (uploads/picker.py) and listed;
// a click, or the arrow keys and Enter, fills in the call's slug and period ("allot 2013-q1").
// Without this script the field is plain text and the server resolves what was typed the same way.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input[data-call-picker]");
  const list = input && document.getElementById(input.getAttribute("aria-controls"));
  if (!list) return;
  const chosen = document.querySelector("[data-call-chosen]");
  const source = input.dataset.callPicker;
  const DELAY_MS = 150;
  let options = [];
  let active = -1;
  let asked = 0; // the latest request: answers to earlier ones arrive late and are dropped
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (index) => {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const choose = (option) => {
    input.value = option.dataset.value;
    if (chosen) chosen.textContent = option.dataset.label;
    close();
    input.focus();
  };

  const note = (text) => {
    const item = document.createElement("li");
    item.className = "call-options-note";
    item.setAttribute("aria-disabled", "true");
    item.textContent = text;
    return item;
  };

  const show = (data) => {
    list.replaceChildren();
    options = data.results.map((call, index) => {
      const option = document.createElement("li");
      option.id = `call-option-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.value = call.value;
      option.dataset.label = call.label;
      const label = document.createElement("span");
      label.textContent = call.label;
      const value = document.createElement("span");
      value.className = "call-option-value";
      value.textContent = call.held_on ? `${call.value} · ${call.held_on}` : call.value;
      option.append(label, " ", value);
      list.append(option);
      return option;
    });
    if (!options.length) list.append(note(list.dataset.none));
    if (data.more) list.append(note(list.dataset.more));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  };

  const ask = async () => {
    const request = ++asked;
    try {
      const response = await fetch(`${source}?q=${encodeURIComponent(input.value)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      if (request === asked && document.activeElement === input) show(data);
    } catch (error) {
      // Offline or signed out: the field still takes typed text, which the server resolves.
    }
  };

  input.addEventListener("input", () => {
    if (chosen) chosen.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  input.addEventListener("focus", () => {
    if (list.hidden) ask();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) {
        ask();
        return;
      }
      if (!options.length) return;
      // Down from the last option, or up from the first, comes back to the text as typed (-1).
      let next = active + (event.key === "ArrowDown" ? 1 : -1);
      if (next >= options.length) next = -1;
      else if (next < -1) next = options.length - 1;
      highlight(next);
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault(); // pick the call; the next Enter sends the form
      choose(options[active]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  // pointerdown keeps the focus in the field (no blur closing the list before the click lands).
  list.addEventListener("pointerdown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) choose(option);
  });
  input.addEventListener("blur", close);
});
