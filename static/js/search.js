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
  // page the link opens without JavaScript (?fragment=1 answers the list alone).
  document.querySelectorAll("a.facet-more[data-fragment]").forEach(function (more) {
    more.addEventListener("click", function (event) {
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
  });
})();
