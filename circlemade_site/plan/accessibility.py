"""The accessibility statement: a page per language at the `accessibility` section
(/fr/accessibilite/, /nl/toegankelijkheid/), in the order of the EU model statement
(Implementing Decision (EU) 2018/1523): compliance status, non-accessible content, how the
statement was prepared, feedback and contact, enforcement procedure. The fixed sentences of
the model are UI strings of the theme; the texts of content/accessibility.yaml are Markdown.
Like every page it has its alternates, is in the sitemap and the search index; like the
other pages of content/pages it has no JSON-LD."""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from circlemade_site import urls
from circlemade_site.config import ACCESSIBILITY_FILE
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Localized, format_list
from circlemade_site.models import ACCESSIBILITY_REASONS, AccessibilityStatement, Site
from circlemade_site.plan.views import Markdown, Output, body, page_output


def plan_statement(site: Site, router: urls.Router,
                   base: Callable[[str], dict[str, Any]], markdown: Markdown) -> list[Output]:
    """The statement's page in every language (none without a statement: its absence is
    reported by load.accessibility)."""
    statement = site.accessibility
    if statement is None:
        return []
    host = urllib.parse.urlsplit(site.config.base_url).hostname or site.config.base_url
    return [page_output(router, urls.ACCESSIBILITY, lang, "accessibility.html", base(lang),
                        functools.partial(statement_context, site, statement, router, markdown,
                                          lang), **statement_facts(statement, host))
            for lang in site.config.languages]


def statement_facts(statement: AccessibilityStatement, host: str) -> dict[str, Any]:
    """What the page shows that is the same in every language (dates are formatted by
    the template, with Babel)."""
    phone = statement.feedback_phone
    return {"statement": {
        "public_body": statement.public_body, "site": host, "status": statement.status,
        "prepared": statement.prepared, "evaluated": statement.evaluated,
        "method": statement.method, "evaluator": statement.evaluator,
        "email": statement.feedback_email, "phone": phone,
        "phone_url": "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        if phone else None,
        "enforcement_url": statement.enforcement_url}}


def statement_context(site: Site, statement: AccessibilityStatement, router: urls.Router,
                      markdown: Markdown, lang: str,
                      diagnostics: list[Diagnostic]) -> Mapping[str, Any]:
    """The Markdown texts of the statement for the `lang` page, each with the language it
    is written in (a fallback in a language outside `required_languages`)."""
    config = site.config
    locale = config.locales[lang]

    def prose(value: Localized, field: str) -> dict[str, str]:
        text, used = value.get(lang, config.fallback_order)
        return body(markdown, router, text, used, lang, ACCESSIBILITY_FILE,
                    statement.lines.get(f"{field}.{used}", 1), diagnostics)

    groups: list[dict[str, Any]] = []
    for reason in ACCESSIBILITY_REASONS:
        items: list[dict[str, Any]] = [{"content": prose(b.content, f"{b.field}.content"),
                  "criteria": format_list(b.criteria, locale) if b.criteria else None,
                  "alternative": prose(b.alternative, f"{b.field}.alternative")
                  if b.alternative is not None else None}
                 for b in statement.barriers if b.reason == reason]
        if items:
            groups.append({"reason": reason, "items": items})
    notes = (prose(statement.evaluation_notes, "evaluation.description")
             if statement.evaluation_notes is not None else None)
    feedback = prose(statement.feedback, "feedback.text")
    enforcement = prose(statement.enforcement, "enforcement.text")
    texts = [feedback, enforcement, *([notes] if notes else []),
             *(part for g in groups for item in g["items"]
               for part in (item["content"], item["alternative"]) if part)]
    fallback = next((t["lang"] for t in texts if t["lang"] != lang), None)
    return {"groups": groups, "notes": notes, "feedback": feedback, "enforcement": enforcement,
            "tools": format_list(statement.tools, locale) if statement.tools else None,
            "fallback_lang": fallback}
