/* The reader's notes panel and note editor: list, show in text, edit, delete, and move notes in
   and out of the browser as Markdown or JSON (with the article's citation and passage links). */
(function () {
  "use strict";

  var reader = window.ArchivistReader;
  var FORMAT = "archivist-notes";
  var QUOTE_LIMIT = 280;

  /* ---------- Editor ---------- */

  var editor = null;
  var editing = null; // { id } of a saved note, or { draft: selector } of a new one

  function quoteOf(target) {
    if (target.draft) { return target.draft.exact; }
    var note = find(target.id);
    return note ? note.exact : "";
  }

  function find(id) {
    return reader.notes.all().filter(function (n) { return n.id === id; })[0] || null;
  }

  function editNote(target, opener) {
    var note = target.id ? find(target.id) : null;
    if (target.id && !note) { return; }
    editing = target;
    var form = editor.querySelector("form");
    editor.querySelector("#note-editor-title").textContent = reader.say(note ? "edit_note" : "add_note");
    editor.querySelector("[data-note-quote]").textContent = truncate(quoteOf(target));
    form.elements.note.value = note ? note.note : "";
    var colour = note ? note.colour : reader.notes.colours[0];
    form.querySelectorAll("input[name='colour']").forEach(function (r) { r.checked = r.value === colour; });
    editor.querySelector("[data-delete-note]").hidden = !note;
    reader.openPanel(editor, opener);
    form.elements.note.focus();
  }

  function saveEditor(event) {
    event.preventDefault();
    var form = event.target;
    var colour = (form.querySelector("input[name='colour']:checked") || {}).value;
    var text = form.elements.note.value.trim();
    var id = editing && editing.id;
    if (editing && editing.draft) { id = reader.notes.add(editing.draft, colour, text).id; }
    else if (id) { reader.notes.update(id, { colour: colour, note: text }); }
    afterEdit(id);
  }

  /* Back to where the reader was: the opener if it still exists, else the note's own mark. */
  function afterEdit(id) {
    var opener = editor.readerOpener;
    var mark = id ? reader.notes.firstMark(id) : null;
    if (!opener || !opener.isConnected || opener === document.body) {
      editor.readerOpener = mark || document.querySelector("[data-open-notes]");
    }
    reader.closePanel(editor);
  }

  function setUpEditor() {
    editor = document.getElementById("note-editor");
    editor.querySelector("form").addEventListener("submit", saveEditor);
    editor.querySelector("[data-delete-note]").addEventListener("click", function () {
      if (editing && editing.id) { reader.notes.remove(editing.id); }
      afterEdit(null);
    });
  }

  /* ---------- List ---------- */

  var panel = null;

  function truncate(text) {
    return text.length > QUOTE_LIMIT ? text.slice(0, QUOTE_LIMIT - 1) + "…" : text;
  }

  function ordered() {
    return reader.notes.all().slice().sort(function (a, b) {
      return (b.found ? 1 : 0) - (a.found ? 1 : 0) || a.start - b.start;
    });
  }

  function where(note) {
    if (!note.found) { return reader.say("notes_orphaned"); }
    var number = reader.paragraphNumber ? reader.paragraphNumber({ id: note.paragraph }) : null;
    return number ? reader.say("paragraph_n", { n: number }) : "";
  }

  function actionButton(label, action, note) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small button--quiet";
    button.textContent = label;
    button.setAttribute("data-note-action", action);
    button.setAttribute("data-note", note.id);
    button.setAttribute("aria-describedby", "notes-quote-" + note.id);
    return button;
  }

  function listItem(note) {
    var item = document.createElement("li");
    item.className = "notes-list__item";
    item.setAttribute("data-colour", note.colour);
    var quote = document.createElement("blockquote");
    quote.className = "notes-list__quote";
    quote.id = "notes-quote-" + note.id;
    quote.textContent = truncate(note.exact);
    item.appendChild(quote);
    if (note.note) {
      var text = document.createElement("p");
      text.className = "notes-list__note";
      text.textContent = note.note;
      item.appendChild(text);
    }
    var place = document.createElement("p");
    place.className = "notes-list__where" + (note.found ? "" : " notes-list__where--lost");
    place.textContent = where(note);
    item.appendChild(place);
    var actions = document.createElement("div");
    actions.className = "notes-list__actions";
    if (note.found) { actions.appendChild(actionButton(reader.say("show_in_text"), "show", note)); }
    actions.appendChild(actionButton(reader.say("edit"), "edit", note));
    actions.appendChild(actionButton(reader.say("delete"), "delete", note));
    item.appendChild(actions);
    return item;
  }

  function renderList() {
    var list = panel.querySelector("[data-notes-list]");
    list.replaceChildren.apply(list, ordered().map(listItem));
    panel.querySelector("[data-notes-empty]").hidden = reader.notes.all().length > 0;
  }

  function onListClick(event) {
    var button = event.target.closest("[data-note-action]");
    if (!button) { return; }
    var id = button.getAttribute("data-note");
    var action = button.getAttribute("data-note-action");
    if (action === "edit") { editNote({ id: id }, button); }
    if (action === "delete") {
      reader.notes.remove(id);
      var next = panel.querySelector("[data-note-action]") || panel.querySelector("[data-close-panel]");
      next.focus();
    }
    if (action === "show") {
      var mark = reader.notes.firstMark(id);
      panel.readerOpener = null;
      reader.closePanel(panel);
      if (mark) { mark.scrollIntoView({ block: "center" }); mark.focus({ preventScroll: true }); }
    }
  }

  /* ---------- Export and import ---------- */

  function passageLink(note) {
    return (reader.data.url || "") + (note.paragraph ? "#" + note.paragraph : "");
  }

  function asMarkdown() {
    var lines = ["# " + reader.data.title, ""];
    if (reader.data.citation) { lines.push(reader.data.citation, ""); }
    lines.push("<" + reader.data.url + ">", "");
    ordered().forEach(function (note) {
      lines.push("## " + (where(note) || reader.say("note")), "");
      note.exact.split(/\n+/).forEach(function (line) { lines.push("> " + line.trim()); });
      lines.push("");
      if (note.note) { lines.push(note.note, ""); }
      lines.push("<" + passageLink(note) + ">", "");
    });
    return lines.join("\n");
  }

  function asJson() {
    var article = { title: reader.data.title, url: reader.data.url, citation: reader.data.citation };
    var list = ordered().map(function (note) {
      return { id: note.id, exact: note.exact, prefix: note.prefix, suffix: note.suffix, start: note.start,
        colour: note.colour, note: note.note, created: note.created, updated: note.updated, link: passageLink(note) };
    });
    return JSON.stringify({ format: FORMAT, version: 1, article: article, notes: list }, null, 2) + "\n";
  }

  function download(text, type, extension) {
    var slug = (reader.data.key || "article").split("/").filter(Boolean).pop() || "article";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = "notes-" + slug + "." + extension;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  function importFile(input) {
    var status = panel.querySelector("[data-notes-status]");
    var file = input.files && input.files[0];
    if (!file) { return; }
    file.text().then(function (text) {
      var parsed = JSON.parse(text);
      var count = parsed && parsed.format === FORMAT ? reader.notes.merge(parsed.notes) : 0;
      status.textContent = !count ? reader.say("import_failed")
        : reader.say(count === 1 ? "notes_imported_one" : "notes_imported", { count: count });
    }).catch(function () {
      status.textContent = reader.say("import_failed");
    }).then(function () { input.value = ""; });
  }

  function setUpPanel() {
    panel = document.getElementById("notes-panel");
    panel.querySelector("[data-notes-list]").addEventListener("click", onListClick);
    panel.querySelectorAll("[data-export]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.getAttribute("data-export") === "json") { download(asJson(), "application/json", "json"); }
        else { download(asMarkdown(), "text/markdown", "md"); }
      });
    });
    var input = panel.querySelector("[data-import-notes]");
    input.addEventListener("change", function () { importFile(input); });
    document.querySelectorAll("[data-open-notes]").forEach(function (button) {
      button.addEventListener("click", function () {
        panel.querySelector("[data-notes-status]").textContent = "";
        renderList();
        reader.openPanel(panel, button);
      });
    });
    reader.notes.onChange(function () { if (panel.open) { renderList(); } });
  }

  reader.editNote = editNote;
  reader.noteParagraph = function (paragraph, opener) {
    var selector = reader.notes.selectorForParagraph(paragraph);
    if (selector) { editNote({ draft: selector }, opener); }
  };

  function start() {
    if (!reader.notes || !document.getElementById("notes-panel")) { return; }
    setUpEditor();
    setUpPanel();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
