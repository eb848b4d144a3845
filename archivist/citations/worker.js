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

function createFormatter(CSL, options = {}) {
  const indexMacros = options.indexMacros !== false;
  const engines = new Map(); // key -> {engine, sys}
  let counter = 0;

  function makeEngine(spec) {
    const sys = {
      items: {},
      retrieveItem(id) { return this.items[id]; },
      retrieveLocale(lang) { return spec.locales[lang] || false; },
    };
    const build = () => new CSL.Engine(sys, spec.style, spec.lang, true);
    const engine = indexMacros ? buildWithMacroIndex(CSL, build) : build();
    engine.opt.development_extensions.wrap_url_and_doi = true;
    engine.setOutputFormat("html");
    return { engine, sys };
  }

  function load(key, spec) {
    engines.delete(key);
    engines.set(key, makeEngine(spec));
  }

  function engineFor(key) {
    const found = engines.get(key);
    if (!found) throw new Error("style not loaded: " + key);
    return found;
  }

  // Each job is formatted alone: its item is the only one registered while it is formatted,
  // so nothing (year suffixes, repeated-author dashes, added initials) depends on other jobs.
  // A fresh id per job keeps citeproc-js from reusing what it cached for an earlier item.
  function formatJob(state, job) {
    const { engine, sys } = state;
    const id = "archivist-item-" + (++counter);
    sys.items[id] = Object.assign({}, job.item, { id });
    engine.updateItems([id]);
    try {
      return {
        bibliography: job.bibliography ? bibliographyOf(engine) : null,
        cites: (job.cites || []).map((cite) => citationOf(engine, id, cite)),
      };
    } finally {
      engine.updateItems([]);
      delete sys.items[id];
    }
  }

  function bibliographyOf(engine) {
    const result = engine.makeBibliography();
    if (!result) throw new Error("the style has no bibliography");
    return result[1].join("");
  }

  function citationOf(engine, id, cite) {
    const entry = { id };
    if (cite.locator) {
      entry.locator = cite.locator;
      entry.label = cite.label || "page";
    }
    return engine.makeCitationCluster([entry]);
  }

  // An article's citations, formatted together as Pandoc and Zotero format a document: every cluster in
  // reading order (so "ibid.", year suffixes and citation numbers come out right), then its reference list.
  // Each cluster is formatted twice: as the style prints it, and with each work's part marked
  // (U+E030 key U+E031 text U+E032), which lets the caller link each work without changing a character.
  // The article's works are registered under fresh ids, so nothing is reused from another article.
  function formatArticle(state, article) {
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
    if (request.style) load(request.key, request.style);
    const state = engineFor(request.key);
    return request.jobs.map((job) => {
      try {
        if (job.article) return formatArticle(state, job.article);
        return formatJob(state, job);
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
