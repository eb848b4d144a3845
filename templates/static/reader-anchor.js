/* Text-quote anchors for the reader's highlights: a selection is kept as its exact words plus a
   little context before and after, so it finds its place again after the article is corrected;
   the character offset only breaks ties between equal quotes. */
(function () {
  "use strict";

  var CONTEXT = 32; // characters of context kept on each side of a quote
  var SKIP = "[data-reader-ui], math, script, style, template, .fn-popover";

  /* The text of `root` as one string, with the text node behind every stretch of it. */
  function textIndex(root) {
    var nodes = [];
    var text = "";
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while (walker.nextNode()) {
      var node = walker.currentNode;
      nodes.push({ node: node, start: text.length, end: text.length + node.data.length });
      text += node.data;
    }
    return { root: root, text: text, nodes: nodes };
  }

  /* The offset in the index's text of a DOM boundary point (container, offset). */
  function offsetOf(index, container, offset) {
    var point = document.createRange();
    point.setStart(container, offset);
    for (var i = 0; i < index.nodes.length; i += 1) {
      var entry = index.nodes[i];
      if (entry.node === container) { return entry.start + offset; }
      if (point.comparePoint(entry.node, 0) >= 0) { return entry.start; }
    }
    return index.text.length;
  }

  /* A selector for a range inside the index's root, or null when it holds no text. */
  function describe(index, range) {
    var start = offsetOf(index, range.startContainer, range.startOffset);
    var end = offsetOf(index, range.endContainer, range.endOffset);
    var exact = index.text.slice(start, end);
    var trimmedStart = exact.length - exact.replace(/^\s+/, "").length;
    var trimmedEnd = exact.replace(/\s+$/, "").length;
    if (!exact.trim()) { return null; }
    start += trimmedStart;
    end = start + (trimmedEnd - trimmedStart);
    return selectorFor(index, start, end);
  }

  function selectorFor(index, start, end) {
    return {
      exact: index.text.slice(start, end),
      prefix: index.text.slice(Math.max(0, start - CONTEXT), start),
      suffix: index.text.slice(end, end + CONTEXT),
      start: start
    };
  }

  function sharedTail(a, b) {
    var n = 0;
    while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) { n += 1; }
    return n;
  }

  function sharedHead(a, b) {
    var n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) { n += 1; }
    return n;
  }

  /* Where the quote stands now: among its exact occurrences, the one whose surroundings match
     the saved context best, then the one nearest the old position. Null when it is gone. */
  function locate(index, selector) {
    var text = index.text;
    var exact = selector.exact || "";
    if (!exact) { return null; }
    var best = null;
    for (var at = text.indexOf(exact); at >= 0; at = text.indexOf(exact, at + 1)) {
      var before = text.slice(Math.max(0, at - CONTEXT), at);
      var after = text.slice(at + exact.length, at + exact.length + CONTEXT);
      var score = sharedTail(before, selector.prefix || "") + sharedHead(after, selector.suffix || "");
      var distance = Math.abs(at - (selector.start || 0));
      if (!best || score > best.score || (score === best.score && distance < best.distance)) {
        best = { start: at, end: at + exact.length, score: score, distance: distance };
      }
    }
    return best && { start: best.start, end: best.end };
  }

  /* Wrap the text between two offsets in elements made by `make`, one per text node touched. */
  function wrap(index, start, end, make) {
    var made = [];
    index.nodes.forEach(function (entry) {
      var from = Math.max(start, entry.start);
      var to = Math.min(end, entry.end);
      if (from >= to || !entry.node.data.slice(from - entry.start, to - entry.start).trim()) { return; }
      made.push({ entry: entry, from: from - entry.start, to: to - entry.start });
    });
    return made.map(function (piece) {
      var middle = piece.entry.node;
      if (piece.to < middle.data.length) { middle.splitText(piece.to); }
      if (piece.from > 0) { middle = middle.splitText(piece.from); }
      var mark = make();
      middle.parentNode.insertBefore(mark, middle);
      mark.appendChild(middle);
      return mark;
    });
  }

  /* Take out every element matching `selector`, keeping its text where it was. */
  function unwrapAll(root, selector) {
    root.querySelectorAll(selector).forEach(function (mark) {
      mark.replaceWith.apply(mark, Array.prototype.slice.call(mark.childNodes));
    });
    root.normalize();
  }

  window.ArchivistReader.anchor = {
    textIndex: textIndex,
    describe: describe,
    selectorFor: selectorFor,
    locate: locate,
    wrap: wrap,
    unwrapAll: unwrapAll
  };
})();
