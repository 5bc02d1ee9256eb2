"""SVG logos: CSS hidden behind escapes, and <use> trees that copy themselves."""

from __future__ import annotations

import pytest
from test_members import YAML, errors, member, replace

from circlemade_site.load.images import UnsafeSvg, css_unescape, sanitize_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 100">'


def refused(body: str) -> str:
    with pytest.raises(UnsafeSvg) as exc:
        sanitize_svg((HEAD + body + "</svg>").encode())
    return str(exc.value.message)


def test_css_escapes_decode_as_css_does() -> None:
    assert css_unescape("\\75 rl(") == "url("
    assert css_unescape("\\000075rl(") == "url("
    assert css_unescape("\\@import") == "@import"
    assert css_unescape("\\40 import") == "@import"
    assert css_unescape("u\\rl(") == "url("
    assert css_unescape("\\0") == "\ufffd"


@pytest.mark.parametrize("value", [
    "\\75 rl(https://evil.example/track.svg#a)",      # \75 is u
    "\\55 RL(https://evil.example/a)",
    "u\\72 l(//evil.example/a)",
    "\\000075\\000072\\00006c(https://evil.example/a)",
])
def test_escaped_url_in_a_presentation_attribute_is_refused(value: str) -> None:
    assert refused(f'<rect width="10" height="10" fill="{value}"/>').startswith(
        "the SVG refers to 'https://evil.example" if "https" in value
        else "the SVG refers to '//evil.example")


@pytest.mark.parametrize("value", ["\\40 import 'https://evil.example/a.css'",
                                   "\\@import url(x)", "image-set('https://evil.example/a.png' 1x)",
                                   "expression(alert(1))"])
def test_css_that_loads_or_runs_something_is_refused(value: str) -> None:
    assert "CSS that loads or runs something" in refused(
        f'<rect width="10" height="10" fill="{value}"/>')


def test_any_other_css_escape_is_refused() -> None:
    assert refused('<rect width="10" height="10" fill="\\72 ed"/>') == (
        "the SVG writes its 'fill' attribute with CSS escapes ('\\\\72 ed')")


def test_a_local_url_still_passes() -> None:
    sanitize_svg((HEAD + '<defs><linearGradient id="g"><stop offset="0"/></linearGradient>'
                  '</defs><rect width="10" height="10" fill="url(#g)"/></svg>').encode())


def test_nested_use_that_expands_to_billions_is_refused() -> None:
    body = '<defs><g id="l0"><rect width="1" height="1"/></g>'
    for level in range(1, 10):
        body += f'<g id="l{level}">' + f'<use href="#l{level - 1}"/>' * 10 + "</g>"
    body += '</defs><use href="#l9"/>'
    assert refused(body) == "the SVG expands to more than 5,000 elements through <use> (copies of copies)"


@pytest.mark.parametrize("body", [
    '<g id="a"><use href="#a"/></g>',
    '<g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g>',
    '<use id="u" href="#u"/>',
    '<defs><linearGradient id="a" href="#b"/><linearGradient id="b" href="#a"/></defs>',
])
def test_cyclic_references_are_refused(body: str) -> None:
    assert refused(body).startswith("the SVG has a reference that leads back to itself")


def test_a_few_uses_are_fine() -> None:
    body = ('<defs><circle id="dot" cx="5" cy="5" r="4"/></defs>'
            + "".join(f'<use href="#dot" x="{10 * i}"/>' for i in range(20)))
    assert b"<use" in sanitize_svg((HEAD + body + "</svg>").encode())


def test_a_member_gets_the_error_on_the_logo_line(make_project) -> None:
    svg = HEAD + '<rect width="10" height="10" fill="\\75 rl(https://evil.example/a)"/></svg>'
    root = member(make_project, replace("logo: logo.png", "logo: logo.svg"), logo_svg=svg,
                  logo_png=None)
    assert errors(root) == [
        f"{YAML}:16:7: error: logo: the SVG refers to 'https://evil.example/a'; only references "
        "inside the file are allowed (export the logo as PNG instead)"]
