// The search page's enhancements; without JavaScript every one of them is a plain form or link.
"use strict";
(function () {
  // The sort applies as soon as it is chosen; without JavaScript the Search button does it.
  var sort = document.getElementById("search-sort");
  if (sort && sort.form) {
    sort.addEventListener("change", function () {
      // requestSubmit runs the form's validation and submit event, as pressing the button would.
      if (sort.form.requestSubmit) sort.form.requestSubmit();
      else sort.form.submit();
    });
  }

  // The filters panel: folded above the results on a phone, always open beside them when wide.
  var panel = document.querySelector("details.facets-panel");
  if (panel && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 48rem)");
    var fit = function () { panel.open = !narrow.matches; };
    fit();
    if (narrow.addEventListener) narrow.addEventListener("change", fit);
  }

  // "Every company with its count": the whole list in place of the first values, from the same
  // page the link opens without JavaScript (?fragment=1 answers the list alone). Delegated, so that
  // the links of facets swapped in with the exact counts (below) work as well.
  document.addEventListener("click", function (event) {
    var more = event.target.closest && event.target.closest("a.facet-more[data-fragment]");
    if (!more) return;
    var facet = more.closest(".facet");
    var list = facet && facet.querySelector("ul");
    if (!list || !window.fetch) return;
    event.preventDefault();
    more.setAttribute("aria-busy", "true");
    fetch(more.getAttribute("data-fragment"), { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html; // our own escaped markup; a template runs nothing
        var values = template.content.querySelector("ul");
        if (!values) throw new Error("no list");
        list.replaceWith(values);
        more.remove();
        var first = values.querySelector("a");
        if (first) first.focus();
      })
      .catch(function () {
        window.location.href = more.href; // the page itself, as without JavaScript
      });
  });

  // Counts estimated from a sample (a large result set): the exact ones are counted in the
  // background, from the same page with exact=1, and put in place of the estimates: the total,
  // the facets and the page numbers. Without JavaScript the note's link opens that page.
  var note = document.querySelector(".estimate-note[data-exact-url]");
  if (note && window.fetch && window.DOMParser) {
    note.setAttribute("aria-busy", "true");
    fetch(note.getAttribute("data-exact-url"), { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var exact = new DOMParser().parseFromString(html, "text/html");
        ["p.summary", "aside.facets", "nav.pager"].forEach(function (selector) {
          var shown = document.querySelector(selector);
          var counted = exact.querySelector(selector);
          if (shown && counted) shown.replaceWith(document.importNode(counted, true));
        });
        note.remove();
      })
      .catch(function () {
        note.removeAttribute("aria-busy"); // the estimates stay, labelled, with their link
      });
  }
})();
