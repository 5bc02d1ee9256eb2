"""content/accessibility.yaml -> the AccessibilityStatement: read, validated against
schema.AccessibilityFile, and checked: every text in each required language, the
compliance status consistent with what is listed as not accessible, the method of the
evaluation named. The file is required: a public-sector site publishes a statement (EU
Web Accessibility Directive 2016/2102, art. 7).

`check_age` warns when the last evaluation is more than a year before the build's date;
it is kept apart from `load_statement` so that the preview's memo of the file does not
keep a warning for a date that has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from circlemade_site.config import ACCESSIBILITY_FILE, SiteConfig
from circlemade_site.errors import ContentError, Diagnostic, Message, msg
from circlemade_site.i18n import Localized
from circlemade_site.load import diagnose, schema, yamlio
from circlemade_site.load.settings import read_yaml_file
from circlemade_site.models import AccessibilityStatement, Barrier


def load_statement(config: SiteConfig, diagnostics: list[Diagnostic]) -> AccessibilityStatement | None:
    path = config.root / ACCESSIBILITY_FILE
    if not path.is_file():
        diagnostics.append(Diagnostic(
            ACCESSIBILITY_FILE, msg("the accessibility statement is missing"),
            hint=msg("a public-sector site publishes one (EU directive 2016/2102): "
                     "docs/content.md shows how to write it")))
        return None
    try:
        data, positions = read_yaml_file(path, ACCESSIBILITY_FILE)
    except ContentError as exc:
        diagnostics.append(exc.diagnostic)
        return None
    parsed = diagnose.validate(schema.AccessibilityFile, data, positions, ACCESSIBILITY_FILE,
                               diagnostics)
    if parsed is None:
        return None

    def problem(field: yamlio.FieldPath, message: Message, hint: Message | None = None) -> None:
        diagnostics.append(Diagnostic(ACCESSIBILITY_FILE, message, *positions.of_value(field),
                                      yamlio.dotted(field), hint))

    lines: dict[str, int] = {}

    def localized(field: yamlio.FieldPath, texts: Mapping[str, str]) -> Localized:
        for lang in texts:
            if lang not in config.languages:
                problem((*field, lang), msg("{lang!r} is not a language of the site", lang=lang),
                        msg("languages are {languages}", languages=", ".join(config.languages)))
            lines[f"{yamlio.dotted(field)}.{lang}"] = positions.of_value((*field, lang))[0]
        for lang in config.required_languages:
            if lang not in texts:
                problem(field, msg("missing the required language {lang!r}", lang=lang),
                        msg("for example `{field}: {{{lang}: ...}}`; the statement is written in "
                            "every language of `required_languages` in content/site.yaml",
                            field=field[-1], lang=lang))
        return Localized(dict(texts))

    barriers = tuple(
        Barrier(item.reason, localized(("non_accessible", i, "content"), item.content),
                tuple(item.criteria),
                localized(("non_accessible", i, "alternative"), item.alternative)
                if item.alternative is not None else None,
                yamlio.dotted(("non_accessible", i)) or "")
        for i, item in enumerate(parsed.non_accessible))
    failures = [b for b in barriers if b.reason == "non-compliance"]
    if parsed.status != "full" and not failures:
        problem(("status",), msg("a site whose compliance is {status!r} lists its "
                                 "non-compliances under `non_accessible`", status=parsed.status),
                msg("for example `- {{reason: non-compliance, content: {{fr: ..., nl: ...}}}}`, "
                    "or `status: full` if the site meets every criterion"))
    elif parsed.status == "full" and failures:
        problem(("status",), msg("a fully compliant site has no item with the reason "
                                 "'non-compliance'"),
                msg("set `status: partial`, or remove those items"))
    evaluation = parsed.evaluation
    if evaluation.method == "self-assessment" and not evaluation.tools:
        problem(("evaluation", "method"), msg("a self-assessment names the tools and checks it "
                                              "used"),
                msg("for example {example}", example="`tools: [axe-core, Nu HTML Checker]`"))
    if evaluation.method == "third-party" and not evaluation.evaluator:
        problem(("evaluation", "method"), msg("an assessment by a third party names who "
                                              "carried it out"),
                msg("for example {example}", example="`evaluator: Audit Exemple SRL`"))
    return AccessibilityStatement(
        public_body=parsed.public_body,
        status=parsed.status,
        barriers=barriers,
        prepared=parsed.prepared,
        evaluated=evaluation.date,
        method=evaluation.method,
        tools=tuple(evaluation.tools),
        evaluator=evaluation.evaluator,
        evaluation_notes=localized(("evaluation", "description"), evaluation.description)
        if evaluation.description is not None else None,
        feedback_email=parsed.feedback.email,
        feedback_phone=parsed.feedback.phone,
        feedback=localized(("feedback", "text"), parsed.feedback.text),
        enforcement=localized(("enforcement", "text"), parsed.enforcement.text),
        enforcement_url=parsed.enforcement.url,
        lines=lines,
        evaluated_at=positions.of_value(("evaluation", "date")),
    )


def a_year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def check_age(statement: AccessibilityStatement, now: dt.date,
              diagnostics: list[Diagnostic]) -> None:
    """A warning when the site was last evaluated more than a year before `now`: the
    statement is to be reviewed regularly, and the team is to see it before a reader does."""
    if statement.evaluated < a_year_before(now):
        diagnostics.append(Diagnostic(
            ACCESSIBILITY_FILE, msg("the site was last evaluated on {evaluated}, more than a year "
                                    "before {now}", evaluated=statement.evaluated.isoformat(),
                                    now=now.isoformat()),
            *statement.evaluated_at, "evaluation.date",
            msg("evaluate the site again, update the statement and this date"),
            severity="warning"))
