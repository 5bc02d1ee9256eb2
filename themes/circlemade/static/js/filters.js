/* Instant filtering of a listing (members, offers) by several facets at once.
   Without JavaScript every facet value has its own static page; this script swaps those
   links for a form of checkboxes, keeps the selection in the URL (shareable, back button),
   and announces the number of results through the role="status" counter.
   A long listing is split into pages (/fr/membres/2/...); the first time a filter is used,
   the other pages are fetched and their cards joined to this one, so that filters apply
   to the whole listing. */
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  if (!form || !window.URLSearchParams || !window.history || !history.pushState) {
    return;
  }
  var results = document.getElementById(form.getAttribute("data-results"));
  var counter = document.getElementById(form.getAttribute("data-count"));
  var empty = document.querySelector(".no-results");
  var lang = form.getAttribute("data-lang");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var cards = Array.prototype.slice.call(results.children);
  var params = [];
  boxes.forEach(function (box) {
    if (params.indexOf(box.name) < 0) { params.push(box.name); }
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

  function selection() {
    var chosen = {};
    params.forEach(function (p) { chosen[p] = []; });
    boxes.forEach(function (box) {
      if (box.checked) { chosen[box.name].push(box.value); }
    });
    return chosen;
  }

  function matches(card, chosen) {
    return params.every(function (p) {
      if (!chosen[p].length) { return true; }
      var values = " " + (card.getAttribute("data-" + p) || "") + " ";
      return chosen[p].some(function (v) { return values.indexOf(" " + v + " ") >= 0; });
    });
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
        Array.prototype.forEach.call(document.querySelectorAll(".pagination, .page-of"),
                                     function (element) { element.hidden = true; });
      }).catch(function () {
        joined = Promise.resolve();      // filters apply to this page only
      });
    }
    return joined;
  }

  function anyChosen() {
    return boxes.some(function (box) { return box.checked; });
  }

  function update(push) {
    if (pages.length <= 1) { apply(push); return; }
    if (!joined && !anyChosen()) { return; }    // nothing chosen yet: the page as served
    joinPages().then(function () { apply(push); });
  }

  function apply(push) {
    var chosen = selection();
    var count = 0;
    cards.forEach(function (card) {
      var shown = matches(card, chosen);
      card.hidden = !shown;
      if (shown) { count += 1; }
    });
    counter.textContent = countText(count);
    if (empty) { empty.hidden = count > 0; }
    var query = new URLSearchParams();
    params.forEach(function (p) {
      chosen[p].forEach(function (v) { query.append(p, v); });
    });
    var search = query.toString();
    var url = location.pathname + (search ? "?" + search : "") + location.hash;
    if (push && url !== location.pathname + location.search + location.hash) {
      history.pushState(null, "", url);
    }
  }

  function readUrl() {
    var query = new URLSearchParams(location.search);
    boxes.forEach(function (box) {
      box.checked = query.getAll(box.name).indexOf(box.value) >= 0;
    });
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
  form.addEventListener("change", function () { update(true); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { update(true); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("popstate", function () { readUrl(); update(false); });
  readUrl();
  // nothing chosen: the listing is already as served (every card, the total counted), and
  // going over a thousand cards would only block the main thread (Lighthouse's TBT)
  if (anyChosen()) { update(false); }
}());
