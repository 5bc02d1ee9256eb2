// The "print this offer's sheet" links of a profile. Without this script a link makes its
// offer the page's target, which the print stylesheet prints alone on one A4 page; with
// it, the print dialog opens as well.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-print-sheet]") : null;
    if (!link) { return; }
    event.preventDefault();
    var hash = link.getAttribute("href");
    if (location.hash !== hash) { location.hash = hash; }
    window.print();
  });
})();
