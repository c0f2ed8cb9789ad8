// The search page's sort applies as soon as it is chosen; without JavaScript the Search button does it.
"use strict";
(function () {
  var sort = document.getElementById("search-sort");
  if (!sort || !sort.form) return;
  sort.addEventListener("change", function () {
    // requestSubmit runs the form's validation and submit event, as pressing the button would.
    if (sort.form.requestSubmit) sort.form.requestSubmit();
    else sort.form.submit();
  });
})();
