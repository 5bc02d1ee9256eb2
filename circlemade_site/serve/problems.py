"""What the preview shows and prints while the content has problems.

- The last good version of the site stays served, each page with a banner that lists the
  problems (`banner`, put right after `<body>` by `with_banner`). The banner is added by
  the preview around what `pipeline.make` returned, so a build can never contain it and
  the one render path stays the same. It is made of the site's own CSS classes (`wrap`,
  `notice`) and its UI strings in the page's language (the theme's `preview_problems_*`);
  no inline script or style, so the site's Content-Security-Policy allows it. Open pages
  reload when the site changes (handler.py), so the banner comes and goes by itself.
- When there is no good version yet (the first load since the server started failed, or
  a page never made without errors), `error_page` is served instead, with the status 500:
  it is not the page asked for, and a 200 would tell a link checker or a script waiting
  for the preview (`curl --fail`) that it is.
- The terminal shows each problem once per save, not once per request (`Reporter`), and
  says when every problem is fixed.
"""

from __future__ import annotations

import html
import re
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from circlemade_site import i18n
from circlemade_site.errors import MESSAGE_LANGUAGES, Diagnostic, escape_controls

BANNER_ID = "circlemade-preview-problems"

# Used only when even the theme's UI strings cannot be read (content/site.yaml or an
# i18n/<lang>.yaml is what is broken): the theme's catalogues hold these texts otherwise.
FALLBACK_STRINGS = {
    "preview_problems_heading_one": "{count} problem in the content",
    "preview_problems_heading_other": "{count} problems in the content",
    "preview_problems_last_good": "The preview shows the last version without errors. Fix the "
                                  "problems below and save: this page updates by itself.",
    "preview_problems_no_good": "The site has not been made without errors since the preview "
                                "started. Fix the problems below and save: this page updates "
                                "by itself.",
    "preview_problems_title": "Preview: problems in the content",
}
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def catalog_for(catalogs: Mapping[str, i18n.Catalog] | None, lang: str) -> i18n.Catalog:
    """The catalogue of `lang` if it has the preview's strings, else the English fallback."""
    found = (catalogs or {}).get(lang)
    if found is not None and all(key in found.strings for key in FALLBACK_STRINGS):
        return found
    return i18n.Catalog("en", FALLBACK_STRINGS, "en")


def message_language(lang: str, default: str) -> str:
    """The language the messages are rendered in on a page of `lang` (Diagnostic.render)."""
    return lang if lang in MESSAGE_LANGUAGES else default


def _item(diagnostic: Diagnostic, lang: str) -> str:
    """`<code>file:line:col: error: field:</code> message (hint)`, as Diagnostic.render
    prints it in `lang` (control and bidi characters escaped)."""
    line = diagnostic.render(lang)
    prefix = escape_controls(diagnostic.prefix())
    if not line.startswith(prefix):
        prefix = ""
    return (f"<li><code>{html.escape(prefix.rstrip())}</code> "
            f"{html.escape(line[len(prefix):])}</li>")


def banner(diagnostics: Sequence[Diagnostic], lang: str, t: i18n.Catalog,
           text_key: str = "preview_problems_last_good", failure: str = "",
           level: int = 2) -> bytes:
    """The banner of a page served while the content has problems: a labelled region
    with a heading and the problems, each `file:line:col: error: field:` then the message
    in `lang` (`failure`: what went wrong when there is no Diagnostic, an internal error;
    `level`: of the heading, 2 under the page's own h1)."""
    items = [_item(d, lang) for d in diagnostics]
    if failure and not items:
        items.append(f"<li>{html.escape(escape_controls(failure))}</li>")
    heading = t.count("preview_problems_heading", len(items))
    listed = "\n".join(items)
    return f"""<section class="wrap" id="{BANNER_ID}" aria-labelledby="{BANNER_ID}-heading" lang="{t.lang}">
<div class="notice">
<h{level} id="{BANNER_ID}-heading">{html.escape(heading)}</h{level}>
<p>{html.escape(t(text_key))}</p>
<ul lang="{lang}">
{listed}
</ul>
</div>
</section>
""".encode()


def with_banner(page: bytes, banner_html: bytes) -> bytes:
    """`page` with the banner first in its body (before everything if it has no body)."""
    found = _BODY.search(page)
    at = found.end() if found else 0
    return page[:at] + b"\n" + banner_html + page[at:]


def error_page(diagnostics: Sequence[Diagnostic], lang: str, t: i18n.Catalog,
               stylesheet: str | None, failure: str = "") -> bytes:
    """The page served when there is no good version of the page asked for."""
    link = f'<link rel="stylesheet" href="{html.escape(stylesheet)}">\n' if stylesheet else ""
    return f"""<!doctype html>
<html lang="{t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(t("preview_problems_title"))}</title>
{link}</head>
<body>
<main id="main">
{banner(diagnostics, lang, t, "preview_problems_no_good", failure, level=1).decode()}</main>
</body>
</html>
""".encode()


class Reporter:
    """Prints problems on the terminal, each once until the content changes again."""

    def __init__(self, lang: str, out: TextIO | None = None) -> None:
        self.lang = lang
        self.out = out
        self.lock = threading.Lock()
        self.shown: set[str] = set()
        self.failing = False        # problems were printed since the last good load
        self.generation = 0         # how many saves so far

    def changed(self) -> None:
        """A save: the problems found from now on are printed again."""
        with self.lock:
            self.shown.clear()
            self.generation += 1

    def lines(self, lines: Iterable[str], failing: bool = True,
              generation: int | None = None) -> int:
        """Print the lines not printed since the last change; how many were printed.
        `failing`: they are problems the next good load will say are fixed. `generation`:
        the save they were found after (a background build's); nothing is printed of a
        save that another has followed since, whose own problems are printed for it."""
        printed = 0
        with self.lock:
            if generation is not None and generation != self.generation:
                return 0
            stream = self.out or sys.stderr
            for line in lines:
                if line and line not in self.shown:
                    self.shown.add(line)
                    print(line, file=stream)
                    printed += 1
            stream.flush()
            if printed and failing:
                self.failing = True
        return printed

    def problems(self, diagnostics: Iterable[Diagnostic]) -> int:
        return self.lines(d.render(self.lang) for d in diagnostics)
