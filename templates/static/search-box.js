/* Live results under the header search box: as the reader types, the top articles appear in a
   list below it (an ARIA 1.2 combobox with a listbox of links), with a link to every result on
   the search page. Enter without a chosen result still submits the form to the search page.
   Pagefind is fetched on the box's first focus, so pages whose readers never search pay nothing. */

const MIN_CHARACTERS = 2;
const TYPING_DELAY_MS = 200;
const SHOWN_RESULTS = 5;
const EDGE_PX = 8; // the panel keeps this distance from the window's edges

const form = document.querySelector("form.search-box[data-pagefind-bundle]");
const input = form?.querySelector("input[type=search]");
if (form && input) setUp();

function setUp() {
  const words = JSON.parse(form.dataset.liveWords || "{}");
  const view = buildView(words);
  const live = { words, view, styled: null, loading: null, request: 0, timer: 0, active: -1, shownFor: null };
  form.append(view.panel, view.status);
  markCombobox(view);
  input.addEventListener("focus", () => { warmUp(live); reopen(live); });
  input.addEventListener("input", () => onTyping(live));
  input.addEventListener("keydown", (event) => onKey(live, event));
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) close(live);
  });
  // A press on a result must not take focus from the box first (that would close the list).
  view.panel.addEventListener("mousedown", (event) => event.preventDefault());
  window.addEventListener("resize", () => { if (!view.panel.hidden) place(view.panel); });
}

function say(words, key, values = {}) {
  let text = words[key] || key;
  for (const [name, value] of Object.entries(values)) text = text.replace(`{${name}}`, String(value));
  return text;
}

/* ---------- the list and its announcements ---------- */

function buildView(words) {
  const panel = element("div", "search-live");
  panel.id = "site-search-live";
  panel.hidden = true;
  const list = element("div", "search-live__list");
  list.id = "site-search-options";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", say(words, "live_results"));
  const note = element("p", "search-live__note");
  note.hidden = true;
  panel.append(list, note);
  const status = element("div", "visually-hidden");
  status.id = "site-search-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("aria-atomic", "true");
  return { panel, list, note, status };
}

function markCombobox(view) {
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", view.list.id);
}

function element(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/* ---------- loading on first use ---------- */

/* The list's styles live in search.css, which only pages with a search or find box link. */
function loadStyle(live) {
  if (!live.styled) {
    const href = form.dataset.liveStyle;
    live.styled = !href || isLinked(href) ? Promise.resolve() : new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.addEventListener("load", resolve);
      link.addEventListener("error", resolve); // unstyled beats absent
      document.head.append(link);
    });
  }
  return live.styled;
}

function loadPagefind(live) {
  if (!live.loading) {
    live.loading = (async () => {
      const bundle = new URL(form.dataset.pagefindBundle, window.location.href);
      const [module, entry] = await Promise.all([import(new URL("pagefind.js", bundle).href), bundleEntry(bundle)]);
      if (!Object.keys(entry.languages || {}).length) throw new EmptyArchive();
      // An instance of its own, so the search page's settings and this box's never mix.
      // Records carry their full served URL, so no prefix; no worker, which would be a second
      // copy of Pagefind's code to download (searching a few chunks is quick on the main thread).
      const settings = { baseUrl: "/", highlightParam: "highlight" };
      const instance = module.createInstance({ ...settings, noWorker: true });
      await instance.init();
      // A large archive's index comes in shards, which the entry lists; Pagefind merges them.
      const shards = entry.archivist_shards?.bundles || [];
      await Promise.all(shards.map((folder) => instance.mergeIndex(new URL(folder, bundle).pathname, settings)));
      return instance;
    })();
    // After a failed download a later focus tries again; an empty archive stays empty.
    live.loading.catch((error) => { if (!(error instanceof EmptyArchive)) live.loading = null; });
  }
  return live.loading;
}

function isLinked(href) {
  const path = new URL(href, window.location.href).pathname;
  return [...document.querySelectorAll("link[rel=stylesheet]")].some((link) => new URL(link.href).pathname === path);
}

function warmUp(live) {
  loadStyle(live);
  loadPagefind(live).catch(() => {});
}

/* Thrown when the bundle holds no index at all: an archive with no articles yet. */
class EmptyArchive extends Error {}

/* Pagefind fails to start on a bundle without an index, so look before starting it. */
async function bundleEntry(bundle) {
  const response = await fetch(new URL("pagefind-entry.json", bundle), { cache: "no-cache" });
  if (!response.ok) throw new Error(`pagefind-entry.json: HTTP ${response.status}`);
  return response.json();
}

function onTyping(live) {
  window.clearTimeout(live.timer);
  warmUp(live);
  live.timer = window.setTimeout(() => search(live), TYPING_DELAY_MS);
}

function typedQuery() {
  const query = input.value.trim();
  return [...query].length >= MIN_CHARACTERS ? query : "";
}

async function search(live) {
  const number = ++live.request;
  const query = typedQuery();
  if (!query) {
    live.shownFor = null;
    close(live);
    live.view.status.textContent = "";
    return;
  }
  try {
    const [pagefind] = await Promise.all([loadPagefind(live), loadStyle(live)]);
    const outcome = await pagefind.search(query);
    if (outcome === null || number !== live.request) return; // a newer search has started
    const records = await Promise.all(outcome.results.slice(0, SHOWN_RESULTS).map((r) => r.data()));
    if (number !== live.request) return;
    show(live, query, records, outcome.results.length);
  } catch (error) {
    if (number === live.request) showNote(live, say(live.words, error instanceof EmptyArchive ? "live_empty" : "live_unavailable"));
  }
}

/* ---------- drawing ---------- */

function show(live, query, records, total) {
  const { list, status } = live.view;
  const options = records.map((record, index) => resultOption(record, index, query));
  if (total > 0) options.push(allResultsOption(live.words, query, total, options.length));
  list.replaceChildren(...options);
  live.active = -1;
  live.shownFor = query;
  const key = total === 0 ? "live_none" : total === 1 ? "live_count_one" : "live_count";
  status.textContent = say(live.words, key, { count: total, query });
  live.view.note.textContent = total === 0 ? status.textContent : "";
  live.view.note.hidden = total > 0;
  open(live);
}

function showNote(live, text) {
  live.view.list.replaceChildren();
  live.view.note.textContent = text;
  live.view.note.hidden = false;
  live.view.status.textContent = text;
  live.shownFor = null;
  open(live);
}

function resultOption(record, index, query) {
  const meta = record.meta || {};
  const option = optionLink(index, highlightedUrl(record.url, query));
  option.append(textSpan("search-live__title", meta.title || record.url));
  const source = [meta.authors, meta.journal, meta.year].filter(Boolean).join(" · ");
  if (source) option.append(textSpan("search-live__source", source));
  return option;
}

function allResultsOption(words, query, total, index) {
  const target = new URL(form.action, window.location.href);
  target.search = new URLSearchParams({ q: query }).toString();
  const option = optionLink(index, target.pathname + target.search);
  option.classList.add("search-live__all");
  option.textContent = say(words, total === 1 ? "live_all_one" : "live_all", { count: total });
  return option;
}

function optionLink(index, href) {
  const option = element("a", "search-live__option");
  option.id = `site-search-option-${index}`;
  option.href = href;
  option.setAttribute("role", "option");
  option.setAttribute("aria-selected", "false");
  option.tabIndex = -1; // the box keeps focus; arrow keys move the active option
  return option;
}

function textSpan(className, text) {
  const span = element("span", className);
  span.textContent = text;
  return span;
}

/* The reader's words, recomposed (Pagefind's own form splits Hangul into jamo), as the
   terms the article page highlights. */
function highlightedUrl(raw, query) {
  const url = new URL(raw, window.location.href);
  url.searchParams.delete("highlight");
  for (const term of query.normalize("NFC").split(/\s+/).filter(Boolean)) url.searchParams.append("highlight", term);
  return url.pathname + url.search + url.hash;
}

/* ---------- opening, closing, moving ---------- */

function open(live) {
  const { panel, list } = live.view;
  panel.hidden = false;
  input.setAttribute("aria-expanded", String(list.children.length > 0));
  place(panel);
}

function close(live) {
  live.view.panel.hidden = true;
  input.setAttribute("aria-expanded", "false");
  setActive(live, -1);
}

function reopen(live) {
  if (live.shownFor && live.shownFor === typedQuery() && live.view.list.children.length) open(live);
}

/* Under the box, as wide as fits, never past the window's edges (the box may sit anywhere). */
function place(panel) {
  const box = form.getBoundingClientRect();
  const room = document.documentElement.clientWidth;
  const width = Math.min(Math.max(box.width, 480), room - 2 * EDGE_PX);
  const left = Math.min(Math.max(box.right - width, EDGE_PX), room - EDGE_PX - width);
  panel.style.width = `${width}px`;
  panel.style.left = `${left - box.left}px`;
}

function setActive(live, index) {
  const options = [...live.view.list.children];
  options.forEach((option, at) => option.setAttribute("aria-selected", String(at === index)));
  live.active = index;
  if (index < 0) {
    input.removeAttribute("aria-activedescendant");
    return;
  }
  input.setAttribute("aria-activedescendant", options[index].id);
  options[index].scrollIntoView({ block: "nearest" });
}

function onKey(live, event) {
  const count = live.view.list.children.length;
  const isOpen = !live.view.panel.hidden;
  if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count && !event.altKey) {
    event.preventDefault();
    if (!isOpen) open(live);
    const step = event.key === "ArrowDown" ? 1 : -1;
    const from = live.active < 0 ? (step > 0 ? -1 : count) : live.active;
    setActive(live, (from + step + count) % count);
  } else if (event.key === "Enter" && isOpen && live.active >= 0) {
    event.preventDefault();
    window.location.assign(live.view.list.children[live.active].href);
  } else if (event.key === "Escape" && isOpen) {
    event.preventDefault(); // the first Escape closes the list; the next clears the box
    close(live);
  }
}
