/* Footnotes in place: a footnote reference, clicked or focused, shows its note beside it; Escape
   or leaving it closes the note. The Notes section at the end stays as it is. */
(function () {
  "use strict";

  var reader = window.ArchivistReader;
  var open = null;

  /* The note's text as inline content, so it can sit inside the paragraph that cites it. */
  function noteContent(item) {
    var fragment = document.createDocumentFragment();
    Array.prototype.forEach.call(item.children, function (child) {
      var part = document.createElement("span");
      part.className = "fn-popover__part";
      Array.prototype.forEach.call(child.childNodes, function (node) { part.appendChild(node.cloneNode(true)); });
      part.querySelectorAll(".fn-back, [id]").forEach(function (node) {
        if (node.classList.contains("fn-back")) { node.remove(); } else { node.removeAttribute("id"); }
      });
      fragment.appendChild(part);
    });
    return fragment;
  }

  function makePopover(ref, item, number) {
    var popover = document.createElement("span");
    popover.className = "fn-popover";
    popover.id = "fn-popover-" + item.id;
    popover.hidden = true;
    popover.setAttribute("role", "note");
    popover.setAttribute("data-reader-ui", "");
    popover.setAttribute("aria-label", reader.say("footnote_n", { n: number }));
    var label = document.createElement("span");
    label.className = "fn-popover__label";
    label.setAttribute("aria-hidden", "true");
    label.textContent = reader.say("footnote_n", { n: number });
    popover.appendChild(label);
    popover.appendChild(noteContent(item));
    return popover;
  }

  /* Under the reference, kept within the text column; coordinates are relative to the
     positioned ancestor the popover is laid out in (the paragraph). */
  function place(ref, popover) {
    var column = document.getElementById("article-body").getBoundingClientRect();
    var frame = (popover.offsetParent || document.body).getBoundingClientRect();
    var spot = ref.getBoundingClientRect();
    var width = popover.offsetWidth;
    var left = Math.min(Math.max(column.left, spot.left - width / 2), Math.max(column.left, column.right - width));
    popover.style.left = Math.round(left - frame.left) + "px";
    popover.style.top = Math.round(spot.bottom - frame.top + 6) + "px";
  }

  function show(ref, popover) {
    if (open && open.ref !== ref) { hide(); }
    popover.hidden = false;
    ref.setAttribute("aria-expanded", "true");
    place(ref, popover);
    open = { ref: ref, popover: popover };
  }

  function hide() {
    if (!open) { return; }
    open.popover.hidden = true;
    open.ref.setAttribute("aria-expanded", "false");
    open = null;
  }

  function setUp(ref) {
    var item = document.getElementById(decodeURIComponent(ref.hash.slice(1)));
    if (!item) { return; }
    var number = ref.textContent.trim();
    var popover = makePopover(ref, item, number);
    var holder = ref.closest("sup") || ref;
    holder.after(popover);
    ref.setAttribute("aria-expanded", "false");
    ref.setAttribute("aria-controls", popover.id);
    var quietFocus = false; // a pointer or Escape moves focus here without asking for the note
    ref.addEventListener("pointerdown", function () { quietFocus = true; });
    ref.addEventListener("focus", function () {
      if (!quietFocus) { show(ref, popover); }
      quietFocus = false;
    });
    ref.addEventListener("click", function (event) {
      quietFocus = false;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      if (popover.hidden) { show(ref, popover); } else if (event.detail > 0) { hide(); }
    });
    [ref, popover].forEach(function (element) {
      element.addEventListener("focusout", function (event) {
        var next = event.relatedTarget;
        if (!next || (next !== ref && !popover.contains(next))) {
          if (open && open.ref === ref) { hide(); }
        }
      });
      element.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !popover.hidden) { event.preventDefault();
          hide();
          quietFocus = document.activeElement !== ref;
          ref.focus();
        }
      });
    });
  }

  function start() {
    var body = document.getElementById("article-body");
    if (!body) { return; }
    body.querySelectorAll("a[role='doc-noteref'], .fnref a[href^='#']").forEach(function (ref) {
      if (!ref.hasAttribute("aria-controls")) { setUp(ref); }
    });
    document.addEventListener("pointerdown", function (event) {
      if (open && !open.ref.contains(event.target) && !open.popover.contains(event.target)) { hide(); }
    });
    window.addEventListener("resize", function () { if (open) { place(open.ref, open.popover); } });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
