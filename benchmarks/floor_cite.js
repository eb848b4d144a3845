// The citation floor (see floors.py): citeproc-js alone formats every item by itself, as an
// article's page needs it, in each style, with nothing else around it.
//
//   node benchmarks/floor_cite.js SPEC.json ITEMS.json WORKERS
//
// SPEC holds the styles' XML, the locales' XML by tag and the language; ITEMS is a list of
// CSL-JSON items. WORKERS processes share the items (every WORKERS-th one each). It prints the
// number of bibliography entries made, and fails unless every item gave one entry per style.
"use strict";

const fs = require("fs");
const { fork } = require("child_process");

function formatShare(spec, items, share, shares) {
  const CSL = require("citeproc");
  let made = 0;
  for (const style of spec.styles) {
    const sys = {
      items: {},
      retrieveItem(id) { return this.items[id]; },
      retrieveLocale(lang) { return spec.locales[lang] || false; },
    };
    const engine = new CSL.Engine(sys, style, spec.lang, true);
    engine.setOutputFormat("html");
    for (let i = share; i < items.length; i += shares) {
      const item = items[i];
      sys.items = { [item.id]: item };
      engine.updateItems([item.id]);
      const [, entries] = engine.makeBibliography();
      if (entries.length !== 1 || !entries[0].trim()) throw new Error(`no entry for ${item.id}`);
      made += 1;
    }
  }
  return made;
}

function main() {
  const [specPath, itemsPath, workerArg, shareArg] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
  const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
  const shares = Math.max(1, parseInt(workerArg, 10) || 1);
  if (shareArg !== undefined) {  // a forked worker: format its share, report the count
    process.send(formatShare(spec, items, parseInt(shareArg, 10), shares));
    return;
  }
  const counts = [];
  let waiting = shares - 1;
  const finish = () => {
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = items.length * spec.styles.length;
    if (total !== expected) {
      console.error(`made ${total} entries, expected ${expected}`);
      process.exit(1);
    }
    console.log(total);
  };
  for (let share = 1; share < shares; share++) {
    const child = fork(__filename, [specPath, itemsPath, String(shares), String(share)]);
    child.on("message", (count) => counts.push(count));
    child.on("exit", (code) => {
      if (code !== 0) process.exit(1);
      if (--waiting === 0) finish();
    });
  }
  counts.push(formatShare(spec, items, 0, shares));
  if (waiting === 0) finish();
}

main();
