/* Search helpers on every page: "/" focuses the site search, terms arriving from a search
   result are highlighted, and "Search within this article" finds words in the page itself,
   ignoring case and accents (é = e) and matching Hangul syllable by syllable. */
(function () {
  "use strict";

  /* ---------- "/" focuses the header search box ---------- */

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
  }

  function onSlash(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    var box = document.getElementById("site-search-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  }

  /* ---------- highlight terms from a search result (?highlight=term) ---------- */

  function loadHighlighter() {
    var params = new URLSearchParams(window.location.search);
    var form = document.querySelector("[data-pagefind-bundle]");
    if (!params.has("highlight") || !form || !document.querySelector("[data-pagefind-body]")) return;
    recomposeHighlightTerms(params);
    var bundle = new URL(form.getAttribute("data-pagefind-bundle"), window.location.href);
    import(new URL("pagefind-highlight.js", bundle).href).then(function (module) {
      var Highlighter = module.default || window.PagefindHighlight;
      new Highlighter({
        highlightParam: "highlight",
        addStyles: false, // styled in search.css, so a strict style-src policy keeps working
        markOptions: {
          className: "pagefind-highlight",
          exclude: ["[data-pagefind-ignore]", "[data-pagefind-ignore] *"]
        }
      });
    }).catch(function () { /* the article reads fine without highlights */ });
  }

  /* Terms in decomposed form (Hangul as jamo) would never match the page's composed text. */
  function recomposeHighlightTerms(params) {
    var terms = params.getAll("highlight");
    var composed = terms.map(function (term) { return term.normalize("NFC"); });
    if (composed.join("\n") === terms.join("\n")) return;
    params.delete("highlight");
    composed.forEach(function (term) { params.append("highlight", term); });
    history.replaceState(history.state, "", "?" + params.toString() + window.location.hash);
  }

  /* ---------- folding text for matching ---------- */

  var COMBINING = /\p{M}/gu;

  function isHangulSyllable(ch) {
    var code = ch.codePointAt(0);
    return code >= 0xac00 && code <= 0xd7a3;
  }

  /* One character as it is compared: lower case, accents removed. Hangul syllables stay
     whole, since decomposing them into jamo would let "하" match inside "한". */
  function fold(ch) {
    if (isHangulSyllable(ch)) return ch;
    return ch.normalize("NFD").replace(COMBINING, "").toLowerCase();
  }

  function foldQuery(text) {
    var out = "";
    for (var ch of text.normalize("NFC").trim()) out += fold(ch);
    return out.replace(/\s+/g, " ");
  }

  /* The folded text of a set of text nodes, and for each folded character where its
     original character lives (node, offset, length), so matches map back exactly. */
  function foldNodes(nodes) {
    var folded = "";
    var where = [];
    nodes.forEach(function (node, index) {
      var data = node.data;
      var offset = 0;
      for (var ch of data) {
        var space = /\s/.test(ch);
        // Runs of spaces and line breaks count as one space, as the query's do.
        var piece = space ? (folded.endsWith(" ") ? "" : " ") : fold(ch);
        for (var i = 0; i < piece.length; i++) where.push([index, offset, ch.length]);
        folded += piece;
        offset += ch.length;
      }
    });
    return { text: folded, where: where };
  }

  /* ---------- finding and marking ---------- */

  var SKIP = "script, style, noscript, template, [hidden], [data-pagefind-ignore], .find-box";

  function textNodes(scope) {
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (!node.data) return NodeFilter.FILTER_REJECT;
        return node.parentElement && node.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  function findHits(nodes, query) {
    var folded = foldNodes(nodes);
    var hits = [];
    if (!query) return hits;
    var from = folded.text.indexOf(query);
    while (from !== -1) {
      hits.push(pieces(folded.where, from, from + query.length));
      from = folded.text.indexOf(query, from + query.length);
    }
    return hits;
  }

  /* A hit may cross element boundaries ("Hélène <em>de</em> Vaucourt"): one piece per node. */
  function pieces(where, start, end) {
    var parts = [];
    for (var i = start; i < end; i++) {
      var spot = where[i];
      var last = parts[parts.length - 1];
      var stop = spot[1] + spot[2];
      if (last && last.node === spot[0]) {
        last.end = Math.max(last.end, stop);
      } else {
        parts.push({ node: spot[0], start: spot[1], end: stop });
      }
    }
    return parts;
  }

  function markHits(nodes, hits) {
    var work = [];
    hits.forEach(function (hit, number) {
      hit.forEach(function (part) { work.push({ part: part, number: number }); });
    });
    var marks = hits.map(function () { return []; });
    // Back to front, so splitting a node never moves an offset still to be used.
    work.sort(function (a, b) { return b.part.node - a.part.node || b.part.start - a.part.start; });
    work.forEach(function (job) {
      var node = nodes[job.part.node];
      node.splitText(job.part.end);
      var middle = node.splitText(job.part.start);
      var mark = document.createElement("mark");
      mark.className = "find-hit";
      middle.parentNode.replaceChild(mark, middle);
      mark.appendChild(middle);
      marks[job.number].unshift(mark);
    });
    return marks;
  }

  function clearMarks(scope) {
    var parents = new Set();
    scope.querySelectorAll("mark.find-hit").forEach(function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
      parents.add(parent);
    });
    parents.forEach(function (parent) { parent.normalize(); });
  }

  /* ---------- the find box ---------- */

  function setUpFindBox(box) {
    var scope = document.querySelector(box.getAttribute("data-find-scope")) || document.querySelector("main");
    var input = box.querySelector("input[type=search]");
    var status = box.querySelector("[role=status]");
    var previous = box.querySelector("[data-find-previous]");
    var next = box.querySelector("[data-find-next]");
    var words = JSON.parse(box.getAttribute("data-find-words") || "{}");
    var found = [];
    var current = -1;
    var searched = "";
    var timer = 0;

    function say(key, values) {
      var text = words[key] || key;
      Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
      return text;
    }

    function search() {
      clearMarks(scope);
      var query = foldQuery(input.value);
      searched = query;
      found = query ? markHits(textNodes(scope), findHits(textNodes(scope), query)) : [];
      current = -1;
      previous.disabled = next.disabled = found.length === 0;
      if (!query) { status.textContent = ""; return; }
      if (!found.length) { status.textContent = say("find_none"); return; }
      go(0);
    }

    function go(index) {
      if (!found.length) return;
      if (current >= 0) found[current].forEach(function (m) { m.classList.remove("find-hit--current"); });
      current = (index + found.length) % found.length;
      found[current].forEach(function (m) { m.classList.add("find-hit--current"); });
      openAround(found[current][0]);
      found[current][0].scrollIntoView({ block: "center", behavior: "auto" });
      status.textContent = say(found.length === 1 ? "find_count_one" : "find_count",
        { current: current + 1, count: found.length });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        window.clearTimeout(timer);
        if (foldQuery(input.value) !== searched) search();
        else go(current + (event.shiftKey ? -1 : 1));
      } else if (event.key === "Escape" && input.value) {
        input.value = "";
        search();
      }
    });
    previous.addEventListener("click", function () { go(current - 1); });
    next.addEventListener("click", function () { go(current + 1); });
    previous.disabled = next.disabled = true;
    box.hidden = false;
    box.__find = { search: search, go: go };
  }

  /* A match inside a closed <details> is shown by opening it. */
  function openAround(node) {
    for (var el = node.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS" && !el.open) el.open = true;
    }
  }

  document.addEventListener("keydown", onSlash);
  loadHighlighter();
  document.querySelectorAll("[data-find-box]").forEach(setUpFindBox);
})();
