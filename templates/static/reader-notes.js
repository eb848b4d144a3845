/* The reader's highlights and notes: kept per article in this browser's localStorage, drawn into
   the text as <mark> elements, and made from a selection through a small bar of buttons (also
   reached with Alt+Shift+H), which also offers "Look up" for a single word. */
(function () {
  "use strict";

  var reader = window.ArchivistReader;
  var anchor = reader.anchor;
  var COLOURS = ["yellow", "green", "blue", "pink"];
  var WORD = /^[\p{L}\p{M}\p{N}'’-]+$/u;
  var body = null;
  var notes = [];
  var listeners = [];

  /* ---------- Storage: one JSON list per article, keyed by the article's address ---------- */

  function storageKey() {
    return "archivist.notes:" + (reader.data.url || window.location.pathname);
  }

  function load() {
    try {
      var saved = JSON.parse(reader.store.get(storageKey()) || "[]");
      return Array.isArray(saved) ? saved.filter(isNote) : [];
    } catch (e) { return []; }
  }

  function isNote(value) {
    return Boolean(value) && typeof value.id === "string" && typeof value.exact === "string" && value.exact.length > 0;
  }

  function clean(value) {
    var colour = COLOURS.indexOf(value.colour) >= 0 ? value.colour : COLOURS[0];
    return {
      id: value.id, exact: value.exact, prefix: String(value.prefix || ""), suffix: String(value.suffix || ""),
      start: Number(value.start) || 0, colour: colour, note: String(value.note || ""),
      created: String(value.created || new Date().toISOString()), updated: String(value.updated || value.created || "")
    };
  }

  function persist() {
    reader.store.set(storageKey(), notes.length ? JSON.stringify(notes.map(clean)) : null);
  }

  function save() {
    persist();
    render();
  }

  function newId() {
    return "n" + Date.now().toString(36) + Math.random().toString(36).slice(2, 7);
  }

  /* ---------- Marks in the text ---------- */

  function describeNote(note) {
    var holder = document.getElementById("reader-mark-descriptions");
    var line = document.createElement("span");
    line.id = "note-desc-" + note.id;
    line.textContent = note.note ? reader.say("note_described", { note: note.note }) : reader.say("highlight_described");
    holder.appendChild(line);
    return line.id;
  }

  function drawNote(note) {
    var index = anchor.textIndex(body);
    var place = anchor.locate(index, note);
    note.found = Boolean(place);
    if (!place) { return; }
    var selector = anchor.selectorFor(index, place.start, place.end);
    note.moved = note.start !== selector.start || note.prefix !== selector.prefix || note.suffix !== selector.suffix;
    note.start = selector.start; note.prefix = selector.prefix; note.suffix = selector.suffix;
    var description = describeNote(note);
    var marks = anchor.wrap(index, place.start, place.end, function () {
      var mark = document.createElement("mark");
      mark.className = "reader-mark";
      mark.setAttribute("data-colour", note.colour);
      mark.setAttribute("data-note-id", note.id);
      mark.setAttribute("aria-describedby", description);
      return mark;
    });
    if (!marks.length) { note.found = false; return; }
    marks[0].setAttribute("tabindex", "-1");
    if (note.note) { marks[marks.length - 1].classList.add("reader-mark--noted"); }
    var paragraph = marks[0].closest("p[id], li[id]");
    note.paragraph = paragraph ? paragraph.id : "";
  }

  function render() {
    anchor.unwrapAll(body, "mark.reader-mark");
    document.getElementById("reader-mark-descriptions").replaceChildren();
    notes.slice().sort(function (a, b) { return a.start - b.start; }).forEach(drawNote);
    // A corrected article moves quotes: keep their new place and context for next time.
    if (notes.some(function (n) { return n.moved; })) { persist(); }
    document.querySelectorAll("[data-notes-count]").forEach(function (count) { count.textContent = String(notes.length); });
    listeners.forEach(function (listener) { listener(); });
  }

  function firstMark(id) {
    return body.querySelector("mark.reader-mark[data-note-id='" + id + "']");
  }

  /* ---------- The bar that follows a selection ---------- */

  var bar = null;
  var pending = null; // the selector and paragraph of the selection the bar acts on
  var returnFocus = null;

  function selectionInBody() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return null; }
    var range = selection.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer)) { return null; }
    var selector = anchor.describe(anchor.textIndex(body), range);
    if (!selector) { return null; }
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    return { selector: selector, range: range, paragraph: start.closest("p[id]") };
  }

  function showBar() {
    var found = selectionInBody();
    if (!found) { if (!bar.contains(document.activeElement)) { hideBar(); } return; }
    pending = found;
    var look = bar.querySelector("[data-look-up]");
    var word = found.selector.exact.trim();
    look.hidden = !(WORD.test(word) && reader.data.dictionary);
    if (!look.hidden) {
      look.href = reader.data.dictionary.split("{word}").join(encodeURIComponent(word));
      look.setAttribute("aria-label", reader.say("look_up_word", { word: word }));
    }
    bar.querySelector("[data-cite-selection]").hidden = !(found.paragraph && reader.citePassage);
    bar.hidden = false;
    placeBar(found.range.getBoundingClientRect());
  }

  function placeBar(rect) {
    var width = bar.offsetWidth;
    var height = bar.offsetHeight;
    var page = document.documentElement.clientWidth;
    var left = Math.min(Math.max(8, rect.left + rect.width / 2 - width / 2), Math.max(8, page - width - 8));
    var top = rect.top - height - 10 < 8 ? rect.bottom + 10 : rect.top - height - 10;
    bar.style.left = Math.round(left + window.scrollX) + "px";
    bar.style.top = Math.round(top + window.scrollY) + "px";
  }

  function hideBar() {
    if (bar) { bar.hidden = true; }
    pending = null;
  }

  function barButtons() {
    return Array.prototype.filter.call(bar.querySelectorAll("button, a"), function (b) { return !b.hidden; });
  }

  function focusBar() {
    if (bar.hidden) { showBar(); }
    if (bar.hidden) { return; }
    returnFocus = document.activeElement;
    var buttons = barButtons();
    buttons.forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
    buttons[0].focus();
  }

  function onBarKey(event) {
    var buttons = barButtons();
    var at = buttons.indexOf(document.activeElement);
    var step = window.getComputedStyle(bar).direction === "rtl" ? -1 : 1;
    var next = { ArrowRight: at + step, ArrowLeft: at - step, Home: 0, End: buttons.length - 1 }[event.key];
    if (event.key === "Escape") {
      event.preventDefault();
      hideBar();
      if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
      return;
    }
    if (next === undefined || at < 0) { return; }
    event.preventDefault();
    var target = buttons[(next + buttons.length) % buttons.length];
    buttons.forEach(function (b) { b.tabIndex = b === target ? 0 : -1; });
    target.focus();
  }

  function addNote(selector, colour, text) {
    var now = new Date().toISOString();
    var note = clean({ id: newId(), exact: selector.exact, prefix: selector.prefix, suffix: selector.suffix,
      start: selector.start, colour: colour, note: text || "", created: now, updated: now });
    notes.push(note);
    save();
    return note;
  }

  function onBarClick(event) {
    var button = event.target.closest("button, a");
    if (!button || !pending) { return; }
    var chosen = pending;
    if (button.hasAttribute("data-look-up")) { hideBar(); return; } // the link opens the dictionary itself
    window.getSelection().removeAllRanges();
    hideBar();
    if (button.hasAttribute("data-highlight")) {
      var note = addNote(chosen.selector, button.getAttribute("data-highlight"));
      var mark = firstMark(note.id);
      if (mark) { mark.focus({ preventScroll: true }); }
    } else if (button.hasAttribute("data-add-note") && reader.editNote) {
      reader.editNote({ draft: chosen.selector }, returnFocus && returnFocus !== document.body ? returnFocus : null);
    } else if (button.hasAttribute("data-cite-selection") && chosen.paragraph) {
      reader.citePassage(chosen.paragraph, returnFocus && returnFocus !== document.body ? returnFocus : null);
    }
  }

  function setUpBar() {
    bar = document.querySelector("[data-selection-bar]");
    var timer = 0;
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(showBar, 120);
    });
    document.addEventListener("keydown", function (event) {
      if (event.altKey && event.shiftKey && event.code === "KeyH") { event.preventDefault(); focusBar(); }
    });
    bar.addEventListener("keydown", onBarKey);
    bar.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
    bar.addEventListener("click", onBarClick);
    body.setAttribute("aria-describedby", "selection-hint");
  }

  /* ---------- Shared with the notes panel ---------- */

  reader.notes = {
    all: function () { return notes; },
    add: addNote,
    update: function (id, changes) {
      notes = notes.map(function (n) {
        return n.id === id ? clean(Object.assign({}, n, changes, { updated: new Date().toISOString() })) : n;
      });
      save();
    },
    remove: function (id) { notes = notes.filter(function (n) { return n.id !== id; }); save(); },
    merge: function (incoming) {
      var valid = (Array.isArray(incoming) ? incoming : []).filter(isNote).map(clean);
      var byId = {};
      notes.concat(valid).forEach(function (n) { byId[n.id] = n; });
      notes = Object.keys(byId).map(function (id) { return byId[id]; });
      save();
      return valid.length;
    },
    firstMark: firstMark,
    colours: COLOURS,
    onChange: function (listener) { listeners.push(listener); },
    selectorForParagraph: function (paragraph) {
      var index = anchor.textIndex(body);
      var range = document.createRange();
      range.selectNodeContents(paragraph);
      return anchor.describe(index, range);
    }
  };

  function start() {
    body = document.getElementById("article-body");
    if (!body || !document.querySelector("[data-selection-bar]")) { return; }
    var holder = document.createElement("div");
    holder.id = "reader-mark-descriptions";
    holder.hidden = true;
    holder.setAttribute("data-reader-ui", "");
    document.body.appendChild(holder);
    notes = load().map(clean);
    setUpBar();
    body.addEventListener("click", function (event) {
      var mark = event.target.closest("mark.reader-mark");
      if (mark && reader.editNote && window.getSelection().isCollapsed) {
        reader.editNote({ id: mark.getAttribute("data-note-id") }, mark);
      }
    });
    render();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
