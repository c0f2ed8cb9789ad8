// Small enhancements of the reading pages; every one of them has a plain-HTML fallback.
"use strict";
(function () {
  var COOKIE = "cv_columns";
  // The messages come translated from the page (data-* on the status line of base.html).
  var messages = (document.getElementById("copy-status") || {}).dataset || {};
  function say(key, english) { return messages[key] || english; }

  function announce(message) {
    var status = document.getElementById("copy-status");
    if (!status) return;
    status.textContent = message;
    status.classList.add("shown");
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () { status.classList.remove("shown"); }, 2500);
  }

  // Select the element's text so that the reader can copy it by hand (and try the old copy command).
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }

  // navigator.clipboard exists only in secure contexts (https, localhost); otherwise fall back.
  function copy(text, element, done) {
    function fallback() {
      if (element && selectText(element)) announce(done);
      else if (element) announce(say("selected", "Selected: press Ctrl+C (⌘C) to copy"));
      else window.prompt(say("prompt", "Copy this link:"), text);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { announce(done); }, fallback);
    } else {
      fallback();
    }
  }

  // 1. A search's ?q= page without a #fragment opens at the first highlighted word.
  if (!location.hash && document.getElementById("first-hit")) {
    location.replace("#first-hit");
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;

    // 2. The ¶ and # anchors still go to their paragraph, and also copy its permalink (without ?q=).
    var anchor = target.closest("a[data-copy-link]");
    if (anchor) {
      copy(location.origin + location.pathname + anchor.hash, null, say("linkCopied", "Link copied"));
      return;
    }

    // 3. "Copy citation".
    var button = target.closest("button[data-copy-target]");
    if (button) {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      if (source) copy(source.textContent.trim(), source, say("citationCopied", "Citation copied"));
      return;
    }

    // 4. The column switch without reloading: keep the reader's place, update the URL, remember.
    var link = target.closest("a[data-columns]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      var transcript = document.querySelector("article.transcript");
      if (!transcript) return;
      event.preventDefault();
      var value = link.getAttribute("data-columns");
      var keep = firstVisible(transcript);
      var before = keep ? keep.getBoundingClientRect().top : 0;
      transcript.classList.remove("columns-both", "columns-original", "columns-translation");
      transcript.classList.add("columns-" + value);
      document.querySelectorAll("a[data-columns]").forEach(function (other) {
        if (other === link) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      if (keep) window.scrollBy(0, keep.getBoundingClientRect().top - before);
      history.replaceState(history.state, "", link.getAttribute("href") + location.hash);
      document.cookie = COOKIE + "=" + value + "; path=/; max-age=31536000; samesite=lax" +
        (location.protocol === "https:" ? "; secure" : "");
    }
  });

  function firstVisible(transcript) {
    var paragraphs = transcript.querySelectorAll(".utterance");
    for (var i = 0; i < paragraphs.length; i++) {
      if (paragraphs[i].getBoundingClientRect().bottom > 0) return paragraphs[i];
    }
    return null;
  }

  // Buttons that only work with JavaScript are hidden in the HTML and shown here.
  document.querySelectorAll("button[data-copy-target][hidden]").forEach(function (button) {
    button.hidden = false;
  });
})();
