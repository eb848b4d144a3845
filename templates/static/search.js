/* The archive's search page: Pagefind's JS API behind an accessible form, facets and results.
   The address bar always holds the query, filters and sort, so a search can be shared,
   bookmarked, reloaded and left with the back button. */

const FACETS = ["author", "journal", "year", "keyword", "type", "language"];
const SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };
// Each result's excerpt comes from its page's fragment, a gzipped copy of the whole article
// (~30 KB for a long one), so the first batch is small and "Show more" fetches the rest.
const FIRST_BATCH = 5;
const PAGE_SIZE = 10;
const TYPING_DELAY_MS = 250;

const app = document.getElementById("search-app");
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const sortSelect = document.getElementById("search-sort");
const statusLine = document.getElementById("search-status");
const resultList = document.getElementById("search-results");
const facetBox = document.getElementById("search-facets");
const facetToggle = document.getElementById("search-facets-toggle");
const layout = app.querySelector(".search-layout");
const moreButton = document.getElementById("search-more");
const words = JSON.parse(app.dataset.labels || "{}");

let pagefind = null;
let state = readState(window.location.search);
let found = [];
let shown = 0;
let searchNumber = 0;
let facetsLoaded = null; // Pagefind's every filter chunk, fetched when the facets first open

function say(key, values = {}) {
  let text = words[key] || key;
  for (const [name, value] of Object.entries(values)) {
    text = text.replace(`{${name}}`, String(value));
  }
  return text;
}

/* ---------- state <-> address bar ---------- */

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const facet of FACETS) {
    const values = params.getAll(facet).filter(Boolean);
    if (values.length) filters[facet] = values;
  }
  const sort = params.get("sort");
  return { q: params.get("q") || "", filters, sort: sort in SORTS ? sort : "" };
}

function stateQuery(current) {
  const params = new URLSearchParams();
  if (current.q) params.set("q", current.q);
  for (const facet of FACETS) {
    for (const value of current.filters[facet] || []) params.append(facet, value);
  }
  if (current.sort) params.set("sort", current.sort);
  const text = params.toString();
  return text ? `?${text}` : window.location.pathname;
}

function remember(push) {
  const target = stateQuery(state);
  if (target === window.location.search || (target === window.location.pathname && !window.location.search)) return;
  history[push ? "pushState" : "replaceState"](null, "", target);
}

/* ---------- talking to Pagefind ---------- */

/* Thrown when the bundle holds no index at all: an archive with no articles yet. */
class EmptyArchive extends Error {}

/* A large archive's index is split into shards (see archivist/search/shards.py): the bundle's
   entry file lists them, and the bundle's pagefind.js merges them into one search, ranked as one
   index would rank it. */
let shards = null;

async function loadPagefind() {
  const bundle = new URL(app.dataset.bundle, window.location.href);
  const [module, entry] = await Promise.all([import(new URL("pagefind.js", bundle).href), bundleEntry(bundle)]);
  if (!Object.keys(entry.languages || {}).length) throw new EmptyArchive();
  // Records carry their full served URL (with the site's sub-path), so no prefix is added.
  const settings = { baseUrl: "/", excerptLength: 24, highlightParam: "highlight" };
  // No worker: it would be a second copy of Pagefind's code to download, and searching the
  // few chunks a query needs is quick on the main thread.
  await module.options({ ...settings, noWorker: true });
  await module.init();
  const listed = entry.archivist_shards;
  shards = listed ? { bundles: listed.bundles || [], orderFile: listed.order, bundle, order: null } : null;
  await Promise.all((shards?.bundles || []).map((folder) => module.mergeIndex(new URL(folder, bundle).pathname, settings)));
  return module;
}

/* Pagefind fails to start on a bundle without an index, so look before starting it. */
async function bundleEntry(bundle) {
  const response = await fetch(new URL("pagefind-entry.json", bundle), { cache: "no-cache" });
  if (!response.ok) throw new Error(`pagefind-entry.json: HTTP ${response.status}`);
  return response.json();
}

/* In a sorted search each shard scores a result by its page's place in that shard's own sort
   order, and the merged search interleaves the shards by that score. The bundle's order table
   maps (shard, place) to the page's place in the whole archive; the shard is in the page id. */
async function inGlobalOrder(results, sort) {
  const [key, direction] = Object.entries(sort)[0] || [];
  if (!key || !shards?.orderFile) return results;
  const table = (await orderTable())[key];
  if (!table) return results;
  const ranked = results.map((result) => [globalRank(table, result), result]);
  if (ranked.some(([rank]) => rank === undefined)) return results;
  ranked.sort((a, b) => (direction === "asc" ? a[0] - b[0] : b[0] - a[0]));
  return ranked.map(([, result]) => result);
}

function globalRank(table, result) {
  const shard = /_s(\d+)-[^_]*$/.exec(result.id);
  return shard ? table[Number(shard[1])]?.[Math.round(Math.abs(result.score))] : undefined;
}

/* Fetched on the first sorted search only; stored as gaps between ranks, which only grow. */
function orderTable() {
  if (!shards.order) {
    shards.order = fetch(new URL(shards.orderFile, shards.bundle)).then((response) => {
      if (!response.ok) throw new Error(`${shards.orderFile}: HTTP ${response.status}`);
      return response.json();
    }).then((tables) => Object.fromEntries(Object.entries(tables).map(([key, perShard]) => [key, perShard.map(ranksFromGaps)])));
  }
  return shards.order;
}

function ranksFromGaps(gaps) {
  let rank = -1;
  return gaps.map((gap) => (rank += gap));
}

function pagefindFilters(filters) {
  const out = {};
  for (const [facet, values] of Object.entries(filters)) {
    if (values.length) out[facet] = { any: values };
  }
  return out;
}

function hasFilters(current) {
  return Object.keys(current.filters).length > 0;
}

function hasRequest(current) {
  return Boolean(current.q.trim()) || hasFilters(current);
}

async function runSearch() {
  const number = ++searchNumber;
  if (!hasRequest(state)) {
    showIdle();
    return;
  }
  statusLine.textContent = say("search_searching");
  const options = { filters: pagefindFilters(state.filters), sort: SORTS[state.sort] || {} };
  const outcome = await pagefind.search(state.q.trim() || null, options);
  if (number !== searchNumber || outcome === null) return; // a newer search has started
  const results = await inGlobalOrder(outcome.results, options.sort);
  if (number !== searchNumber) return;
  found = results;
  shown = 0;
  resultList.replaceChildren();
  renderFacets(outcome.filters, outcome.totalFilters);
  await showMore(number);
  announce();
}

function showIdle() {
  found = [];
  shown = 0;
  resultList.replaceChildren();
  moreButton.hidden = true;
  statusLine.textContent = say("search_prompt");
  if (facetsLoaded) facetsLoaded.then((all) => renderFacets(all, all));
}

function announce() {
  if (!found.length) {
    statusLine.textContent = state.q ? say("search_none", { query: state.q }) : say("search_none_filtered");
    return;
  }
  const key = found.length === 1 ? "search_count_one" : "search_count";
  statusLine.textContent = say(key, { count: found.length, query: state.q });
}

async function showMore(number) {
  const batch = found.slice(shown, shown + (shown === 0 ? FIRST_BATCH : PAGE_SIZE));
  const records = await Promise.all(batch.map((result) => result.data()));
  if (number !== searchNumber) return;
  const firstNew = shown;
  for (const record of records) resultList.append(resultItem(record));
  shown += records.length;
  moreButton.hidden = shown >= found.length;
  return firstNew;
}

/* ---------- drawing results ---------- */

function resultItem(record) {
  const meta = record.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result__title";
  const link = document.createElement("a");
  link.href = highlightedUrl(record.url);
  link.textContent = meta.title || record.url;
  heading.append(link);
  item.append(heading);
  const source = [meta.authors, meta.journal, meta.year].filter(Boolean).join(" · ");
  if (source) item.append(paragraph("search-result__source", source));
  const excerpt = paragraph("search-result__excerpt", "");
  excerpt.append(...safeExcerpt(record.excerpt || ""));
  item.append(excerpt);
  return item;
}

/* Pagefind adds its own, normalised form of the terms (Hangul split into jamo, accents
   removed); the reader's own words, recomposed, are what the article page can find. */
function highlightedUrl(raw) {
  const url = new URL(raw, window.location.href);
  url.searchParams.delete("highlight");
  for (const term of state.q.normalize("NFC").trim().split(/\s+/).filter(Boolean)) {
    url.searchParams.append("highlight", term);
  }
  return url.pathname + url.search + url.hash;
}

function paragraph(className, text) {
  const node = document.createElement("p");
  node.className = className;
  node.textContent = text;
  return node;
}

/* Only text and <mark> survive from the excerpt; a template never runs what it parses. */
function safeExcerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = [];
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(document.createTextNode(node.textContent));
    } else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.push(mark);
    } else {
      out.push(document.createTextNode(node.textContent || ""));
    }
  }
  return out;
}

/* ---------- facets ---------- */

function renderFacets(counts, totals) {
  if (!facetsLoaded) return;
  const groups = [];
  for (const facet of FACETS) {
    const group = facetGroup(facet, counts[facet] || {}, totals[facet] || {});
    if (group) groups.push(group);
  }
  const focused = document.activeElement && facetBox.contains(document.activeElement) ? document.activeElement.id : null;
  facetBox.replaceChildren(...groups);
  if (focused) document.getElementById(focused)?.focus();
}

function facetGroup(facet, counts, totals) {
  const chosen = state.filters[facet] || [];
  const values = Object.keys(totals).filter((v) => counts[v] > 0 || chosen.includes(v));
  for (const value of chosen) if (!values.includes(value)) values.push(value);
  if (!values.length) return null;
  values.sort(facetOrder(facet, counts));
  const fieldset = document.createElement("fieldset");
  fieldset.className = "search-facet";
  const legend = document.createElement("legend");
  legend.textContent = say(`search_facet_${facet}`);
  fieldset.append(legend);
  const list = document.createElement("ul");
  values.forEach((value, index) => list.append(facetOption(facet, value, counts[value] || 0, index)));
  fieldset.append(list);
  return fieldset;
}

function facetOrder(facet, counts) {
  if (facet === "year") return (a, b) => b.localeCompare(a);
  return (a, b) => (counts[b] || 0) - (counts[a] || 0) || a.localeCompare(b);
}

function facetOption(facet, value, count, index) {
  const item = document.createElement("li");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = `facet-${facet}-${index}-${slugPart(value)}`;
  box.name = facet;
  box.value = value;
  box.checked = (state.filters[facet] || []).includes(value);
  const label = document.createElement("label");
  label.htmlFor = box.id;
  label.append(document.createTextNode(value + " "));
  const number = document.createElement("span");
  number.className = "search-facet__count";
  number.textContent = `(${count})`;
  label.append(number);
  item.append(box, label);
  return item;
}

function slugPart(value) {
  let hash = 0;
  for (const ch of value) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash.toString(36);
}

/* Facet counts need every filter chunk (per value, the pages that have it), so they are fetched
   only when the reader opens the facets, or arrives with filters already chosen. */
async function setFacetsOpen(open) {
  facetToggle.setAttribute("aria-expanded", String(open));
  facetBox.hidden = !open;
  layout.classList.toggle("search-layout--facets", open);
  if (!open || facetsLoaded) return;
  facetsLoaded = pagefind.filters();
  await facetsLoaded;
  await runSearch();
}

function toggleFacet(box) {
  const values = new Set(state.filters[box.name] || []);
  if (box.checked) values.add(box.value); else values.delete(box.value);
  const filters = { ...state.filters };
  if (values.size) filters[box.name] = [...values]; else delete filters[box.name];
  state = { ...state, filters };
  remember(true);
  runSearch();
}

/* ---------- wiring ---------- */

function showState() {
  input.value = state.q;
  sortSelect.value = state.sort;
}

let typingTimer = 0;

function onTyping() {
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(() => {
    state = { ...state, q: input.value };
    remember(false);
    runSearch();
  }, TYPING_DELAY_MS);
}

function onSubmit(event) {
  event.preventDefault();
  window.clearTimeout(typingTimer);
  state = { ...state, q: input.value };
  remember(true);
  runSearch();
}

async function onMore() {
  const firstNew = await showMore(searchNumber);
  // Keyboard users land on the first new result instead of the top of the page.
  resultList.children[firstNew]?.querySelector("a")?.focus();
}

async function start() {
  showState();
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    if (error instanceof EmptyArchive) {
      statusLine.textContent = say("search_empty");
      return;
    }
    statusLine.textContent = say("search_unavailable");
    throw error;
  }
  form.addEventListener("submit", onSubmit);
  input.addEventListener("input", onTyping);
  sortSelect.addEventListener("change", () => {
    state = { ...state, sort: sortSelect.value };
    remember(true);
    runSearch();
  });
  facetBox.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox]")) toggleFacet(event.target);
  });
  moreButton.addEventListener("click", onMore);
  facetToggle.addEventListener("click", () => setFacetsOpen(facetToggle.getAttribute("aria-expanded") !== "true"));
  window.addEventListener("popstate", () => {
    state = readState(window.location.search);
    showState();
    if (hasFilters(state) && !facetsLoaded) setFacetsOpen(true);
    else runSearch();
  });
  if (hasRequest(state)) statusLine.textContent = say("search_searching");
  app.classList.add("search-app--ready");
  if (hasFilters(state)) await setFacetsOpen(true);
  else await runSearch();
}

start();
