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

  // 5. A search's matches (?q=): "Go to the first", previous and next (buttons, and the n and p
  // keys), each jump showing the paragraph with its speaker's heading, the current one outlined.
  // A page without a #fragment opens at the first match; a search hit's #p<n> opens at its own.
  var matches = Array.prototype.slice.call(document.querySelectorAll("article.transcript .utterance.match"));
  var controls = document.querySelector(".match-nav");
  if (matches.length && controls) setUpMatches(matches, controls);

  function setUpMatches(matches, controls) {
    var bar = document.querySelector(".reading-controls");
    var position = controls.querySelector(".match-position");
    var steps = controls.querySelectorAll("button[data-match-step]");
    var current = -1;
    controls.hidden = false;
    bar.classList.add("navigable");

    var transcript = document.querySelector("article.transcript");
    // The speakers' headings stick below the bar (site.css), so a paragraph deep in a long turn
    // still shows who is speaking: the bar's height, measured, says where.
    function measure() {
      document.documentElement.style.setProperty("--reading-bar", bar.getBoundingClientRect().height + "px");
    }
    measure();
    window.addEventListener("resize", measure);
    transcript.classList.add("following-matches");

    // The paragraph below the bar with its speaker's heading: the whole turn from its start when
    // that fits in the window, else the paragraph at the top, under the heading stuck there.
    function reveal(paragraph) {
      var gap = 8;
      var barHeight = bar.getBoundingClientRect().height;
      var turn = paragraph.closest(".turn");
      var heading = turn ? turn.querySelector(".speaker") : null;
      var box = paragraph.getBoundingClientRect();
      var turnTop = turn ? turn.getBoundingClientRect().top : box.top;
      if (box.bottom - turnTop <= window.innerHeight - barHeight - 2 * gap) {
        window.scrollBy(0, turnTop - barHeight - gap);
      } else {
        window.scrollBy(0, box.top - barHeight - (heading ? heading.getBoundingClientRect().height : 0) - gap);
      }
    }

    function show(index, moveFocus) {
      if (index < 0 || index >= matches.length) return;
      if (current >= 0) matches[current].classList.remove("current-match");
      current = index;
      var paragraph = matches[index];
      paragraph.classList.add("current-match");
      // The address names the paragraph (and :target follows it), without a history entry per jump.
      if (location.hash !== "#" + paragraph.id) location.replace("#" + paragraph.id);
      reveal(paragraph);
      if (moveFocus) {
        paragraph.setAttribute("tabindex", "-1");
        paragraph.focus({ preventScroll: true });
      }
      var turn = paragraph.closest(".turn");
      var speaker = turn ? turn.getAttribute("data-speaker") : "";
      position.textContent = controls.getAttribute("data-position")
        .replace("{current}", index + 1).replace("{total}", matches.length) + (speaker ? " · " + speaker : "");
      steps.forEach(function (button) {
        var next = index + Number(button.getAttribute("data-match-step"));
        button.disabled = next < 0 || next >= matches.length;
      });
    }

    // Without a current match (the reader followed another anchor), the nearest one that way.
    function step(direction) {
      if (current >= 0) return show(current + direction, true);
      var limit = bar.getBoundingClientRect().bottom;
      for (var i = 0; i < matches.length; i++) {
        var index = direction > 0 ? i : matches.length - 1 - i;
        var top = matches[index].getBoundingClientRect().top;
        if (direction > 0 ? top >= limit : top < limit) return show(index, true);
      }
      show(direction > 0 ? matches.length - 1 : 0, true);
    }

    steps.forEach(function (button) {
      button.addEventListener("click", function () { step(Number(button.getAttribute("data-match-step"))); });
    });
    document.querySelectorAll("a[data-match-first]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        show(0, true);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target instanceof Element ? event.target : null;
      if (target && target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])")) return;
      var direction = { n: 1, p: -1 }[event.key];
      if (!direction) return;
      event.preventDefault();
      step(direction);
    });

    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    // #first-hit (links made before these controls) is a mark inside the first visible match.
    var opened = location.hash ? matches.indexOf(target ? target.closest(".utterance") : null) : 0;
    if (opened >= 0) {
      show(opened, false);
      // The browser may scroll to the fragment again once the page has loaded: show it once more then.
      window.addEventListener("load", function () { if (current === opened) reveal(matches[opened]); });
    } else {
      position.textContent = "";
      steps.forEach(function (button) { button.disabled = false; });
    }
  }
})();
