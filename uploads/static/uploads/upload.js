// The upload form: drop files on the zone as well as picking them, and hear about the limits before
// sending. The server checks the same limits; this only saves a round trip.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const zone = form && form.querySelector("[data-drop-zone]");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const problem = zone.querySelector("[data-upload-problem]");
  const maxFiles = Number(input.dataset.maxFiles);
  const maxBytes = Number(input.dataset.maxBytes);

  const check = () => {
    const files = Array.from(input.files);
    const messages = [];
    if (files.length > maxFiles) messages.push(input.dataset.tooMany);
    for (const file of files) {
      if (file.size > maxBytes) {
        messages.push(input.dataset.tooLarge.replace("{file}", file.name).replace("{size}", file.size.toLocaleString("en")));
      }
    }
    problem.textContent = messages.join(" ");
    problem.hidden = messages.length === 0;
    return messages.length === 0;
  };

  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("dragging"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      check();
    }
  });
  input.addEventListener("change", check);
  form.addEventListener("submit", (event) => {
    if (!check()) event.preventDefault();
  });
});
