/* Archivist: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  var STYLE_KEY = "archivist.citeStyle";

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage may be off */ }
  }

  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  /* Citation style: reopen the reader's last choice and keep track of new ones. */
  function setUpStyleSwitcher(switcher) {
    var radios = switcher.querySelectorAll("input[name='cite-style']");
    var saved = recall(STYLE_KEY);
    radios.forEach(function (radio) {
      if (saved && radio.value === saved) { radio.checked = true; }
      radio.addEventListener("change", function () {
        if (radio.checked) { remember(STYLE_KEY, radio.value); }
      });
    });
  }

  /* Copying: formatted HTML and plain text together where the Clipboard API allows it. */
  function copyRich(node, plain) {
    var clip = navigator.clipboard;
    if (clip && window.ClipboardItem && clip.write) {
      var item = new window.ClipboardItem({
        "text/html": new Blob([node.innerHTML], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" })
      });
      return clip.write([item]).catch(function () { return copyPlain(plain, node); });
    }
    return copyPlain(plain, node);
  }

  function copyPlain(text, node) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return copyBySelection(node); });
    }
    return copyBySelection(node);
  }

  /* The old way, for browsers without the Clipboard API or outside a secure context. */
  function copyBySelection(node) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    selection.removeAllRanges();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function setUpCopyButton(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    var label = button.textContent;
    var status = document.querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var plain = target.getAttribute("data-plain-text") || target.textContent.trim();
      var copying = button.hasAttribute("data-copy-plain") ? copyPlain(plain, target) : copyRich(target, plain);
      copying.then(function () {
        var done = button.getAttribute("data-copied-label") || label;
        button.textContent = done;
        button.setAttribute("data-state", "done");
        if (status) { status.textContent = done; }
        window.setTimeout(function () {
          button.textContent = label;
          button.removeAttribute("data-state");
          if (status) { status.textContent = ""; }
        }, 2000);
      }, function () { /* nothing copied: the text stays selectable by hand */ });
    });
  }

  /* Contents: open beside the text on wide screens, folded on phones. */
  function setUpContents(details) {
    var wide = window.matchMedia("(min-width: 64rem)");
    details.open = wide.matches;
    var follow = function (event) { details.open = event.matches; };
    if (wide.addEventListener) { wide.addEventListener("change", follow); }
    details.querySelectorAll("a").forEach(function (link) {
      link.addEventListener("click", function () { if (!wide.matches) { details.open = false; } });
    });
    markCurrentSection(details);
  }

  /* Mark, in the contents, the section being read: the last one whose heading has passed the
     upper third of the window, so a long section stays marked while its heading is off screen,
     scrolling up and down alike. */
  function markCurrentSection(details) {
    var links = [];
    details.querySelectorAll("a[href^='#']").forEach(function (link) {
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (target) { links.push({ link: link, target: target }); }
    });
    if (!links.length) { return; }
    var current = null;
    var pending = false;
    function update() {
      pending = false;
      var line = window.innerHeight / 3;
      var found = links[0];
      links.forEach(function (pair) {
        var shown = pair.target.getClientRects().length > 0; // reading mode hides some sections
        if (shown && pair.target.getBoundingClientRect().top <= line) { found = pair; }
      });
      if (found.link === current) { return; }
      if (current) { current.removeAttribute("aria-current"); }
      current = found.link;
      current.setAttribute("aria-current", "location");
    }
    function schedule() {
      if (!pending) { pending = true; window.requestAnimationFrame(update); }
    }
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    update();
  }

  /* Wide formulas and code scroll sideways; keyboard users need to reach them to scroll. */
  function letKeyboardScroll() {
    document.querySelectorAll(".math-block, pre").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }

  function start() {
    letKeyboardScroll();
    window.addEventListener("resize", letKeyboardScroll);
    document.querySelectorAll("[data-cite-switcher]").forEach(setUpStyleSwitcher);
    document.querySelectorAll("button[data-copy-target]").forEach(setUpCopyButton);
    var contents = document.getElementById("toc-details");
    if (contents) { setUpContents(contents); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
