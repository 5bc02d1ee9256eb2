/* Instant filtering of a listing (members, offers, opportunities) by several facets at
   once, by a text (name and description, ignoring case and accents), and a sort (the
   directory: name or newest member).
   Without JavaScript every facet value has its own static page; this script swaps those
   links for a form of checkboxes, keeps the selection in the URL (shareable, back button)
   and in the links of the language switch (each checkbox knows its facet and value in the
   other languages: data-in-<lang>), shows beside each choice how many results it would
   give with the other facets chosen (a choice that would give none is disabled, unless it
   is chosen), and announces the number of results through the role="status" counter, once
   per change (typing waits for a pause).
   A long listing is split into pages (/fr/membres/2/...); the first time a filter is used,
   the other pages are fetched and their cards joined to this one, so that filters apply
   to the whole listing. */
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  if (!form || !window.URLSearchParams || !window.history || !history.pushState) {
    return;
  }
  var TYPING_PAUSE_MS = 350;
  var results = document.getElementById(form.getAttribute("data-results"));
  var counter = document.getElementById(form.getAttribute("data-count"));
  var total = form.querySelector(".filters-total");
  var empty = document.querySelector(".no-results");
  var lang = form.getAttribute("data-lang");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var textInput = form.querySelector("input[name=q]");
  var sortSelect = form.querySelector("select[name=sort]");
  var cards = Array.prototype.slice.call(results.children);
  var served = cards.slice();           // the order served: by name
  var params = [];
  boxes.forEach(function (box) {
    if (params.indexOf(box.name) < 0) { params.push(box.name); }
  });
  var switches = Array.prototype.map.call(
    document.querySelectorAll(".lang-switch a[hreflang]"), function (link) {
      return { link: link, code: link.getAttribute("hreflang"),
               base: link.getAttribute("href").split(/[?#]/)[0] };
    });
  var plural = null, number = null;      // made when first used: they load locale data

  function countText(count) {
    if (!number && window.Intl) {
      plural = Intl.PluralRules ? new Intl.PluralRules(lang) : null;
      number = new Intl.NumberFormat(lang);
    }
    var form_ = plural ? plural.select(count) : (count === 1 ? "one" : "other");
    var template = form.getAttribute("data-count-" + form_) || form.getAttribute("data-count-other");
    return template.replace("{count}", number ? number.format(count) : String(count));
  }

  // "Réemploi" and "reemploi", "ÉCO" and "eco" are the same to the text filter
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\s+/g, " ").trim();
  }

  var texts = new Map();      // card -> its folded name and description, read when first needed
  function textOf(card) {
    var found = texts.get(card);
    if (found === undefined) {
      var parts = card.querySelectorAll(
        ".card-title, .card-tagline, .offer-card .card-title ~ p:not([class])");
      found = fold(Array.prototype.map.call(parts, function (p) { return p.textContent; }).join(" "));
      texts.set(card, found);
    }
    return found;
  }

  function selection() {
    var chosen = {};
    params.forEach(function (p) { chosen[p] = []; });
    boxes.forEach(function (box) {
      if (box.checked) { chosen[box.name].push(box.value); }
    });
    return chosen;
  }

  function hasValue(card, param, values) {
    if (!values.length) { return true; }
    var own = " " + (card.getAttribute("data-" + param) || "") + " ";
    return values.some(function (v) { return own.indexOf(" " + v + " ") >= 0; });
  }

  var pages = (results.getAttribute("data-pages") || "").split(" ").filter(Boolean);
  var joined = null;          // a promise: every page's cards in this list

  function joinPages() {
    if (!joined) {
      var current = Number(results.getAttribute("data-page") || "1");
      joined = Promise.all(pages.map(function (url, index) {
        if (index + 1 === current) { return Promise.resolve(null); }
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) { throw new Error(url + ": " + response.status); }
          return response.text();
        }).then(function (text) {
          var page = new DOMParser().parseFromString(text, "text/html");
          var list = page.getElementById(results.id);
          return list ? Array.prototype.slice.call(list.children) : [];
        });
      })).then(function (found) {
        var all = [];
        found.forEach(function (pageCards) {
          all = all.concat(pageCards === null ? cards : pageCards.map(function (card) {
            return document.importNode(card, true);
          }));
        });
        all.forEach(function (card) { results.appendChild(card); });   // in page order
        cards = all;
        served = all.slice();
        Array.prototype.forEach.call(document.querySelectorAll(".pagination, .page-of"),
                                     function (element) { element.hidden = true; });
      }).catch(function () {
        joined = Promise.resolve();      // filters apply to this page only
      });
    }
    return joined;
  }

  function anyChosen() {
    return boxes.some(function (box) { return box.checked; }) ||
      Boolean(textInput && textInput.value.trim()) || Boolean(sortSelect && sortSelect.value);
  }

  function update(push) {
    if (pages.length <= 1) { apply(push); return; }
    if (!joined && !anyChosen()) { return; }    // nothing chosen yet: the page as served
    joinPages().then(function () { apply(push); });
  }

  function sortCards() {
    var order = served.slice();
    if (sortSelect && sortSelect.value === "newest") {
      var rank = new Map(served.map(function (card, i) { return [card, i]; }));
      order.sort(function (a, b) {
        var da = a.getAttribute("data-since") || "", db = b.getAttribute("data-since") || "";
        return da < db ? 1 : da > db ? -1 : rank.get(a) - rank.get(b);
      });
    }
    var same = order.every(function (card, i) { return card === cards[i]; });
    if (!same) {
      var fragment = document.createDocumentFragment();
      order.forEach(function (card) { fragment.appendChild(card); });
      results.appendChild(fragment);
      cards = order;
    }
  }

  function apply(push) {
    var chosen = selection();
    var words = textInput ? fold(textInput.value) : "";
    sortCards();
    // per facet, how many cards each value would give with the other facets' choices
    var counts = {};
    params.forEach(function (p) { counts[p] = {}; });
    var count = 0;
    cards.forEach(function (card) {
      var textOk = !words || textOf(card).indexOf(words) >= 0;
      var failed = [];
      if (textOk) {
        params.forEach(function (p) {
          if (!hasValue(card, p, chosen[p])) { failed.push(p); }
        });
      }
      var shown = textOk && failed.length === 0;
      card.hidden = !shown;
      if (shown) { count += 1; }
      if (!textOk || failed.length > 1) { return; }
      params.forEach(function (p) {
        if (failed.length === 1 && failed[0] !== p) { return; }
        (card.getAttribute("data-" + p) || "").split(" ").forEach(function (v) {
          if (v) { counts[p][v] = (counts[p][v] || 0) + 1; }
        });
      });
    });
    boxes.forEach(function (box) {
      var n = counts[box.name][box.value] || 0;
      var label = box.closest("label");
      var badge = label && label.querySelector(".facet-count");
      if (badge && badge.textContent !== String(n)) { badge.textContent = String(n); }
      box.disabled = n === 0 && !box.checked;      // nothing to find there: not a choice
      if (label) { label.classList.toggle("check-none", n === 0); }
    });
    var said = countText(count);
    if (counter.textContent !== said) { counter.textContent = said; }   // announced once
    if (total && total.textContent !== said) { total.textContent = said; }
    if (empty) { empty.hidden = count > 0; }
    var query = queryFor(null, chosen);
    var search = query.toString();
    var url = location.pathname + (search ? "?" + search : "") + location.hash;
    if (push && url !== location.pathname + location.search + location.hash) {
      history[push === "replace" ? "replaceState" : "pushState"](null, "", url);
    }
    updateSwitch(chosen);
  }

  // the query of the selection in this language (code null) or in another one, whose
  // facet and value names are each checkbox's data-in-<code>
  function queryFor(code, chosen) {
    var query = new URLSearchParams();
    if (code === null) {
      params.forEach(function (p) {
        chosen[p].forEach(function (v) { query.append(p, v); });
      });
    } else {
      boxes.forEach(function (box) {
        var pair = box.checked && box.getAttribute("data-in-" + code);
        if (pair) {
          var at = pair.indexOf("=");
          query.append(pair.slice(0, at), pair.slice(at + 1));
        }
      });
    }
    if (textInput && textInput.value.trim()) { query.set("q", textInput.value.trim()); }
    if (sortSelect && sortSelect.value) { query.set("sort", sortSelect.value); }
    return query;
  }

  function updateSwitch(chosen) {
    switches.forEach(function (s) {
      var search = queryFor(s.code, chosen).toString();
      s.link.setAttribute("href", s.base + (search ? "?" + search : "") + location.hash);
    });
  }

  function readUrl() {
    var query = new URLSearchParams(location.search);
    boxes.forEach(function (box) {
      box.checked = query.getAll(box.name).indexOf(box.value) >= 0;
    });
    if (textInput) { textInput.value = query.get("q") || ""; }
    if (sortSelect) {
      sortSelect.value = query.get("sort") || "";
      if (sortSelect.selectedIndex < 0) { sortSelect.value = ""; }
    }
  }

  // The page is served in its final layout (macros.html, facet_panel): on a phone the
  // filters are folded above the results, the form takes the links' place inside the same
  // closed box; on a wide screen the open form takes the links' place in the side column.
  // Nothing above the results changes size, so nothing moves (layout shift).
  var box = form.closest("details");
  if (box && !(window.matchMedia && window.matchMedia("(max-width: 55.99rem)").matches)) {
    box.open = true;
  }
  form.hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll(".facet-links, .facet-links-folded"),
                               function (nav) { nav.hidden = true; });
  var typing = null;
  form.addEventListener("input", function (event) {
    if (event.target !== textInput) { return; }
    window.clearTimeout(typing);
    typing = window.setTimeout(function () { update("replace"); }, TYPING_PAUSE_MS);
  });
  form.addEventListener("change", function (event) {
    if (event.target === textInput) { return; }      // typed: handled by "input"
    update(true);
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { update(true); }, 0);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();                          // Enter in the text field: at once
    window.clearTimeout(typing);
    update("replace");
  });
  window.addEventListener("popstate", function () { readUrl(); update(false); });
  readUrl();
  // nothing chosen: the listing is already as served (every card, the total counted), and
  // going over a thousand cards would only block the main thread (Lighthouse's TBT)
  if (anyChosen()) { update(false); }
}());
