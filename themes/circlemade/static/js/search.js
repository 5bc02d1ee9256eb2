/* The search page: Pagefind's JavaScript API, results in the page's language only (Pagefind
   loads the index of <html lang>), an optional filter by kind, the query kept in the URL
   and carried by the language switch, each result labelled with its kind (the labels are
   the options of the kind choice, one list: models.SEARCH_KINDS), every result reachable
   through "More results" (a batch at a time), and the number of results announced through
   the role="status" line. */
const BATCH = 30;          // results whose data is loaded at a time
const form = document.querySelector("form.search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const input = document.getElementById("search-q");
const kind = document.getElementById("search-kind");
const more = document.getElementById("search-more");
const lang = form.dataset.lang;
const plural = new Intl.PluralRules(lang);
const number = new Intl.NumberFormat(lang);
const labels = {};
for (const option of kind.options) {
  if (option.value) { labels[option.value] = option.dataset.result; }
}
const switches = Array.from(document.querySelectorAll(".lang-switch a[hreflang]"), (link) => {
  return { link, base: link.getAttribute("href").split(/[?#]/)[0] };
});
let pagefind = null;
let current = null;        // the search shown: its results, where it is in them, its total
let runs = 0;              // a newer run makes an older one stop

document.querySelector(".search-nojs").hidden = true;

function countText(count) {
  const template = form.dataset["count" + (plural.select(count) === "one" ? "One" : "Other")];
  return template.replace("{count}", number.format(count));
}

function item(data) {
  const li = document.createElement("li");
  const meta = data.meta || {};
  if (labels[meta.kind]) {
    const label = document.createElement("p");
    label.className = "search-result-kind";
    label.textContent = labels[meta.kind];
    li.append(label);
  }
  const link = document.createElement("a");
  link.href = meta.link || data.url;
  link.textContent = meta.title || data.url;
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  heading.append(link);
  li.append(heading);
  if (meta.member) {
    const by = document.createElement("p");
    by.className = "card-by";
    by.textContent = meta.member;
    li.append(by);
  }
  const excerpt = document.createElement("p");
  // Pagefind's excerpt is our own indexed text, escaped, with <mark> around the matches
  excerpt.innerHTML = data.excerpt;
  li.append(excerpt);
  return li;
}

/* The next results of `search`: BATCH of them, of the chosen kind (the kind is metadata,
   read with each result's data, so a kind looks further down the ranking). */
async function nextBatch(search, run) {
  const found = search.pending.splice(0);       // matches read last time beyond the batch
  while (found.length < BATCH && search.next < search.results.length) {
    const pool = search.results.slice(search.next, search.next + BATCH);
    search.next += pool.length;
    const loaded = await Promise.all(pool.map((r) => r.data()));
    if (run !== runs) { return null; }
    found.push(...loaded.filter((d) => !search.kind || (d.meta && d.meta.kind === search.kind)));
  }
  search.pending = found.splice(BATCH);
  search.shown += found.length;
  return found;
}

function exhausted(search) {
  return search.next >= search.results.length && !search.pending.length;
}

function updateSwitch(params) {
  const query = params.toString();
  for (const { link, base } of switches) {
    link.setAttribute("href", base + (query ? "?" + query : ""));
  }
}

async function run(push) {
  const run = ++runs;
  const query = input.value.trim();
  const params = new URLSearchParams();
  if (query) { params.set("q", query); }
  if (kind.value) { params.set("kind", kind.value); }
  const url = location.pathname + (params.toString() ? "?" + params : "");
  if (push && url !== location.pathname + location.search) { history.pushState(null, "", url); }
  updateSwitch(params);
  list.replaceChildren();
  more.hidden = true;
  current = null;
  if (!query) { status.textContent = ""; return; }
  if (!pagefind) { pagefind = loadIndex().catch((error) => { pagefind = null; throw error; }); }
  const index = await pagefind;
  const search = await index.search(query);
  if (run !== runs) { return; }
  const state = { results: search.results, next: 0, shown: 0, pending: [], kind: kind.value };
  const shown = await nextBatch(state, run);
  if (shown === null) { return; }
  current = state;
  list.replaceChildren(...shown.map(item));
  more.hidden = exhausted(state);
  // with a kind chosen the total is known only once every result's kind is read: until
  // then the line says how many are shown
  status.textContent = !shown.length && more.hidden ? form.dataset.none : totalText(state);
}

// Pagefind, once: the main bundle, then the members' parts of the index (data-merge), each
// searched with it; a part that is missing is skipped.
async function loadIndex() {
  const loaded = await import(form.dataset.bundle);
  await loaded.options({ excerptLength: 24 });
  for (const bundle of (form.dataset.merge || "").split(" ").filter(Boolean)) {
    try { await loaded.mergeIndex(bundle); } catch (error) { /* not built */ }
  }
  return loaded;
}

function totalText(state) {
  if (!state.kind) { return countText(state.results.length); }
  if (exhausted(state)) { return countText(state.shown); }
  return form.dataset.shown.replace("{count}", countText(state.shown));
}

more.addEventListener("click", async () => {
  if (!current) { return; }
  const run = runs;
  const before = list.children.length;
  const found = await nextBatch(current, run);
  if (found === null) { return; }
  list.append(...found.map(item));
  more.hidden = exhausted(current);
  if (current.kind) { status.textContent = totalText(current); }
  // the keyboard goes on from the first new result (the button may be gone)
  const first = list.children[before];
  if (first) { first.querySelector("a").focus(); }
});

function readUrl() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  kind.value = params.get("kind") || "";
  if (kind.selectedIndex < 0) { kind.value = ""; }
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(true); });
kind.addEventListener("change", () => run(true));
window.addEventListener("popstate", () => { readUrl(); run(false); });
readUrl();
run(false);
