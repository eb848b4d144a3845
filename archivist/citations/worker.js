"use strict";
// Formats CSL-JSON items with citeproc-js. Under Node it reads one JSON request per stdin
// line and writes one JSON reply per stdout line. One engine per style stays warm, because
// building a large style (Chicago, APA) costs about a second, while registering one item
// in a warm engine costs a few milliseconds.

// While an engine is built, citeproc-js looks every macro up by walking the whole style tree,
// once per call site: about a third of the time it takes to build APA or Chicago. The style's
// macros are all in place before the first lookup (citeproc-js adjusts the tree first), so
// during the build a lookup's answer can be remembered. Outside a build nothing changes.
function buildWithMacroIndex(CSL, build) {
  const proto = CSL.XmlJSON.prototype;
  const lookup = proto.getNodesByName;
  const found = new Map();
  proto.getNodesByName = function (node, name, nameValue, into) {
    if (into || name !== "macro" || !nameValue || node !== this.dataObj) {
      return lookup.call(this, node, name, nameValue, into);
    }
    if (!found.has(nameValue)) found.set(nameValue, lookup.call(this, node, name, nameValue));
    return found.get(nameValue).slice();
  };
  try {
    return build();
  } finally {
    proto.getNodesByName = lookup;
  }
}

const { withoutBibliographySort, citationIsItemless, isNoteStyle } = require("./styletree.js");

// Item types whose citations citeproc-js groups or parses by more than the layout shows.
const LEGAL_TYPES = new Set(["legal_case", "legislation", "bill", "hearing", "gazette", "regulation", "treaty"]);

function createFormatter(CSL, options = {}) {
  const indexMacros = options.indexMacros !== false;
  const shortcuts = options.shortcuts !== false; // see styletree.js; off only to compare with the full work
  const styles = new Map(); // key -> {spec, note, unsorted, itemless, full, alone, pinpoints}
  let counter = 0;

  function makeEngine(spec, style, note) {
    const sys = {
      items: {},
      retrieveItem(id) { return this.items[id]; },
      retrieveLocale(lang) { return spec.locales[lang] || false; },
    };
    const build = () => new CSL.Engine(sys, style, spec.lang, true);
    const engine = indexMacros ? buildWithMacroIndex(CSL, build) : build();
    engine.opt.development_extensions.wrap_url_and_doi = true;
    engine.setOutputFormat("html");
    return { engine, sys, note, cited: false };
  }

  // The style is read once. A worker builds the engine its first job needs at once (so a style
  // that cannot be built fails here, not inside a job) and another only when a job needs it: one
  // that only ever formats items alone never builds the engine with the reference-list sort.
  function load(key, spec, firstJob) {
    const tree = CSL.parseXml(spec.style);
    const entry = {
      spec, full: null, alone: null, pinpoints: new Map(), note: isNoteStyle(tree),
      unsorted: shortcuts && withoutBibliographySort(tree),
      itemless: shortcuts && citationIsItemless(tree),
    };
    styles.set(key, entry);
    if (firstJob && firstJob.article) fullEngine(entry);
    else aloneEngine(entry);
  }

  function styleFor(key) {
    const found = styles.get(key);
    if (!found) throw new Error("style not loaded: " + key);
    return found;
  }

  function fullEngine(entry) {
    if (!entry.full) entry.full = makeEngine(entry.spec, entry.spec.style, entry.note);
    return entry.full;
  }

  // For items formatted alone: the engine without the reference-list sort when the style allows
  // it (its sort keys' macros are most of what building Chicago costs, so it is built even
  // where the full engine already is), else the full engine; both give the same one-item answers.
  function aloneEngine(entry) {
    if (!entry.alone) entry.alone = entry.unsorted ? makeEngine(entry.spec, entry.unsorted, entry.note) : fullEngine(entry);
    return entry.alone;
  }

  // Each job is formatted alone: its item is the only one registered while it is formatted,
  // so nothing (year suffixes, repeated-author dashes, added initials) depends on other jobs.
  // A fresh id per job keeps citeproc-js from reusing what it cached for an earlier item.
  function formatJob(entry, job) {
    const state = aloneEngine(entry);
    const { engine, sys } = state;
    const id = "archivist-item-" + (++counter);
    sys.items[id] = Object.assign({}, job.item, { id });
    engine.updateItems([id]);
    try {
      return {
        bibliography: job.bibliography ? bibliographyOf(state, id) : null,
        cites: (job.cites || []).map((cite) => pinpointOf(entry, state, id, job.item, cite)),
      };
    } finally {
      engine.updateItems([]);
      delete sys.items[id];
    }
  }

  // In a note style citeproc-js turns parentheses inside parentheses into brackets in the
  // reference list too, but only once the engine has made a citation: so an engine that has
  // not yet made one makes one of the item first, and a worker's first entry reads as all the
  // others and as the article's reference lists do (it is made before the item's own
  // citations, which then see the names the entry registered, as they always have).
  function bibliographyOf(state, id) {
    if (state.note && !state.cited) citationOf(state, id, {});
    const result = state.engine.makeBibliography();
    if (!result) throw new Error("the style has no bibliography");
    return result[1].join("");
  }

  // A style whose citation reads nothing of the item but its type and language gives every
  // such item the same citation for the same locator: formatted once, then remembered.
  function pinpointOf(entry, state, id, item, cite) {
    if (!entry.itemless || LEGAL_TYPES.has(item.type)) return citationOf(state, id, cite);
    const key = JSON.stringify([item.type || "", item.language || "", cite.locator || "", cite.label || ""]);
    if (!entry.pinpoints.has(key)) entry.pinpoints.set(key, citationOf(state, id, cite));
    return entry.pinpoints.get(key);
  }

  function citationOf(state, id, cite) {
    const entry = { id };
    if (cite.locator) {
      entry.locator = cite.locator;
      entry.label = cite.label || "page";
    }
    state.cited = true;
    return state.engine.makeCitationCluster([entry]);
  }

  // An article's citations, formatted together as Pandoc and Zotero format a document: every cluster in
  // reading order (so "ibid.", year suffixes and citation numbers come out right), then its reference list.
  // Each cluster is formatted twice: as the style prints it, and with each work's part marked
  // (U+E030 key U+E031 text U+E032), which lets the caller link each work without changing a character.
  // The article's works are registered under fresh ids, so nothing is reused from another article.
  function formatArticle(entry, article) {
    const state = fullEngine(entry);
    const { engine, sys } = state;
    const prefix = "archivist-article-" + (++counter) + "-";
    const keyOf = {};
    for (const item of article.items) {
      const id = prefix + item.id;
      keyOf[id] = item.id;
      sys.items[id] = Object.assign({}, item, { id, system_id: id });
    }
    const clusters = () => article.clusters.map((cluster, n) => ({
      citationID: prefix + "c" + n,
      citationItems: cluster.items.map((item) => Object.assign({}, item, { id: prefix + item.id })),
      properties: Object.assign({ noteIndex: cluster.noteIndex }, cluster.mode ? { mode: cluster.mode } : {}),
    }));
    const uncited = (article.uncited || []).map((key) => prefix + key);
    sys.wrapCitationEntry = (str, id) => "\ue030" + keyOf[id] + "\ue031" + str + "\ue032";
    try {
      const plain = engine.rebuildProcessorState(clusters(), "html", uncited).map((row) => row[2]);
      engine.opt.development_extensions.apply_citation_wrapper = true;
      const marked = engine.rebuildProcessorState(clusters(), "html", uncited).map((row) => row[2]);
      engine.opt.development_extensions.apply_citation_wrapper = false;
      if (article.clusters.length) state.cited = true;
      if (state.note && !state.cited && uncited.length) citationOf(state, uncited[0], {});
      const bibliography = article.bibliography ? engine.makeBibliography() : false;
      return {
        clusters: plain.map((text, n) => [text, marked[n]]),
        bibliography: bibliography ? {
          keys: bibliography[0].entry_ids.map((ids) => keyOf[ids[0]]),
          entries: bibliography[1],
        } : null,
      };
    } finally {
      engine.opt.development_extensions.apply_citation_wrapper = false;
      delete sys.wrapCitationEntry;
      engine.updateUncitedItems([]);
      engine.updateItems([]);
      for (const id of Object.keys(keyOf)) delete sys.items[id];
    }
  }

  function format(request) {
    if (request.style) load(request.key, request.style, request.jobs[0]);
    const entry = styleFor(request.key);
    return request.jobs.map((job) => {
      try {
        if (job.article) return formatArticle(entry, job.article);
        return formatJob(entry, job);
      } catch (err) {
        const id = job.item && job.item.id;
        throw new Error("item " + JSON.stringify(id) + ": " + String((err && err.message) || err));
      }
    });
  }

  function handle(request) {
    switch (request.op) {
      case "format":
        return format(request);
      case "version":
        return CSL.PROCESSOR_VERSION;
      default:
        throw new Error("unknown operation: " + request.op);
    }
  }

  function reply(line) {
    let request = {};
    try {
      request = JSON.parse(line);
      return JSON.stringify({ seq: request.seq, ok: true, result: handle(request) });
    } catch (err) {
      return JSON.stringify({ seq: request.seq, ok: false, error: String((err && err.message) || err) });
    }
  }

  return { handle, reply };
}

function runNodeWorker() {
  const CSL = require(process.env.ARCHIVIST_CITEPROC || "citeproc");
  const formatter = createFormatter(CSL);
  const readline = require("readline");
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on("line", (line) => {
    if (line.trim()) process.stdout.write(formatter.reply(line) + "\n");
  });
  lines.on("close", () => process.exit(0));
}

if (typeof module !== "undefined" && typeof require !== "undefined" && require.main === module) {
  runNodeWorker();
} else if (typeof module !== "undefined") {
  module.exports = { createFormatter };
}
