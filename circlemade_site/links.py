"""The one rule for a link written by someone else: what it says is where it goes.

Every address a member or the team writes (a website, a LinkedIn page, a registration
link in member.yaml or front matter, a link in Markdown, raw `<a href>` included) goes
through `check_link`, which parses it as browsers do (the WHATWG URL standard, with
ada-url) and refuses what a browser would read differently from a person or from a
simpler parser:

- backslashes (a browser reads `\\` as `/` in http(s) addresses: `https://a.be\\@b.be`
  goes to a.be, while Python's urllib sees the host b.be);
- spaces, tabs, line breaks and control characters (a browser silently drops tabs and
  line breaks inside an address);
- a user name or password before the host (`https://circlemade.brussels@evil.example`
  goes to evil.example);
- a host that is not written as the browser will use it: percent-encoded (`evil%2Ecom`),
  in full-width or other forms that IDNA maps (`ｅｘａｍｐｌｅ.com`, `。` as a dot), an
  IP address in any spelling (`0x7f.1` is 127.0.0.1), `https:example.com` without `//`;
- an internationalised host name with a label that mixes scripts (Latin and Cyrillic:
  `pаypal.com`) or that is a look-alike of a Latin name in another script (all-Cyrillic
  `аррlе.com`), after Unicode TS #39 (see `spoofing`). A single-script name (`café.be`,
  `пример.рф`) is accepted and shown in Unicode (`Link.label`).

Relative links (Markdown only: `page:` links become `/fr/...`) must stay on the site:
`//evil.example` and `/\\evil.example` leave it and are refused.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import ada_url

from circlemade_site import spoofing
from circlemade_site.errors import Message, msg

WEB_SCHEMES = frozenset({"http", "https"})
MARKDOWN_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
RELATIVE_BASE = "https://site.invalid/a/b"     # any origin: a relative link must stay on it
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_AUTHORITY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)")


@dataclasses.dataclass(frozen=True, slots=True)
class Link:
    """A link that passed: `href` as the browser parses it, its host in ASCII (punycode)
    and as shown to readers (`label`, Unicode for an accepted internationalised name)."""

    href: str
    scheme: str
    host: str
    label: str


class UnsafeLink(ValueError):
    def __init__(self, reason: Message) -> None:
        super().__init__(reason)
        self.reason = reason


def check_link(text: str, schemes: frozenset[str] = WEB_SCHEMES,
               relative: bool = False) -> Link:
    """`text` as a Link, or UnsafeLink with the reason (one sentence)."""
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")
           for ch in text):
        raise UnsafeLink(msg("the address contains a space, a control or an invisible "
                             "character"))
    if "\\" in text:
        raise UnsafeLink(msg("the address contains a backslash, which browsers read as /"))
    scheme_match = _SCHEME.match(text)
    if scheme_match is None:
        if not relative:
            raise UnsafeLink(msg("the address does not start with {schemes}",
                                 schemes=_schemes(schemes)))
        return _relative(text)
    scheme = scheme_match.group(1).lower()
    if scheme not in schemes:
        raise UnsafeLink(msg("the address does not start with {schemes}",
                             schemes=_schemes(schemes)))
    try:
        url = ada_url.URL(text)
    except ValueError:
        raise UnsafeLink(msg("the address cannot be read as a web address")) from None
    if scheme not in WEB_SCHEMES:           # mailto:, tel: open a program, not a site
        return Link(url.href, scheme, "", "")
    written = _AUTHORITY.match(text)
    if written is None:
        raise UnsafeLink(msg("the address needs // after {scheme}:", scheme=scheme))
    authority = written.group(1)
    if url.username or url.password or "@" in authority:
        raise UnsafeLink(msg("the address has a user name before its host (the part before @ "
                             "hides where it goes)"))
    host = url.hostname
    if url.host_type != ada_url.HostType.DEFAULT or not re.search(r"[a-z]", host.rstrip(".").rsplit(".", 1)[-1]):
        raise UnsafeLink(msg("the address uses an IP address instead of a domain name"))
    written_host = re.sub(r":[0-9]*$", "", authority)
    label = ada_url.idna.decode(host)
    if written_host.lower() not in (host, label):
        raise UnsafeLink(msg("the host {written!r} is not written as browsers read it "
                             "({host!r})", written=written_host, host=label))
    if "." not in host.strip("."):
        raise UnsafeLink(msg("the address has no domain name (such as example.be)"))
    for part in label.split("."):
        if part.startswith("xn--"):
            raise UnsafeLink(msg("the host {host!r} has a label that is not a valid "
                                 "internationalised name", host=label))
        if part.isascii():
            continue
        if spoofing.is_mixed_script(part):
            raise UnsafeLink(msg("the host name {host!r} mixes scripts, as look-alike "
                                 "addresses do", host=label))
        if spoofing.skeleton(part).isascii():
            raise UnsafeLink(msg("the host name {host!r} imitates the Latin name {latin!r}",
                                 host=label, latin=spoofing.skeleton(part)))
    return Link(url.href, scheme, host, label)


def _relative(text: str) -> Link:
    if text.startswith("//"):
        raise UnsafeLink(msg("an address starting with // leads to another site"))
    try:
        url = ada_url.URL(text, RELATIVE_BASE)
    except ValueError:
        raise UnsafeLink(msg("the address cannot be read as a web address")) from None
    if url.origin != ada_url.URL(RELATIVE_BASE).origin:
        raise UnsafeLink(msg("the address leads to another site"))
    return Link(text, "", "", "")


def _schemes(schemes: frozenset[str]) -> str:
    return ", ".join(f"{s}:" if s in ("mailto", "tel") else f"{s}://" for s in sorted(schemes))


def label(text: str) -> str:
    """The host of a web address as readers see it (Unicode for an accepted
    internationalised name), for an address `check_link` accepted."""
    return check_link(text).label
