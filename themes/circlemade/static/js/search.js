/* The search page: Pagefind's JavaScript API, results in the page's language only (Pagefind
   loads the index of <html lang>), an optional filter by kind, the query kept in the URL,
   and the number of results announced through the role="status" line. */
const form = document.querySelector("form.search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const input = document.getElementById("search-q");
const kind = document.getElementById("search-kind");
const lang = form.dataset.lang;
const plural = new Intl.PluralRules(lang);
const number = new Intl.NumberFormat(lang);
let pagefind = null;

document.querySelector(".search-nojs").hidden = true;

function countText(count) {
  const template = form.dataset["count" + (plural.select(count) === "one" ? "One" : "Other")];
  return template.replace("{count}", number.format(count));
}

function item(data) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = (data.meta && data.meta.link) || data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  heading.append(link);
  li.append(heading);
  if (data.meta && data.meta.member) {
    const by = document.createElement("p");
    by.className = "card-by";
    by.textContent = data.meta.member;
    li.append(by);
  }
  const excerpt = document.createElement("p");
  // Pagefind's excerpt is our own indexed text, escaped, with <mark> around the matches
  excerpt.innerHTML = data.excerpt;
  li.append(excerpt);
  return li;
}

async function run(push) {
  const query = input.value.trim();
  const params = new URLSearchParams();
  if (query) { params.set("q", query); }
  if (kind.value) { params.set("kind", kind.value); }
  const url = location.pathname + (params.toString() ? "?" + params : "");
  if (push && url !== location.pathname + location.search) { history.pushState(null, "", url); }
  list.replaceChildren();
  if (!query) { status.textContent = ""; return; }
  if (!pagefind) {
    pagefind = await import(form.dataset.bundle);
    await pagefind.options({ excerptLength: 24 });
  }
  const search = await pagefind.search(query);
  // the kind of each result is in its metadata: with a kind chosen, look further down the
  // ranking to fill the page
  const pool = search.results.slice(0, kind.value ? 120 : 30);
  const loaded = await Promise.all(pool.map((r) => r.data()));
  const matching = loaded.filter((d) => !kind.value || (d.meta && d.meta.kind === kind.value));
  const shown = matching.slice(0, 30);
  list.replaceChildren(...shown.map(item));
  const total = kind.value ? matching.length : search.results.length;
  status.textContent = shown.length ? countText(total) : form.dataset.none;
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  kind.value = params.get("kind") || "";
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(true); });
kind.addEventListener("change", () => run(true));
window.addEventListener("popstate", () => { readUrl(); run(false); });
readUrl();
run(false);
