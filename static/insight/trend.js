// The search page's trend chart: counted exactly, so fetched after the results are on screen.
// Without JavaScript the page keeps its "Mention trend" link to the same chart on a page of its own.
(function () {
  "use strict";
  function load(slot) {
    var source = slot.getAttribute("data-trend-src");
    if (!source) return;
    fetch(source, { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        slot.replaceChildren.apply(slot, Array.prototype.slice.call(parsed.body.childNodes));
      })
      .catch(function () {
        slot.replaceChildren();
      });
  }
  function start() {
    document.querySelectorAll(".insight-trend-slot[data-trend-src]").forEach(load);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
