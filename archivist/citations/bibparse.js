"use strict";
// Converts BibTeX/BibLaTeX and RIS files to CSL-JSON with citation-js. Reads one JSON request
// from stdin, {"files": [{"format": "bibtex" | "ris", "text": "..."}]}, and writes one reply:
// {"ok": true, "files": [{"items": [{"key", "line", "csl"}], "errors": [{"line", "column", "message"}]}]}.
// Parsing is citation-js's; this script only locates entries and errors, recovers from a broken
// entry by blanking it and parsing again, and applies the fix-ups documented in bibliography.py.

const { plugins } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-ris");
const bibFile = require("@citation-js/plugin-bibtex/lib/input/file.js");
const bibEntries = require("@citation-js/plugin-bibtex/lib/input/entries.js");
const fixups = require("./bibfixups.js");

// English titles are stored in sentence case, with {Protected} words marked nocase, as Pandoc does;
// the entry's langid decides what is English (see fixups.languageFromLangid).
plugins.config.get("@bibtex").parse.sentenceCase = "english";

const TOKENS = {
  at: "'@'", lbrace: "'{'", rbrace: "'}'", comma: "','", equals: "'='", hash: "'#'", quote: "'\"'",
  label: "a citation key", identifier: "a field name", dataEntryType: "an entry type such as 'article'",
  otherEntryType: "an entry type", number: "a number", text: "text", EOF: "the end of the file",
};

function describe(name) {
  return TOKENS[name] || name;
}

// The line each entry starts on: the Entry rule is wrapped so the '@' token's line is recorded.
function parseWithLines(text) {
  const rules = bibFile.bibtexGrammar.rules;
  const entry = rules.Entry;
  const found = { starts: [], lines: new Map() };
  rules.Entry = function () {
    const line = this.token.line;
    found.starts.push(line);
    const result = entry.call(this);
    if (result) found.lines.set(result, line);
    return result;
  };
  try {
    found.entries = bibFile.parse(text);
    return found;
  } catch (error) {
    error.entryStart = found.starts[found.starts.length - 1];
    throw error;
  } finally {
    rules.Entry = entry;
  }
}

// What was expected, in the words a writer of BibTeX uses.
function expectation(wanted, got) {
  if (wanted === "comma" && got === "label") return "expected ',' after the citation key, found more text (a key has no spaces)";
  if (wanted === "rbrace" && got === "identifier") return "expected ',' between two fields (or '}' to end the entry), found a field name";
  return `expected ${describe(wanted)}, found ${describe(got)}`;
}

// An error inside the entry is reported where it is; one past the entry (a '{' or '"' left open
// swallows what follows) is reported at the entry's start.
function syntaxError(error, lines, start, nextStart) {
  const where = /line (\d+) col (\d+)/.exec(error.message);
  const line = where ? Number(where[1]) : lines.length + 1;
  const column = where ? Number(where[2]) : 1;
  const wanted = /expected "(\w+)", got (?:EOF|"(\w+)")/.exec(error.message);
  if (line >= nextStart || (wanted && !wanted[2])) {
    return { line: start, column: 1, message: "this entry is never closed: expected a '}' (or '\"') to match each '{' (or '\"') before the next entry" };
  }
  if (!wanted) {
    const bad = (lines[line - 1] || "").charAt(column - 1);
    return { line, column, message: `unexpected '${bad}': expected a field such as 'title = {...}', a ',' or a '}'` };
  }
  return { line, column, message: expectation(wanted[1], wanted[2]) };
}

// Lines starting with '%' are comments to Biber and Pandoc, but citation-js would read an '@' in
// them as the start of an entry: they are blanked (keeping line numbers).
function parseBibtex(text) {
  const lines = text.split(/\r?\n/).map((l) => (/^\s*%/.test(l) ? "" : l));
  const errors = [];
  for (let attempt = 0; attempt <= lines.length; attempt++) {
    let found;
    try {
      found = parseWithLines(lines.join("\n"));
    } catch (error) {
      if (!error.entryStart) throw error;
      const start = error.entryStart;
      let next = start;
      while (next < lines.length && !/^\s*@/.test(lines[next])) next++;
      errors.push(syntaxError(error, lines, start, next + 1));
      for (let i = start - 1; i < next; i++) lines[i] = "";
      continue;
    }
    return convertEntries(found, errors);
  }
  throw new Error("the file's syntax errors cannot be isolated");
}

// Values are parsed per entry first so that one entry's bad LaTeX loses only that entry.
function convertEntries(found, errors) {
  const good = [];
  for (const entry of found.entries) {
    fixups.languageFromLangid(entry);
    try {
      const alone = { ...entry.properties };
      delete alone.crossref;
      bibEntries.parse([{ ...entry, properties: alone }]);
      good.push(entry);
    } catch (error) {
      const message = String(error.message).split("\n")[0].replace(/<[^>]*>/g, "").replace(/\s*at line \d+ col \d+:?\s*$/, "");
      errors.push({ line: found.lines.get(entry), column: 1, message: `entry '${entry.label}': ${message || "a value cannot be read"}` });
    }
  }
  const csl = bibEntries.parse(good);
  const items = csl.map((item, i) => ({
    key: good[i].label,
    line: found.lines.get(good[i]),
    csl: fixups.fixBibtex(item, good[i]),
  }));
  return { items, errors };
}

function parseRis(text) {
  const items = plugins.input.chain(text, { forceType: "@ris/file", generateGraph: false });
  return { items: items.map((csl) => ({ key: csl.id || "", line: 0, csl: fixups.fixRis(csl) })), errors: [] };
}

function convert(file) {
  try {
    return file.format === "ris" ? parseRis(file.text) : parseBibtex(file.text);
  } catch (error) {
    return { items: [], errors: [{ line: 1, column: 1, message: `the file cannot be read: ${error.message}` }] };
  }
}

function main() {
  const chunks = [];
  process.stdin.on("data", (chunk) => chunks.push(chunk));
  process.stdin.on("end", () => {
    let reply;
    try {
      const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      reply = { ok: true, files: request.files.map(convert) };
    } catch (error) {
      reply = { ok: false, error: String(error && error.stack || error) };
    }
    process.stdout.write(JSON.stringify(reply));
  });
}

// citation-js reports what it skips on the console; the reply carries everything that matters.
console.warn = () => {};
console.log = () => {};
main();
