"""The template helpers."""

from __future__ import annotations

import jinja2

from circlemade_site.render import templates


def test_reuse_renders_a_macro_once_per_object_and_arguments() -> None:
    calls = []
    env = jinja2.Environment(autoescape=True)
    env.globals["reuse"] = templates.fragments()
    env.globals["count"] = lambda: calls.append(1) or ""
    template = env.from_string(
        "{% macro card(c, level=2) %}{{ count() }}<h{{ level }}>{{ c.name }}</h{{ level }}>{% endmacro %}"
        "{% for c in cards %}{{ reuse(card, c) }}{% endfor %}|{{ reuse(card, cards[0], 3) }}")
    first, second = {"name": "A & B"}, {"name": "C"}
    page = template.render(cards=[first, second, first, first])
    assert page == ("<h2>A &amp; B</h2><h2>C</h2><h2>A &amp; B</h2><h2>A &amp; B</h2>"
                    "|<h3>A &amp; B</h3>")
    assert len(calls) == 3                     # first, second, and first at level 3
    assert template.render(cards=[{"name": "A & B"}]).endswith("|<h3>A &amp; B</h3>")
    assert len(calls) == 5                     # an equal but new object is rendered again
