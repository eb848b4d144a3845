/* Archivist reader tools: text size, theme, reading mode, full screen and print, plus the shared
   helpers (words, storage, panels, copying) the other reader-*.js files use. The article reads
   fully without any of them; nothing here talks to another host or stores outside this browser. */
(function () {
  "use strict";

  var SIZE_KEY = "archivist.textSize";
  var THEME_KEY = "archivist.theme";
  var SIZE_STEPS = [-2, -1, 0, 1, 2, 3, 4]; // scales live in archivist.css ([data-text-size])
  var root = document.documentElement;

  function readData() {
    var block = document.getElementById("reader-data");
    if (!block) { return { words: {} }; }
    try { return JSON.parse(block.textContent); } catch (e) { return { words: {} }; }
  }

  var data = readData();

  /* A label with its {placeholders} filled in. */
  function say(key, values) {
    var text = (data.words && data.words[key]) || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  var store = {
    get: function (key) {
      try { return window.localStorage.getItem(key); } catch (e) { return null; }
    },
    set: function (key, value) {
      try {
        if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
        return true;
      } catch (e) { return false; }
    }
  };

  /* Panels are <dialog> elements: the browser traps focus and closes on Escape; focus goes back
     to whatever opened the panel. */
  function openPanel(dialog, opener) {
    if (dialog.open) { return; }
    dialog.readerOpener = opener || document.activeElement;
    dialog.showModal();
  }

  function closePanel(dialog) {
    if (dialog.open) { dialog.close(); }
  }

  function wirePanel(dialog) {
    dialog.querySelectorAll("[data-close-panel]").forEach(function (button) {
      button.addEventListener("click", function () { closePanel(dialog); });
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { closePanel(dialog); } // a click on the backdrop
    });
    dialog.addEventListener("close", function () {
      var opener = dialog.readerOpener;
      dialog.readerOpener = null;
      if (opener && opener.isConnected && typeof opener.focus === "function") { opener.focus(); }
    });
  }

  /* Copy HTML and plain text together where the Clipboard API allows, else plain text. */
  function copy(plain, html) {
    var clip = navigator.clipboard;
    if (html && clip && clip.write && window.ClipboardItem) {
      var item = new window.ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" })
      });
      return clip.write([item]).catch(function () { return copyPlain(plain); });
    }
    return copyPlain(plain);
  }

  function copyPlain(plain) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(plain).catch(function () { return copyBySelection(plain); });
    }
    return copyBySelection(plain);
  }

  function copyBySelection(plain) {
    var area = document.createElement("textarea");
    area.value = plain;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  /* Say "Copied" on the button for a moment, and to screen readers through a status line. */
  function confirmCopy(button, status) {
    var label = button.textContent;
    button.textContent = say("copied");
    button.setAttribute("data-state", "done");
    if (status) { status.textContent = say("copied"); }
    window.setTimeout(function () {
      button.textContent = label;
      button.removeAttribute("data-state");
      if (status) { status.textContent = ""; }
    }, 1500);
  }

  /* ---------- Text size ---------- */

  function currentSize() {
    var value = parseInt(root.getAttribute("data-text-size") || "0", 10);
    return SIZE_STEPS.indexOf(value) >= 0 ? value : 0;
  }

  function setSize(value) {
    if (value === 0) { root.removeAttribute("data-text-size"); } else { root.setAttribute("data-text-size", String(value)); }
    store.set(SIZE_KEY, value === 0 ? null : String(value));
    reflectSize();
  }

  function reflectSize() {
    var value = currentSize();
    document.querySelectorAll("[data-text-size]").forEach(function (button) {
      if (button === root) { return; }
      var action = button.getAttribute("data-text-size");
      var limit = (action === "smaller" && value === SIZE_STEPS[0]) ||
        (action === "larger" && value === SIZE_STEPS[SIZE_STEPS.length - 1]) || (action === "reset" && value === 0);
      button.setAttribute("aria-disabled", limit ? "true" : "false");
    });
  }

  function changeSize(action) {
    var index = SIZE_STEPS.indexOf(currentSize());
    if (action === "smaller") { index = Math.max(0, index - 1); }
    if (action === "larger") { index = Math.min(SIZE_STEPS.length - 1, index + 1); }
    setSize(action === "reset" ? 0 : SIZE_STEPS[index]);
  }

  /* ---------- Theme ---------- */

  function setTheme(choice) {
    if (choice === "light" || choice === "dark") {
      root.setAttribute("data-theme", choice);
      store.set(THEME_KEY, choice);
    } else {
      root.removeAttribute("data-theme");
      store.set(THEME_KEY, null);
    }
    reflectTheme();
  }

  function reflectTheme() {
    var current = root.getAttribute("data-theme") || "auto";
    document.querySelectorAll("[data-theme-choice]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-theme-choice") === current));
    });
  }

  /* ---------- Reading mode and full screen ---------- */

  function setReading(on) {
    if (on) { root.setAttribute("data-reading-mode", ""); } else { root.removeAttribute("data-reading-mode"); }
    document.querySelectorAll("[data-reading-mode]").forEach(function (button) {
      if (button !== root) { button.setAttribute("aria-pressed", String(on)); }
    });
  }

  function setUpFullScreen(button) {
    if (!document.fullscreenEnabled || !root.requestFullscreen) { return; }
    button.hidden = false;
    var readingBefore = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); return; }
      readingBefore = root.hasAttribute("data-reading-mode");
      root.requestFullscreen().catch(function () { /* refused: stay as is */ });
    });
    document.addEventListener("fullscreenchange", function () {
      var full = Boolean(document.fullscreenElement);
      setReading(full || readingBefore);
      button.setAttribute("aria-pressed", String(full));
    });
  }

  function setUpTools(bar) {
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || button.getAttribute("aria-disabled") === "true") { return; }
      if (button.hasAttribute("data-text-size")) { changeSize(button.getAttribute("data-text-size")); }
      if (button.hasAttribute("data-theme-choice")) { setTheme(button.getAttribute("data-theme-choice")); }
      if (button.hasAttribute("data-reading-mode")) { setReading(!root.hasAttribute("data-reading-mode")); }
      if (button.hasAttribute("data-print")) { window.print(); }
    });
    bar.querySelectorAll("[data-full-screen]").forEach(setUpFullScreen);
    reflectSize();
    reflectTheme();
    bar.hidden = false;
  }

  window.ArchivistReader = {
    data: data,
    say: say,
    store: store,
    openPanel: openPanel,
    closePanel: closePanel,
    copy: copy,
    confirmCopy: confirmCopy
  };

  function start() {
    document.querySelectorAll("dialog.reader-panel").forEach(wirePanel);
    document.querySelectorAll("[data-reader-tools]").forEach(setUpTools);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
