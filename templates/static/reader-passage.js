/* Cite this passage: a ¶ link on every numbered paragraph opens a panel with the passage's
   address and its pinpoint citation in each configured style (formatted at build time with a
   placeholder number that is replaced here). */
(function () {
  "use strict";

  var reader = window.ArchivistReader;
  var SENTINEL = "999999"; // archivist.cite.PINPOINT_SENTINEL
  var PARAGRAPH_ID = /^p([0-9]+)$/;

  function paragraphNumber(paragraph) {
    var match = PARAGRAPH_ID.exec(paragraph.id || "");
    return match ? match[1] : null;
  }

  function passageUrl(number) {
    var base = reader.data.url || window.location.href.split("#")[0];
    return base + "#p" + number;
  }

  /* Put the paragraph's number where the build left the placeholder, text node by text node. */
  function fillTemplate(template, number) {
    var copy = template.content.cloneNode(true);
    var walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.data.indexOf(SENTINEL) >= 0) { node.data = node.data.split(SENTINEL).join(number); }
    }
    copy.querySelectorAll("a[href*='" + SENTINEL + "']").forEach(function (link) {
      link.setAttribute("href", link.getAttribute("href").split(SENTINEL).join(number));
    });
    return copy;
  }

  function fillPanel(panel, number) {
    panel.querySelector("[data-passage-number]").textContent = reader.say("paragraph_n", { n: number });
    var link = panel.querySelector("[data-passage-link]");
    link.href = passageUrl(number);
    link.textContent = passageUrl(number);
    panel.querySelectorAll("template[data-pinpoint-template]").forEach(function (template) {
      var target = document.getElementById("pinpoint-" + template.getAttribute("data-pinpoint-template"));
      target.replaceChildren(fillTemplate(template, number));
      target.setAttribute("data-plain-text", target.getAttribute("data-plain-template").split(SENTINEL).join(number));
    });
    panel.setAttribute("data-paragraph", "p" + number);
  }

  function citePassage(paragraph, opener) {
    var panel = document.getElementById("passage-panel");
    var number = paragraphNumber(paragraph);
    if (!panel || !number) { return; }
    document.querySelectorAll(".is-cited").forEach(function (p) { p.classList.remove("is-cited"); });
    paragraph.classList.add("is-cited");
    fillPanel(panel, number);
    reader.openPanel(panel, opener);
  }

  function addMark(paragraph) {
    var number = paragraphNumber(paragraph);
    var mark = document.createElement("a");
    mark.className = "passage-mark";
    mark.href = "#p" + number;
    mark.setAttribute("data-reader-ui", "");
    mark.setAttribute("aria-haspopup", "dialog");
    mark.innerHTML = '<span aria-hidden="true">¶</span><span class="visually-hidden"></span>';
    mark.lastChild.textContent = reader.say("cite_paragraph_n", { n: number });
    mark.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      history.replaceState(history.state, "", "#p" + number);
      citePassage(paragraph, mark);
    });
    paragraph.insertBefore(mark, paragraph.firstChild);
  }

  function setUpCopying(panel) {
    var status = panel.querySelector("[data-panel-status]");
    panel.querySelector("[data-copy-passage-link]").addEventListener("click", function (event) {
      var button = event.currentTarget;
      var url = panel.querySelector("[data-passage-link]").href;
      reader.copy(url).then(function () { reader.confirmCopy(button, status); }, function () {});
    });
    panel.querySelectorAll("[data-copy-pinpoint]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById("pinpoint-" + button.getAttribute("data-copy-pinpoint"));
        var html = button.getAttribute("data-format") === "html" ? target.innerHTML : null;
        reader.copy(target.getAttribute("data-plain-text"), html).then(function () {
          reader.confirmCopy(button, status);
        }, function () {});
      });
    });
    panel.querySelector("[data-note-paragraph]").addEventListener("click", function () {
      var paragraph = document.getElementById(panel.getAttribute("data-paragraph"));
      var opener = panel.readerOpener;
      reader.closePanel(panel);
      if (paragraph && reader.noteParagraph) { reader.noteParagraph(paragraph, opener); }
    });
  }

  function start() {
    var body = document.getElementById("article-body");
    var panel = document.getElementById("passage-panel");
    if (!body || !panel) { return; }
    body.querySelectorAll("p[id]").forEach(function (paragraph) {
      if (paragraphNumber(paragraph) && !paragraph.closest(".footnotes")) { addMark(paragraph); }
    });
    setUpCopying(panel);
    panel.addEventListener("close", function () {
      document.querySelectorAll(".is-cited").forEach(function (p) { p.classList.remove("is-cited"); });
    });
  }

  reader.citePassage = citePassage;
  reader.paragraphNumber = paragraphNumber;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
