"use strict";
// Formats CSL-JSON items with citeproc-js. Under Node it reads one JSON request per stdin
// line and writes one JSON reply per stdout line; style and locale engines stay warm.

function createFormatter(CSL) {
  const styles = new Map(); // key -> {style, locales, lang}
  const engines = new Map(); // key -> {engine, sys}
  let counter = 0;

  function makeEngine(key) {
    const spec = styles.get(key);
    if (!spec) throw new Error("style not loaded: " + key);
    const sys = {
      items: {},
      retrieveItem(id) { return this.items[id]; },
      retrieveLocale(lang) { return spec.locales[lang] || false; },
    };
    const engine = new CSL.Engine(sys, spec.style, spec.lang, true);
    engine.opt.development_extensions.wrap_url_and_doi = true;
    engine.setOutputFormat("html");
    return { engine, sys };
  }

  function engineFor(key) {
    if (!engines.has(key)) engines.set(key, makeEngine(key));
    return engines.get(key);
  }

  // A fresh id per call: citeproc-js caches items by id, and each item must be
  // formatted alone, with nothing left over from the one before.
  function withItem(key, item, format) {
    const { engine, sys } = engineFor(key);
    const id = "archivist-item-" + (++counter);
    sys.items[id] = Object.assign({}, item, { id });
    engine.updateItems([id]);
    try {
      return format(engine, id);
    } finally {
      engine.updateItems([]);
      delete sys.items[id];
    }
  }

  function bibliography(key, item) {
    return withItem(key, item, (engine) => {
      const result = engine.makeBibliography();
      if (!result) throw new Error("the style has no bibliography");
      return result[1].join("");
    });
  }

  function citation(key, cite) {
    return withItem(key, cite.item, (engine, id) => {
      const entry = { id };
      if (cite.locator) {
        entry.locator = cite.locator;
        entry.label = cite.label || "page";
      }
      return engine.makeCitationCluster([entry]);
    });
  }

  function handle(request) {
    switch (request.op) {
      case "load":
        styles.set(request.key, { style: request.style, locales: request.locales, lang: request.lang });
        engines.delete(request.key);
        engineFor(request.key);
        return null;
      case "bibliography":
        return request.items.map((item) => bibliography(request.key, item));
      case "citation":
        return request.cites.map((cite) => citation(request.key, cite));
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
}
