"use strict";
// Reads a style's tree (as CSL.parseXml gives it) to find work the worker may leave out when it
// formats one item alone, where the answer is known without the work:
//  - the reference list's sort: a list of one item needs no order, but citeproc-js renders every
//    sort key of an item it registers (a third of an item's time in APA or Chicago), and
//    building the keys' macros is most of what building Chicago's engine costs;
//  - a paragraph citation that reads nothing of the item but its type and language (numeric
//    styles: "[1, para. 7]"), which is then the same for every item of that type and language.
// Both answers are used only where the tree shows nothing else could depend on them, and both
// are compared with the full work in tests.

// Elements and attributes whose building leaves no mark on the rest of the engine: a sort key
// built from them changes nothing but the (pointless) order of a one-item list. Anything else
// (disambiguate, position, display, year-suffix, ...) sets a flag for the whole engine while it
// is built, so the sort may go only when a layout sets the same flag anyway.
const SORT_SAFE_ELEMENTS = new Set([
  "sort", "key", "text", "number", "label", "group", "choose", "if", "else-if", "else",
  "names", "name", "name-part", "et-al", "substitute", "date", "date-part",
]);
const SORT_SAFE_ATTRIBUTES = new Set([
  "variable", "macro", "sort", "names-min", "names-use-first", "names-use-last", "form", "term",
  "value", "plural", "prefix", "suffix", "delimiter", "quotes", "strip-periods", "text-case",
  "font-style", "font-variant", "font-weight", "text-decoration", "vertical-align", "type", "match",
  "is-numeric", "is-uncertain-date", "locator", "name-as-sort-order", "sort-separator", "and",
  "delimiter-precedes-et-al", "delimiter-precedes-last", "initialize", "initialize-with",
  "et-al-min", "et-al-use-first", "et-al-use-last", "date-parts", "range-delimiter", "name",
]);
// Variables whose mere presence in a style changes how citeproc-js numbers or suffixes entries.
const MARKING_VARIABLES = new Set(["citation-number", "citation-label", "year-suffix", "first-reference-note-number"]);

// What a paragraph citation may read and still be the same for every item of one type and
// language: the cite's own locator and label, and the number a lone item always gets (1).
const CITE_SAFE_ELEMENTS = new Set(["layout", "group", "text", "number", "label", "choose", "if",
  "else-if", "else"]);
const CITE_ITEMLESS_VARIABLES = new Set(["citation-number", "locator"]);
const CITE_SAFE_ATTRIBUTES = new Set([
  "variable", "macro", "form", "term", "value", "plural", "prefix", "suffix", "delimiter", "quotes",
  "strip-periods", "text-case", "font-style", "font-variant", "font-weight", "text-decoration",
  "vertical-align", "display", "type", "match", "position", "locator", "is-numeric",
]);

function childrenOf(node) {
  return (node.children || []).filter((child) => child && typeof child === "object");
}

function childNamed(node, name) {
  return childrenOf(node).find((child) => child.name === name);
}

function macrosOf(style) {
  const macros = new Map();
  for (const child of childrenOf(style)) {
    if (child.name === "macro" && child.attrs && child.attrs.name) macros.set(child.attrs.name, child);
  }
  return macros;
}

// True when `accept(node)` holds for the node, everything under it and every macro it calls.
function everyReached(node, macros, accept, seen = new Set()) {
  if (!accept(node)) return false;
  const called = node.attrs && node.attrs.macro;
  if (called && node.name !== "macro") {
    if (called.startsWith("juris-") || !macros.has(called)) return false;
    if (!seen.has(called)) {
      seen.add(called);
      if (!childrenOf(macros.get(called)).every((child) => everyReached(child, macros, accept, seen))) return false;
    }
  }
  return childrenOf(node).every((child) => everyReached(child, macros, accept, seen));
}

function attributesIn(node, allowed) {
  return Object.keys(node.attrs || {}).every((name) => allowed.has(name));
}

function variablesOf(node) {
  const attrs = node.attrs || {};
  return ["variable", "is-numeric", "is-uncertain-date"].flatMap((name) => (attrs[name] ? attrs[name].split(/\s+/) : []));
}

function hasLayoutLocale(style) {
  return ["citation", "bibliography"].some((area) => {
    const found = childNamed(style, area);
    return found && childrenOf(found).some((child) => child.name === "layout" && child.attrs && child.attrs.locale);
  });
}

// What of a node would mark the whole engine if it were built: see SORT_SAFE_ELEMENTS.
function marksOf(node) {
  const marks = SORT_SAFE_ELEMENTS.has(node.name) ? [] : ["element " + node.name];
  for (const [name, value] of Object.entries(node.attrs || {})) {
    if (!SORT_SAFE_ATTRIBUTES.has(name)) marks.push("attribute " + name + "=" + value);
  }
  return marks.concat(variablesOf(node).filter((v) => MARKING_VARIABLES.has(v)).map((v) => "variable " + v));
}

// Every mark of the nodes reached from `node`, or null when it calls a macro it cannot follow.
function marksReached(node, macros) {
  const marks = new Set();
  const complete = everyReached(node, macros, (reached) => {
    marksOf(reached).forEach((mark) => marks.add(mark));
    return true;
  });
  return complete ? marks : null;
}

// The style without its reference-list sort, or null when it has none or building the sort
// would set a flag on the engine that no layout sets anyway.
function withoutBibliographySort(style) {
  const bibliography = childNamed(style, "bibliography");
  const sort = bibliography && childNamed(bibliography, "sort");
  if (!sort || hasLayoutLocale(style)) return null;
  const macros = macrosOf(style);
  const sortMarks = marksReached(sort, macros);
  if (sortMarks === null) return null;
  if (sortMarks.size) {
    const layoutMarks = new Set();
    for (const area of [childNamed(style, "citation"), bibliography]) {
      const found = area && marksReached(childNamed(area, "layout") || { name: "layout" }, macros);
      if (found === null) return null;
      found.forEach((mark) => layoutMarks.add(mark));
    }
    if ([...sortMarks].some((mark) => !layoutMarks.has(mark))) return null;
  }
  const copy = Object.assign({}, bibliography, { children: bibliography.children.filter((child) => child !== sort) });
  return Object.assign({}, style, { children: style.children.map((child) => (child === bibliography ? copy : child)) });
}

function isNoteStyle(style) {
  return Boolean(style.attrs && style.attrs.class === "note");
}

// True when the style's paragraph citation of a lone item reads nothing of the item but its
// type and language, so one answer per type and language serves every item. Not for note
// styles: there each citation also resets how the next reference-list entry brackets.
function citationIsItemless(style) {
  const citation = childNamed(style, "citation");
  const layout = citation && childNamed(citation, "layout");
  if (!layout || hasLayoutLocale(style) || isNoteStyle(style)) return false;
  const safe = (node) => CITE_SAFE_ELEMENTS.has(node.name) && attributesIn(node, CITE_SAFE_ATTRIBUTES)
    && variablesOf(node).every((variable) => CITE_ITEMLESS_VARIABLES.has(variable));
  return everyReached(layout, macrosOf(style), safe);
}

module.exports = { withoutBibliographySort, citationIsItemless, isNoteStyle };
