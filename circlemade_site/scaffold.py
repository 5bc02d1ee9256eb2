"""`circlemade new member <slug>`: a member folder with comments in French and Dutch saying
what to fill in. Its example texts start with "À compléter" / "In te vullen" and its logo
is a placeholder (load.examples): `check` fails on each of them, with its line, until it
is replaced; then the folder passes."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import PIL.Image
import PIL.ImageDraw
import PIL.PngImagePlugin

from circlemade_site.errors import UsageError
from circlemade_site.load.examples import PLACEHOLDER_MARK
from circlemade_site.slugs import SLUG_RE, slugify

MEMBER_TEMPLATE = """\
# yaml-language-server: $schema=../../schemas/member.schema.json
# FR : la fiche de votre organisation. Remplacez les exemples, puis lancez `circlemade check`.
#      Le guide : /fr/guide-des-membres/ sur le site ; tous les champs : docs/member-reference.md
# NL : de fiche van uw organisatie. Vervang de voorbeelden en voer `circlemade check` uit.
#      De gids: /nl/handleiding-leden/ op de site; alle velden: docs/member-reference.md

# FR : vos identifiants GitHub : avec l'équipe du cluster, les seules personnes qui peuvent
#      modifier ce dossier (une fiche envoyée par GitHub nomme la personne qui l'envoie).
# NL : uw GitHub-gebruikersnamen: met het team van de cluster de enigen die deze map mogen
#      wijzigen (een fiche die via GitHub wordt ingediend, vermeldt wie ze indient).
# maintainers: [uw-github-login]

# FR : remplacez chaque texte « À compléter » et le logo provisoire : `circlemade check`
#      les signale tant qu'ils sont là.
# NL : vervang elke tekst "In te vullen" en het voorlopige logo: `circlemade check` meldt
#      ze zolang ze er staan.

# FR : le nom de votre organisation, tel qu'il figure sur votre logo (non traduit).
# NL : de naam van uw organisatie, zoals op uw logo (niet vertaald).
name: {name}

# FR : company (entreprise), academic, institution ou support (acteur de soutien).
# NL : company (onderneming), academic, institution of support (ondersteunende organisatie).
kind: company

# FR : numéro d'entreprise (BCE), facultatif.  NL : ondernemingsnummer (KBO), facultatief.
# enterprise_number: "0123.456.749"

# FR : date d'adhésion au cluster.  NL : datum van aansluiting bij de cluster.
member_since: {today}

# FR : le jour où vous avez vérifié cette fiche pour la dernière fois : changez-le à chaque
#      relecture. Une fiche non vérifiée depuis {months} mois ne publie plus vos coordonnées.
# NL : de dag waarop u deze fiche het laatst hebt nagekeken: pas hem aan bij elke controle.
#      Een fiche die {months} maanden niet werd nagekeken, publiceert uw contactgegevens niet meer.
reviewed: {today}

# FR : une ligne qui dit ce que vous faites, en français et en néerlandais.
# NL : één regel over wat u doet, in het Frans en in het Nederlands.
tagline:
  fr: "À compléter : ce que fait {name}, en une ligne"
  nl: "In te vullen: wat {name} doet, in één regel"

# FR : vos activités circulaires et vos secteurs (clés de content/vocabularies.yaml).
# NL : uw circulaire activiteiten en sectoren (sleutels uit content/vocabularies.yaml).
activities: [reuse]
sectors: []

# FR : votre adresse dans une des 19 communes de la Région de Bruxelles-Capitale.
# NL : uw adres in een van de 19 gemeenten van het Brussels Hoofdstedelijk Gewest.
address:
  street: "À compléter : rue et numéro"
  postal_code: "1000"
  municipality: Bruxelles

# FR : comment les acheteurs vous contactent (adresse générique de préférence).
# NL : hoe kopers u bereiken (liefst een algemeen adres).
contact:
  # email: info@exemple.be
  # phone: "+32 2 511 22 33"
  # website: https://www.exemple.be
  # linkedin: https://www.linkedin.com/company/exemple
  # FR : une personne de contact, publiée seulement avec public: true (et son accord).
  # NL : een contactpersoon, alleen gepubliceerd met public: true (en met haar akkoord).
  # person:
  #   name: "Marie Dubois"
  #   role: {{fr: "Responsable des partenariats", nl: "Verantwoordelijke partnerschappen"}}
  #   public: false

# FR : ce que le site ne publie pas du tout (ni page, ni données ouvertes, ni recherche) :
#      contact.email, contact.phone, contact.linkedin, address.street, enterprise_number.
# NL : wat de site helemaal niet publiceert (geen pagina, open data of zoekfunctie):
#      contact.email, contact.phone, contact.linkedin, address.street, enterprise_number.
# hidden: [contact.phone]

# FR : votre logo, dans ce dossier (PNG, JPEG, WebP ou SVG ; 5 Mo au plus), à la place
#      du logo provisoire.
# NL : uw logo, in deze map (PNG, JPEG, WebP of SVG; hoogstens 5 MB), in de plaats van
#      het voorlopige logo.
logo: logo.png

# FR : ce que vous vendez : produits ou services, avec leur public
#      (business, public-sector, consumers).
# NL : wat u verkoopt: producten of diensten, met hun doelgroep
#      (business, public-sector, consumers).
offers: []
#  - title: {{fr: "...", nl: "..."}}
#    summary: {{fr: "...", nl: "..."}}
#    audiences: [business]

# FR : ce que vous recherchez (matière, service, partenaire, espace, financement), publié
#      de `since` à `until` inclus ; les membres qui peuvent y répondre sont proposés.
# NL : wat u zoekt (materiaal, dienst, partner, ruimte, financiering), gepubliceerd van
#      `since` tot en met `until`; leden die kunnen helpen worden voorgesteld.
needs: []
#  - title: {{fr: "Chutes de bois de chêne", nl: "Resthout van eik"}}
#    summary: {{fr: "...", nl: "..."}}
#    type: material
#    materials: [wood]
#    since: {today}
#    until: 2027-06-30

# FR : les matières que vous cédez (out : sous-produits, surplus) ou valorisez (in).
# NL : de materialen die u afstaat (out: reststromen, overschotten) of verwerkt (in).
flows: []
#  - direction: out
#    material: wood
#    waste_code: "03 01 05"
#    quantity: {{amount: 2, unit: t, per: month}}
#    summary: {{fr: "...", nl: "..."}}
#    since: {today}
"""

FR_TEMPLATE = """\
## Qui sommes-nous ?

À compléter : présentez ici {name} en quelques paragraphes : votre histoire, votre savoir-faire
circulaire, vos clients et vos réalisations. Ce texte est publié sur la page française
de votre fiche.
"""

NL_TEMPLATE = """\
## Wie zijn we?

In te vullen: stel {name} hier voor in enkele alinea's: uw verhaal, uw circulaire knowhow, uw klanten
en realisaties. Deze tekst verschijnt op de Nederlandstalige pagina van uw fiche.
"""


def new_member(root: Path, slug: str, today: dt.date, months: int = 24) -> Path:
    """Create members/<slug>/ with member.yaml, fr.md, nl.md and a placeholder logo,
    reviewed `today`; `months` is the site's `freshness.hide_contact_after_months`."""
    if not SLUG_RE.match(slug):
        suggestion = slugify(slug) or "atelier-exemple"
        raise UsageError(f"{slug!r} is not a valid member slug; use lowercase letters, digits and "
                         f"hyphens, for example {suggestion!r}")
    folder = root / "members" / slug
    if folder.exists():
        raise UsageError(f"members/{slug} already exists; edit the files in it instead")
    name = " ".join(part.capitalize() for part in slug.split("-"))
    folder.mkdir(parents=True)
    (folder / "member.yaml").write_text(MEMBER_TEMPLATE.format(name=name, today=today.isoformat(),
                                                               months=months),
                                        encoding="utf-8")
    (folder / "fr.md").write_text(FR_TEMPLATE.format(name=name), encoding="utf-8")
    (folder / "nl.md").write_text(NL_TEMPLATE.format(name=name), encoding="utf-8")
    (folder / "logo.png").write_bytes(placeholder_logo(name))
    return folder


def placeholder_logo(name: str) -> bytes:
    """A plain square with the initials, to replace with the real logo (marked as the
    placeholder, which `check` refuses)."""
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    image = PIL.Image.new("RGB", (400, 400), "#e3f0eb")
    draw = PIL.ImageDraw.Draw(image)
    draw.ellipse((60, 60, 340, 340), outline="#0b5a45", width=18)
    draw.text((200, 200), initials, fill="#0b5a45", anchor="mm", font_size=110)
    out = io.BytesIO()
    info = PIL.PngImagePlugin.PngInfo()
    info.add_text("Comment", PLACEHOLDER_MARK.decode("ascii"))   # before the image data
    image.save(out, "PNG", optimize=True, pnginfo=info)
    return out.getvalue()


# -- the team's files: `circlemade new event|campaign|news|page NAME` ----------------------

CONTENT_FOLDERS = {"event": "events", "campaign": "campaigns", "news": "news", "page": "pages"}
# the example texts of a new file, per language of the file (English for another one);
# each starts with that language's marker (load.examples.MARKERS)
_TEXTS = {
    "fr": {"title": "À compléter : le titre", "summary": "À compléter : une ou deux phrases "
           "qui donnent envie de lire la suite.", "cta_label": "À compléter : le bouton",
           "venue": "À compléter : le nom du lieu",
           "body": "À compléter : le texte, en Markdown. Les titres commencent à `##`."},
    "nl": {"title": "In te vullen: de titel", "summary": "In te vullen: een of twee zinnen "
           "die zin geven om verder te lezen.", "cta_label": "In te vullen: de knop",
           "venue": "In te vullen: de naam van de locatie",
           "body": "In te vullen: de tekst, in Markdown. Titels beginnen bij `##`."},
    "en": {"title": "To be written: the title", "summary": "To be written: one or two "
           "sentences that make people read on.", "cta_label": "To be written: the button",
           "venue": "To be written: the name of the venue",
           "body": "To be written: the text, in Markdown. Headings start at `##`."},
}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _front(kind: str, lang: str, shared: bool, today: dt.date) -> list[str]:
    """The front matter lines of one language's file; the shared fields (dates, type,
    venue, button target) in the default language's file only."""
    texts = _TEXTS.get(lang, _TEXTS["en"])
    lines = [f"title: {_quoted(texts['title'])}"]
    if kind != "page":
        lines.append(f"summary: {_quoted(texts['summary'])}")
    if kind == "campaign":
        lines.append(f"cta_label: {_quoted(texts['cta_label'])}")
    lines.append("draft: true      # remove this line to publish")
    if not shared:
        return lines
    later = today + dt.timedelta(days=30)
    if kind == "event":
        lines += ["type: meeting", f"start: {later.isoformat()} 09:30",
                  f"end: {later.isoformat()} 12:00",
                  f"venue: {{name: {_quoted(texts['venue'])}, postal_code: \"1000\", "
                  "municipality: Bruxelles}"]
    elif kind == "news":
        lines.append(f"date: {today.isoformat()}")
    elif kind == "campaign":
        lines += [f"start: {today.isoformat()}", f"end: {later.isoformat()}",
                  "cta: {section: offers}"]
    return lines


def new_content(root: Path, kind: str, name: str, languages: tuple[str, ...],
                default_language: str, today: dt.date) -> list[Path]:
    """Write content/<folder>/<name>.<lang>.md in every language of the site: the front
    matter a `check` needs, example texts to replace (check refuses them once the file is
    no longer a draft) and `draft: true`, so the preview shows it while it is written and
    no build publishes it before the line is removed."""
    folder = root / "content" / CONTENT_FOLDERS[kind]
    if not SLUG_RE.match(name):
        suggestion = slugify(name) or "atelier-reparation"
        raise UsageError(f"{name!r} is not a valid name; use lowercase letters, digits and "
                         f"hyphens, for example {suggestion!r}")
    existing = sorted(folder.glob(f"{name}.*.md"))
    if existing:
        shown = existing[0].relative_to(root).as_posix()
        raise UsageError(f"{shown} already exists; choose another name or edit it")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in languages:
        body = _TEXTS.get(lang, _TEXTS["en"])["body"]
        front = _front(kind, lang, lang == default_language, today)
        path = folder / f"{name}.{lang}.md"
        path.write_text("---\n" + "\n".join(front) + "\n---\n" + body + "\n", encoding="utf-8")
        written.append(path)
    return written
