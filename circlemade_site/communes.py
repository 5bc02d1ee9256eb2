"""The 19 communes of the Brussels-Capital Region, their names and postal codes.

These are facts, not content: they change by law, not by editing the site.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from circlemade_site.i18n import Localized
from circlemade_site.slugs import fold


@dataclasses.dataclass(frozen=True, slots=True)
class Commune:
    key: str
    names: Localized                  # fr and nl names (other languages fall back)
    postal_codes: tuple[str, ...]


def _c(key: str, fr: str, nl: str, *codes: str) -> Commune:
    return Commune(key, Localized({"fr": fr, "nl": nl}), codes)


COMMUNES: tuple[Commune, ...] = (
    _c("anderlecht", "Anderlecht", "Anderlecht", "1070"),
    _c("auderghem", "Auderghem", "Oudergem", "1160"),
    _c("berchem-sainte-agathe", "Berchem-Sainte-Agathe", "Sint-Agatha-Berchem", "1082"),
    _c("bruxelles", "Bruxelles", "Brussel", "1000", "1020", "1120", "1130"),
    _c("etterbeek", "Etterbeek", "Etterbeek", "1040"),
    _c("evere", "Evere", "Evere", "1140"),
    _c("forest", "Forest", "Vorst", "1190"),
    _c("ganshoren", "Ganshoren", "Ganshoren", "1083"),
    _c("ixelles", "Ixelles", "Elsene", "1050"),
    _c("jette", "Jette", "Jette", "1090"),
    _c("koekelberg", "Koekelberg", "Koekelberg", "1081"),
    _c("molenbeek-saint-jean", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek", "1080"),
    _c("saint-gilles", "Saint-Gilles", "Sint-Gillis", "1060"),
    _c("saint-josse-ten-noode", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node", "1210"),
    _c("schaerbeek", "Schaerbeek", "Schaarbeek", "1030"),
    _c("uccle", "Uccle", "Ukkel", "1180"),
    _c("watermael-boitsfort", "Watermael-Boitsfort", "Watermaal-Bosvoorde", "1170"),
    _c("woluwe-saint-lambert", "Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe", "1200"),
    _c("woluwe-saint-pierre", "Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe", "1150"),
)

BY_KEY: Mapping[str, Commune] = {c.key: c for c in COMMUNES}

# Parts of the City of Brussels share the postal codes of Etterbeek (1040: the European
# quarter) and Ixelles (1050: avenue Louise).
_SHARED = {"1040": ("etterbeek", "bruxelles"), "1050": ("ixelles", "bruxelles")}

BY_POSTAL_CODE: Mapping[str, tuple[Commune, ...]] = {
    code: tuple(BY_KEY[k] for k in _SHARED.get(code, (commune.key,)))
    for commune in COMMUNES for code in commune.postal_codes
}


def _name_key(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())


_BY_NAME: Mapping[str, Commune] = {
    _name_key(name): commune for commune in COMMUNES for name in commune.names.texts.values()
}


def by_name(name: str) -> Commune | None:
    """A commune by its French or Dutch name, ignoring case, accents, hyphens and spaces."""
    return _BY_NAME.get(_name_key(name))
