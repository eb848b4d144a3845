"use strict";
// The fix-ups applied to what citation-js makes of BibTeX/BibLaTeX and RIS: each one corrects a
// conversion that loses or garbles what the file means. bibliography.py's docstring lists them.

// Babel/polyglossia language names (BibLaTeX's langid) -> BCP 47 tags, which CSL expects.
const LANGUAGES = {
  english: "en-US", american: "en-US", usenglish: "en-US", british: "en-GB", ukenglish: "en-GB",
  australian: "en-AU", canadian: "en-CA", newzealand: "en-NZ", german: "de-DE", ngerman: "de-DE",
  austrian: "de-AT", naustrian: "de-AT", swissgerman: "de-CH", french: "fr-FR", italian: "it-IT",
  spanish: "es-ES", portuguese: "pt-PT", brazil: "pt-BR", brazilian: "pt-BR", dutch: "nl-NL",
  polish: "pl-PL", czech: "cs-CZ", slovak: "sk-SK", russian: "ru-RU", ukrainian: "uk-UA",
  swedish: "sv-SE", danish: "da-DK", norsk: "nb-NO", norwegian: "nb-NO", nynorsk: "nn-NO",
  finnish: "fi-FI", icelandic: "is-IS", latin: "la", greek: "el-GR", irish: "ga-IE", welsh: "cy-GB",
  catalan: "ca-ES", hungarian: "hu-HU", romanian: "ro-RO", croatian: "hr-HR", serbian: "sr-RS",
  slovene: "sl-SI", turkish: "tr-TR", hebrew: "he-IL", arabic: "ar", persian: "fa-IR",
  chinese: "zh-CN", japanese: "ja-JP", korean: "ko-KR", vietnamese: "vi-VN",
};

// BibLaTeX's type keys (the `type` field, or the entry type) -> the words BibLaTeX prints.
const GENRES = {
  phdthesis: "PhD thesis", mathesis: "Master's thesis", mastersthesis: "Master's thesis",
  candthesis: "Candidate thesis", bathesis: "Bachelor's thesis", techreport: "Technical report",
  resreport: "Research report", software: "Computer software", datacd: "CD-ROM", audiocd: "Audio CD",
};

// Identifier schemes of BibLaTeX's eprinttype (or BibTeX's archivePrefix).
const EPRINTS = {
  arxiv: (id, item) => {
    item.number = item.number || `arXiv:${id}`;
    item.publisher = item.publisher || "arXiv";
    item.URL = item.URL || `https://arxiv.org/abs/${id}`;
    if (["document", "webpage", "manuscript", "article"].includes(item.type)) item.type = "article";
  },
  pubmed: (id, item) => { item.PMID = item.PMID || id; },
  jstor: (id, item) => { item.URL = item.URL || `https://www.jstor.org/stable/${id}`; },
  hdl: (id, item) => { item.URL = item.URL || `https://hdl.handle.net/${id}`; },
  doi: (id, item) => { item.DOI = item.DOI || id; },
};

function plain(value) {
  return typeof value === "string" ? value.replace(/[{}]/g, "").trim() : "";
}

// citation-js decides whether a title is English (and so sentence-cased) from `language` alone;
// BibLaTeX files usually say it with `langid`.
function languageFromLangid(entry) {
  const props = entry.properties;
  if (props.langid && !props.language) props.language = props.langid;
}

// `{\'\i}` becomes a dotless i with a combining accent; a plain i is what is meant. Then NFC, so
// the same name typed two ways compares equal.
function text(value) {
  return value.replace(/[\u0131\u0237](?=[\u0300-\u036f])/g, (c) => (c === "\u0131" ? "i" : "j")).normalize("NFC");
}

// A name with only a family name that holds a space came from a braced whole name such as
// {{World Health Organization}}: an organisation, which CSL spells `literal`. "and others" -> the
// literal "others", as Pandoc writes it (citation-js makes a person called "others").
function fixName(name) {
  const keys = Object.keys(name);
  if (keys.length === 1 && keys[0] === "family" && (/\s/.test(name.family) || name.family === "others")) {
    return { literal: name.family };
  }
  return name;
}

// CSL wants one string where BibLaTeX allows a list ("publisher = {A and B}"): the list is joined
// back as BibLaTeX prints it, "A, B and C".
function joinList(values) {
  return values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} and ${values[values.length - 1]}`;
}

function deepText(value) {
  if (typeof value === "string") return text(value);
  if (Array.isArray(value)) return value.map(deepText);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepText(v)]));
  }
  return value;
}

const NAME_VARIABLES = new Set(["author", "editor", "translator", "container-author", "collection-editor",
  "composer", "director", "illustrator", "interviewer", "original-author", "recipient", "reviewed-author",
  "editorial-director", "chair", "compiler", "contributor", "curator", "executive-producer", "guest", "host",
  "narrator", "organizer", "performer", "producer", "script-writer", "series-creator"]);

function fixCommon(item) {
  const fixed = deepText(item);
  for (const [key, value] of Object.entries(fixed)) {
    if (NAME_VARIABLES.has(key) && Array.isArray(value)) fixed[key] = value.map(fixName);
    else if (Array.isArray(value) && key !== "categories" && value.every((v) => typeof v === "string")) {
      fixed[key] = joinList(value);
    }
  }
  if (typeof fixed.language === "string" && LANGUAGES[fixed.language.toLowerCase()]) {
    fixed.language = LANGUAGES[fixed.language.toLowerCase()];
  }
  return fixed;
}

// The BibTeX fields each title-like CSL variable is made from.
const TITLE_SOURCES = {
  title: ["title"], "container-title": ["journaltitle", "journal", "booktitle", "maintitle"],
  "collection-title": ["series"], "original-title": ["origtitle"],
};

// A capital letter standing alone as a word in a title (the S language, vitamin E, Model T) is a
// name, not a headline capital: citation-js's sentence case lowercases it, and CSL's title case
// never capitalises a one-letter word, so it would print "Statistical models in s" in every
// style. Letters the raw field also writes in lower case on their own ("a") are left as converted.
function keepLoneCapitals(fixed, props) {
  const alone = (letter) => new RegExp(`(?<![\\p{L}\\p{N}\\\\'\u2019-])${letter}(?![\\p{L}\\p{N}'\u2019-])`, "gu");
  for (const [variable, sources] of Object.entries(TITLE_SOURCES)) {
    const raw = sources.map((name) => props[name]).find((value) => typeof value === "string");
    if (typeof fixed[variable] !== "string" || !raw) continue;
    const capitals = new Set((raw.match(alone("\\p{Lu}")) || []));
    for (const capital of capitals) {
      const lower = capital.toLowerCase();
      if (lower === capital || alone(lower).test(raw)) continue;
      fixed[variable] = fixed[variable].replace(alone(lower), capital);
    }
  }
}

function fixBibtex(item, entry) {
  const fixed = fixCommon(item);
  keepLoneCapitals(fixed, entry.properties);
  fixed.id = entry.label;
  fixed["citation-key"] = entry.label;
  const genre = GENRES[(fixed.genre || "").toLowerCase()];
  if (genre) fixed.genre = genre;
  const props = entry.properties;
  const scheme = plain(props.eprinttype || props.archiveprefix).toLowerCase();
  const eprint = plain(props.eprint);
  if (eprint && EPRINTS[scheme]) EPRINTS[scheme](eprint, fixed);
  return fixed;
}

function fixRis(item) {
  const fixed = fixCommon(item);
  delete fixed._graph;
  return fixed;
}

module.exports = { languageFromLangid, fixBibtex, fixRis, LANGUAGES, GENRES };
