/* References in place: a citation's link, hovered or focused, shows the full reference beside it
   (with its "In this archive" link when the work is one of the archive's own articles). Escape or
   moving away closes it. Without this script the link jumps to the entry in the References. */
(function () {
  "use strict";

  var reader = window.ArchivistReader;
  var SHOW_DELAY = 120; // ms: a pointer passing over a citation on its way elsewhere opens nothing
  var HIDE_DELAY = 250; // ms: time to move the pointer from the link onto its card (WCAG 1.4.13)
  var open = null;
  var timer = 0;
  var count = 0;
  var refocusing = false; // focus sent back to a link by Escape does not reopen its card

  function copyWithoutIds(node) {
    var copy = node.cloneNode(true);
    if (copy.removeAttribute) { copy.removeAttribute("id"); }
    if (copy.querySelectorAll) {
      copy.querySelectorAll("[id]").forEach(function (inner) { inner.removeAttribute("id"); });
    }
    return copy;
  }

  /* The card: a label, the entry's text, and the archive's own copy of the work when there is one. */
  function makeCard(entry) {
    var card = document.createElement("span");
    card.className = "cite-card";
    card.id = "cite-card-" + (++count);
    card.hidden = true;
    card.setAttribute("role", "note");
    card.setAttribute("data-reader-ui", "");
    card.setAttribute("aria-label", reader.say("reference_card"));
    var label = document.createElement("span");
    label.className = "cite-card__label";
    label.setAttribute("aria-hidden", "true");
    label.textContent = reader.say("reference_card");
    card.appendChild(label);
    var text = document.createElement("span");
    text.className = "cite-card__text";
    var source = entry.querySelector(".reference__text") || entry;
    Array.prototype.forEach.call(source.childNodes, function (node) { text.appendChild(copyWithoutIds(node)); });
    card.appendChild(text);
    var archive = entry.querySelector(".reference__archive");
    if (archive) {
      var line = document.createElement("span");
      line.className = "cite-card__archive";
      line.appendChild(copyWithoutIds(archive));
      card.appendChild(line);
    }
    return card;
  }

  /* Under the link (above it when the window has no room below), kept within the text column;
     coordinates are relative to the positioned ancestor the card is laid out in. */
  function place(ref, card) {
    var column = document.getElementById("article-body").getBoundingClientRect();
    var frame = (card.offsetParent || document.body).getBoundingClientRect();
    var lines = ref.getClientRects(); // a link broken over two lines: under its last line
    var spot = lines[0] || ref.getBoundingClientRect();
    var width = Math.min(card.offsetWidth, column.width);
    var left = Math.min(Math.max(column.left, spot.left - width / 2), Math.max(column.left, column.right - width));
    var top = (lines[lines.length - 1] || spot).bottom + 6;
    if (top + card.offsetHeight > window.innerHeight && spot.top - card.offsetHeight - 6 >= 0) {
      top = spot.top - card.offsetHeight - 6;
    }
    card.style.left = Math.round(left - frame.left) + "px";
    card.style.top = Math.round(top - frame.top) + "px";
  }

  function show(ref, card) {
    window.clearTimeout(timer);
    if (open && open.ref === ref) { return; }
    hide();
    card.hidden = false;
    ref.setAttribute("aria-expanded", "true");
    place(ref, card);
    open = { ref: ref, card: card };
  }

  function hide() {
    window.clearTimeout(timer);
    if (!open) { return; }
    open.card.hidden = true;
    open.ref.setAttribute("aria-expanded", "false");
    open = null;
  }

  function later(action, delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, delay);
  }

  /* The card stays while either the pointer or the focus is on the link or the card. */
  function holdsFocus(ref, card) {
    var active = document.activeElement;
    return active === ref || card.contains(active);
  }

  function underPointer(ref, card) {
    return ref.matches(":hover") || card.matches(":hover");
  }

  function wirePointer(ref, card) {
    [ref, card].forEach(function (element) {
      element.addEventListener("pointerenter", function (event) {
        if (event.pointerType !== "mouse") { return; }
        if (open && open.ref === ref) { window.clearTimeout(timer); return; }
        if (element === ref) { later(function () { show(ref, card); }, SHOW_DELAY); }
      });
      element.addEventListener("pointerleave", function (event) {
        if (event.pointerType !== "mouse") { return; }
        if (!open || open.ref !== ref) { window.clearTimeout(timer); return; }
        if (!holdsFocus(ref, card)) { later(hide, HIDE_DELAY); }
      });
    });
  }

  /* A pointer moves focus onto the link without asking for the card through focus; a touch
     screen has no hover, so its first tap shows the card and a second one follows the link. */
  function wireFocusAndTaps(ref, card) {
    var quiet = false;
    var touched = false;
    ref.addEventListener("pointerdown", function (event) {
      quiet = true;
      touched = event.pointerType !== "mouse";
    });
    ref.addEventListener("focus", function () {
      if (!quiet && !refocusing) { show(ref, card); }
      quiet = false;
    });
    ref.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      if (touched && event.detail > 0 && card.hidden) {
        event.preventDefault();
        show(ref, card);
      } else {
        hide();
      }
      touched = false;
    });
    [ref, card].forEach(function (element) {
      element.addEventListener("focusout", function (event) {
        var next = event.relatedTarget;
        if (next && (next === ref || card.contains(next))) { return; }
        if (open && open.ref === ref && !underPointer(ref, card)) { hide(); }
      });
    });
  }

  function setUp(ref) {
    var entry = document.getElementById(decodeURIComponent(ref.hash.slice(1)));
    if (!entry || !entry.querySelector(".reference__text")) { return; }
    var card = makeCard(entry);
    ref.after(card);
    ref.setAttribute("aria-expanded", "false");
    ref.setAttribute("aria-controls", card.id);
    wirePointer(ref, card);
    wireFocusAndTaps(ref, card);
  }

  /* Escape closes the card however it was opened; focus inside it goes back to its link. Heard
     before anything else, so a card opened inside a footnote's popover closes alone. */
  function onKey(event) {
    if (event.key !== "Escape" || !open) { return; }
    var ref = open.ref;
    var mine = holdsFocus(ref, open.card);
    if (open.card.contains(document.activeElement)) {
      refocusing = true;
      ref.focus({ preventScroll: true });
      refocusing = false;
    }
    hide();
    if (mine) { event.preventDefault(); event.stopPropagation(); }
  }

  function start() {
    var body = document.getElementById("article-body");
    if (!body) { return; }
    body.querySelectorAll("a.citation__ref[href^='#']").forEach(function (ref) {
      if (!ref.hasAttribute("aria-controls")) { setUp(ref); }
    });
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", function (event) {
      if (open && !open.ref.contains(event.target) && !open.card.contains(event.target)) { hide(); }
    });
    window.addEventListener("resize", function () { if (open) { place(open.ref, open.card); } });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
