/* The archive's entry to its search index: Pagefind's API (options, init, mergeIndex, search,
   filters, createInstance, ...) over Pagefind's own script, pagefind-engine.js, with results
   ranked on the whole archive's statistics.

   The index comes in shards (archivist/search/shards.py), which Pagefind searches one by one and
   merges by score. Each shard scores a term's rarity on its own pages, so a name that one shard
   holds often and another seldom would rank the same pages differently in another split. Here
   every term of the query is also searched alone: a page's score for that term, divided by the
   rarity its shard gave it, is what the page itself contributes (the term's weight in its text,
   plus its fields), and the term's rarity over the whole archive multiplies it again. Page
   counts and average page length are the archive's in every shard already (statistics.py).
   The directory (directory.py), searched with each term, names the shards whose matches count:
   a shard that holds no word beginning with the term would otherwise match a shorter word
   instead (the 'j' of an initial for 'jarvis'). An archive in one shard is ranked the same way,
   so the number of shards never changes what a search finds or its order.

   A search sorted by date keeps Pagefind's sort scores (the search page puts them in the
   archive's order with the shards' order table); it only loses the matches that do not count.
   Field weights: the title counts five times the text (Pagefind's default) and so do the
   authors' names, so a name finds what its person wrote before what cites or was edited by them.

   A shard is fetched only when a search needs it. The page's script asks for every shard to be
   merged; each waits here until a term of a search is in the shard's vocabulary (the directory
   says so), or until filters or a search without words need the whole archive. A shard that holds
   no word a term matches contributes nothing that counts, so leaving it unfetched changes no
   result and no score, while a query for a rare name fetches one shard's word index and page
   list instead of every shard's. */

import * as engine from "./pagefind-engine.js";

const HERE = new URL("./", import.meta.url);
const FIELD_WEIGHTS = { title: 5, authors: 5 };
const SHARD_TAG = /_s(\d+)-/;
const DIRECTORY_PAGE = /_dir-(\d+)$/;
const SHARD_FOLDER = /shard-(\d+)\/$/;
const PUNCTUATION = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u; // as Pagefind strips a query
const SEGMENTED_LANGUAGES = ["zh", "ja", "th"]; // queried word by word, as Pagefind does
const SIGNIFICANT_DIGITS = 6; // Pagefind scores in 32-bit floats: agree to about seven digits
const AFTER_EVERY_WORD = "\u{10FFFF}"; // sorts after every word that begins with what precedes it
const STEM_CUT = 3; // a stem drops at most about this many letters of the word

/* BM25's rarity of a term that `having` of `pages` pages match, as Pagefind computes it. */
function rarity(pages, having) {
  return Math.log((pages - having + 0.5) / (having + 0.5) + 1);
}

function shardOf(id) {
  const tag = SHARD_TAG.exec(id);
  return tag ? Number(tag[1]) : 0;
}

/* The page's id without its shard's tag: the same page in any split (a tie's last resort). */
function pageKey(id) {
  return id.replace(SHARD_TAG, "_");
}

function language() {
  return (globalThis.document?.documentElement?.getAttribute("lang") || "unknown").toLowerCase();
}

/* The query's words as Pagefind reads them: lower case, without punctuation, split at spaces
   (or into words, for languages written without them). */
function queryTerms(query, keep) {
  const lang = language();
  const Segmenter = globalThis.Intl?.Segmenter;
  const words = SEGMENTED_LANGUAGES.includes(lang.split("-")[0]) && Segmenter
    ? [...new Segmenter(lang, { granularity: "word" }).segment(query)].map((part) => part.segment)
    : query.split(/\s+/);
  const graphemes = (word) => (Segmenter ? [...new Segmenter(lang, { granularity: "grapheme" }).segment(word)].map((g) => g.segment) : [...word]);
  const terms = words.map((word) => graphemes(word)
    .filter((g) => keep.includes(g) || !PUNCTUATION.test(g))
    .map((g) => (keep.includes(g) ? g : g.toLocaleLowerCase())).join("").trim());
  return [...new Set(terms.filter((term) => term && !/\s/.test(term)))];
}

function hasKeys(value) {
  return Boolean(value) && Object.keys(value).length > 0;
}

/* Points just past the words that begin with the term or with its likely stems. Pagefind loads
   the index chunk that holds a term's own place in the word list, and matches the words there
   that begin with the term; words further on, in the next chunk, would count in one split of
   the archive and not in another. Loading the chunks that hold these points too makes the
   words matched the same in any split (unless a term begins more words than two chunks hold). */
function chunkEnds(terms) {
  const ends = new Set();
  for (const term of terms) {
    const letters = [...term];
    for (let cut = 0; cut <= Math.min(STEM_CUT, letters.length - 1); cut++) {
      ends.add(letters.slice(0, letters.length - cut).join("") + AFTER_EVERY_WORD);
    }
  }
  return [...ends].join(" ");
}

/* The shards the directory's results name: those holding a word the term matches. */
function directoryShards(outcome) {
  const holding = new Set();
  for (const result of outcome?.results || []) {
    const directory = DIRECTORY_PAGE.exec(result.id);
    if (directory) holding.add(Number(directory[1]));
  }
  return holding;
}

/* What one term's own search tells: the shards whose matches count (all, without a directory),
   how many pages each matched, and each page's score and matched fields. */
function termStatistics(outcome, hasDirectory) {
  const counting = hasDirectory ? directoryShards(outcome) : null;
  const counts = new Map();
  const pages = new Map();
  for (const result of outcome.results) {
    if (DIRECTORY_PAGE.test(result.id)) continue;
    const shard = shardOf(result.id);
    counts.set(shard, (counts.get(shard) || 0) + 1);
    pages.set(result.id, { score: result.score, fields: result.matchedMetaFields || [] });
  }
  const holds = (shard) => !counting || counting.has(shard);
  const archive = [...counts].filter(([shard]) => holds(shard)).reduce((sum, [, n]) => sum + n, 0);
  return { matchedIn: (shard) => counts.get(shard) || 0, pages, holds, archive };
}

class ArchiveSearch {
  constructor(options = {}) {
    const { basePath, ranking, ...rest } = options;
    this.base = new URL(basePath || HERE.pathname, HERE);
    this.weights = { ...FIELD_WEIGHTS, ...(ranking?.metaWeights || {}) };
    this.ranking = { ...(ranking || {}), metaWeights: this.weights };
    this.engine = engine.createInstance({ ...rest, basePath: this.base.pathname, ranking: this.ranking });
    this.table = null; // archivist_shards of the entry file: the shards, directory, page count
    this.keep = [];
    this.waiting = new Map(); // shard number -> [index path, options]: asked for, not yet merged
    this.merging = new Map(); // shard number -> its merge, once started
    this.started = null;
    this.searchNumber = 0;
  }

  /* Later options reach the primary index, as in Pagefind; field weights also reach the shards
     merged after them, and the scores computed here. */
  async options(options) {
    if (!options.ranking) return this.engine.options(options);
    Object.assign(this.weights, options.ranking.metaWeights || {});
    this.ranking = { ...this.ranking, ...options.ranking, metaWeights: this.weights };
    return this.engine.options({ ...options, ranking: this.ranking });
  }

  init() {
    if (!this.started) this.started = this.start();
    return this.started;
  }

  async start() {
    await this.engine.init();
    const response = await fetch(new URL("pagefind-entry.json", this.base), { cache: "no-cache" });
    const entry = response.ok ? await response.json() : {};
    this.keep = entry.include_characters || [];
    this.table = entry.archivist_shards || null;
    if (this.table?.directory) {
      await this.engine.mergeIndex(new URL(this.table.directory, this.base).pathname, { ranking: this.ranking });
    }
  }

  /* One of the archive's shards waits until a search needs it; any other index is merged now. */
  async mergeIndex(indexPath, options = {}) {
    await this.init();
    const number = this.shardAt(indexPath);
    if (number === null) return this.engine.mergeIndex(indexPath, { ...options, ranking: this.ranking });
    if (!this.merging.has(number)) this.waiting.set(number, [indexPath, options]);
    return undefined;
  }

  /* The number of the archive's shard published at `indexPath`, or null for another index. */
  shardAt(indexPath) {
    if (!this.table?.directory) return null;
    for (const folder of this.table.bundles || []) {
      const number = SHARD_FOLDER.exec(folder);
      if (number && new URL(folder, this.base).pathname === indexPath) return Number(number[1]);
    }
    return null;
  }

  /* Merge the waiting shards among `numbers` (every one when null), and wait for all of those
     already merging: each shard is fetched once, however many searches ask for it at once. */
  async mergeShards(numbers) {
    for (const [number, [indexPath, options]] of [...this.waiting]) {
      if (numbers && !numbers.has(number)) continue;
      this.waiting.delete(number);
      this.merging.set(number, this.engine.mergeIndex(indexPath, { ...options, ranking: this.ranking }));
    }
    await Promise.all([...this.merging].filter(([number]) => !numbers || numbers.has(number)).map(([, merge]) => merge));
  }

  /* The shards that hold a word some term matches, as the directory names them: the union, so each
     term's count over the archive is the one every shard loaded would give. */
  async shardsFor(terms) {
    const holding = new Set();
    for (const word of terms) {
      for (const shard of directoryShards(await this.engine.search(word))) holding.add(shard);
    }
    return holding;
  }

  async filters() {
    await this.init();
    await this.mergeShards(null);
    return this.engine.filters();
  }

  async preload(term, options = {}) {
    await this.init();
    return this.engine.preload(term, options);
  }

  async destroy() {
    return this.engine.destroy();
  }

  async debouncedSearch(term, options = {}, delay = 300) {
    const number = ++this.searchNumber;
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (number !== this.searchNumber) return null;
    const outcome = await this.search(term, options);
    return number === this.searchNumber ? outcome : null;
  }

  async search(term, options = {}) {
    await this.init();
    const terms = typeof term === "string" ? queryTerms(term, this.keep) : [];
    if (terms.length) await this.engine.preload(chunkEnds(terms));
    if (this.waiting.size) {
      await this.mergeShards(terms.length ? await this.shardsFor(terms) : null);
      if (terms.length) await this.engine.preload(chunkEnds(terms)); // in the shards just merged
    } else {
      await this.mergeShards(null); // those another search started
    }
    const outcome = await this.engine.search(term, options);
    if (!outcome || !terms.length || !this.table?.pages) return outcome && this.withoutDirectory(outcome);
    const alone = !hasKeys(options.filters) && !hasKeys(options.sort) && terms.length === 1;
    const statistics = [];
    for (const word of terms) {
      // One at a time: a Pagefind instance loads index chunks between its own awaits.
      statistics.push(termStatistics(alone ? outcome : await this.engine.search(word), Boolean(this.table.directory)));
    }
    const counted = (result) => !DIRECTORY_PAGE.test(result.id)
      && statistics.every((stats) => stats.holds(shardOf(result.id)) && stats.pages.has(result.id));
    const results = outcome.results.filter(counted);
    const unfilteredResultCount = [...statistics[0].pages.keys()]
      .filter((id) => statistics.every((stats) => stats.holds(shardOf(id)) && stats.pages.has(id))).length;
    const ranked = hasKeys(options.sort) ? results : this.ranked(results, statistics);
    return { ...outcome, results: ranked, unfilteredResultCount };
  }

  withoutDirectory(outcome) {
    return { ...outcome, results: outcome.results.filter((result) => !DIRECTORY_PAGE.test(result.id)) };
  }

  /* The results in the order of their scores over the whole archive (see the top of this file). */
  ranked(results, statistics) {
    const pages = this.table.pages;
    const archive = statistics.map((stats) => rarity(pages, stats.archive));
    const total = archive.reduce((sum, value) => sum + value, 0);
    const scored = results.map((result) => {
      const shard = shardOf(result.id);
      const fields = new Map();
      let score = 0;
      statistics.forEach((stats, at) => {
        const { score: own, fields: matched } = stats.pages.get(result.id);
        const boost = matched.reduce((sum, field) => sum + this.weight(field), 0);
        score += archive[at] * (own / rarity(pages, stats.matchedIn(shard)) - boost);
        for (const field of matched) fields.set(field, (fields.get(field) || 0) + archive[at]);
      });
      for (const [field, matched] of fields) score += (this.weight(field) * matched ** 3) / total ** 2;
      return { ...result, score: Number(score.toPrecision(SIGNIFICANT_DIGITS)), key: pageKey(result.id) };
    });
    scored.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return scored.map(({ key, ...result }) => result);
  }

  weight(field) {
    return this.weights[field] ?? 1;
  }
}

/* ---------- Pagefind's module API ---------- */

let shared = null;
let initialOptions = {};

function instance() {
  if (!shared) shared = new ArchiveSearch(initialOptions);
  return shared;
}

export const options = async (given) => {
  if (shared) await shared.options(given);
  else initialOptions = { ...initialOptions, ...given };
};
export const init = async () => instance().init();
export const destroy = async () => {
  if (shared) await shared.destroy();
  shared = null;
  initialOptions = {};
};
export const mergeIndex = async (indexPath, given = {}) => instance().mergeIndex(indexPath, given);
export const search = async (term, given = {}) => instance().search(term, given);
export const debouncedSearch = async (term, given = {}, delay = 300) => instance().debouncedSearch(term, given, delay);
export const preload = async (term, given = {}) => instance().preload(term, given);
export const filters = async () => instance().filters();

export const createInstance = (given = {}) => {
  const own = new ArchiveSearch(given);
  return {
    options: (more) => own.options(more),
    init: () => own.init(),
    destroy: () => own.destroy(),
    mergeIndex: (indexPath, more = {}) => own.mergeIndex(indexPath, more),
    search: (term, more = {}) => own.search(term, more),
    debouncedSearch: (term, more = {}, delay = 300) => own.debouncedSearch(term, more, delay),
    preload: (term, more = {}) => own.preload(term, more),
    filters: () => own.filters(),
  };
};
