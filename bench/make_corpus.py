"""Write a deterministic synthetic project of N members, for benchmarks.

    .venv/bin/python bench/make_corpus.py N OUTDIR [--seed S] [--force] [--jobs J]

OUTDIR receives a copy of the repository's `content/` (settings, vocabularies, the
accessibility statement, pages, campaigns and their hero images, but not the sample events
and news) and `themes/`, then:

- `members/<slug>/`: N members with member.yaml, fr.md, nl.md (about 10% have no nl.md)
  and a generated logo.png (600x600 or 800x400 RGBA, 20-50 KB for 90% of them);
- `content/events/`: N/10 events and `content/news/`: N/20 news items, in French and Dutch.

The campaigns' `features.members` are pointed at generated members so that the corpus
passes `circlemade check`. Everything comes from `random.Random(seed)` (one more per logo,
`Random(seed * 1_000_003 + index)`, drawn in parallel): the same N, seed and Pillow
version give byte-identical files. OUTDIR must not exist or be empty, unless --force,
which deletes it first; --force only deletes a folder that this script wrote (it holds the
marker file `.make-corpus`), never any other non-empty folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import os
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
MARKER = ".make-corpus"      # in OUTDIR: the only folders --force may delete

# -- fixed data ------------------------------------------------------------------------------

# postal code -> (French name, Dutch name); one postal code per commune.
COMMUNES = {
    "1000": ("Bruxelles", "Brussel"), "1030": ("Schaerbeek", "Schaarbeek"),
    "1040": ("Etterbeek", "Etterbeek"), "1050": ("Ixelles", "Elsene"),
    "1060": ("Saint-Gilles", "Sint-Gillis"), "1070": ("Anderlecht", "Anderlecht"),
    "1080": ("Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"), "1081": ("Koekelberg", "Koekelberg"),
    "1082": ("Berchem-Sainte-Agathe", "Sint-Agatha-Berchem"), "1083": ("Ganshoren", "Ganshoren"),
    "1090": ("Jette", "Jette"), "1140": ("Evere", "Evere"),
    "1150": ("Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"), "1160": ("Auderghem", "Oudergem"),
    "1170": ("Watermael-Boitsfort", "Watermaal-Bosvoorde"), "1180": ("Uccle", "Ukkel"),
    "1190": ("Forest", "Vorst"), "1200": ("Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe"),
    "1210": ("Saint-Josse-ten-Noode", "Sint-Joost-ten-Node"),
}
POSTAL_CODES = sorted(COMMUNES)

KINDS = [("company", 70), ("academic", 10), ("institution", 10), ("support", 10)]
AUDIENCES = ["business", "public-sector", "consumers"]

MEMBER_SINCE = (dt.date(2018, 5, 24), dt.date(2026, 10, 31))
EVENT_DAYS = (dt.date(2025, 1, 1), dt.date(2027, 12, 31))
NEWS_DAYS = (dt.date(2019, 1, 1), dt.date(2026, 11, 28))

NAME_PREFIXES = {
    "company": ["Atelier", "Recyclerie", "Studio", "Fabrique", "Coopérative", "Maison",
                "Ressourcerie", "Menuiserie", "Garage", "Comptoir", "Brasserie", "Werkplaats"],
    "academic": ["Laboratoire", "Institut", "Centre d'études", "Chaire", "Haute École", "Labo"],
    "institution": ["Agence", "Office", "Régie", "Service régional", "Observatoire"],
    "support": ["Réseau", "Fonds", "Collectif", "Incubateur", "Plateforme", "Guichet"],
}
NAME_TOPICS = ["Vélo", "Bois", "Textile", "Boucle", "Matière", "Pixel", "Brique", "Canal",
               "Récolte", "Seconde Vie", "Copeau", "Fil", "Zinne", "Senne", "Pavé", "Ressort"]
SYLLABLES = ["ko", "rma", "li", "ta", "ve", "no", "sa", "bri", "du", "mel", "zo", "ra", "fi",
             "lo", "pa", "tu", "ne", "gor", "vik", "sen", "ma", "ri", "el", "an", "ber",
             "quin", "dar", "sol", "jo", "ka", "mi", "ston", "ley", "vo", "rac", "bel"]

STREET_TYPES = ["Rue", "Rue", "Rue", "Avenue", "Chaussée", "Boulevard", "Place", "Quai"]
STREET_NAMES = ["de la Victoire", "du Midi", "des Palais", "de Flandre", "Louise", "de Wavre",
                "de Mons", "du Progrès", "des Tanneurs", "de l'Industrie", "Haute", "Neuve",
                "du Canal", "de la Loi", "des Ateliers", "de Ninove", "du Marché", "Gallait",
                "de Stalle", "du Brabant", "Royale", "de la Senne", "des Fripiers", "Van Artevelde",
                "d'Anderlecht", "de Namur", "du Houblon", "des Vétérinaires", "de Birmingham"]

VENUES = [("hub.brussels", "Chaussée de Charleroi 110", "1060"),
          ("BeCentral", "Cantersteen 12", "1000"),
          ("Tour & Taxis", "Avenue du Port 86C", "1000"),
          ("Maison de la participation", "Rue de Ribaucourt 27", "1080"),
          ("Atelier commun", "Rue de la Station 57", "1190"),
          ("Campus de la Plaine", "Boulevard du Triomphe 1", "1050"),
          ("Espace Senne", "Quai des Usines 22", "1000"),
          ("Halle Gallait", "Rue Gallait 80", "1030"),
          ("Maison communale", "Place Communale 1", "1082"),
          ("Centre d'entreprises", "Rue des Tanneurs 58", "1000"),
          ("Dépôt de matériaux", "Rue de la Petite Île 1", "1070"),
          ("Auditoire Solvay", "Avenue Franklin Roosevelt 42", "1050"),
          ("Ferme urbaine", "Chaussée de Wavre 1520", "1160"),
          ("Halles de Schaerbeek", "Rue Royale-Sainte-Marie 22", "1030")]

# Text pieces as (French, Dutch) pairs, so both descriptions say the same thing.
SUBJECTS = [("Notre équipe", "Ons team"), ("L'atelier", "Het atelier"),
            ("Notre coopérative", "Onze coöperatie"), ("Chaque projet", "Elk project"),
            ("Le collectif", "Het collectief"), ("Notre laboratoire", "Ons labo"),
            ("L'association", "De vereniging"), ("Notre service", "Onze dienst"),
            ("Notre entreprise", "Ons bedrijf"), ("Le comptoir", "De balie")]
# (French 3rd singular, French 1st plural, Dutch 3rd singular, Dutch 1st plural)
VERBS = [("répare", "réparons", "herstelt", "herstellen"),
         ("collecte", "collectons", "verzamelt", "verzamelen"),
         ("transforme", "transformons", "verwerkt", "verwerken"),
         ("conçoit", "concevons", "ontwerpt", "ontwerpen"),
         ("reconditionne", "reconditionnons", "reviseert", "reviseren"),
         ("loue", "louons", "verhuurt", "verhuren"),
         ("valorise", "valorisons", "valoriseert", "valoriseren"),
         ("trie", "trions", "sorteert", "sorteren"),
         ("démonte", "démontons", "demonteert", "demonteren"),
         ("entretient", "entretenons", "onderhoudt", "onderhouden")]
# (French with article, French without, Dutch)
OBJECTS = [("les meubles de bureau", "meubles de bureau", "kantoormeubilair"),
           ("le textile usagé", "textile usagé", "gebruikt textiel"),
           ("les matériaux de construction", "matériaux de construction", "bouwmaterialen"),
           ("les ordinateurs portables", "ordinateurs portables", "laptops"),
           ("les invendus alimentaires", "invendus alimentaires", "onverkochte voeding"),
           ("les palettes en bois", "palettes en bois", "houten paletten"),
           ("les vélos abandonnés", "vélos abandonnés", "achtergelaten fietsen"),
           ("les appareils électroménagers", "appareils électroménagers", "huishoudtoestellen"),
           ("les emballages réutilisables", "emballages réutilisables", "herbruikbare verpakkingen"),
           ("les chutes de bois", "chutes de bois", "houtresten"),
           ("les smartphones", "smartphones", "smartphones"),
           ("les vêtements de travail", "vêtements de travail", "werkkledij"),
           ("les portes et châssis", "portes et châssis", "deuren en ramen"),
           ("les luminaires", "luminaires", "verlichtingsarmaturen"),
           ("les déchets organiques", "déchets organiques", "organisch afval"),
           ("le matériel de chantier", "matériel de chantier", "werfmateriaal"),
           ("les jouets", "jouets", "speelgoed"),
           ("les carrelages anciens", "carrelages anciens", "oude tegels")]
COMPLEMENTS = [("pour les entreprises bruxelloises", "voor Brusselse bedrijven"),
               ("avec des pièces de réemploi", "met hergebruikte onderdelen"),
               ("dans un atelier {de_fr}", "in een werkplaats in {nl}"),
               ("depuis {year}", "sinds {year}"),
               ("en circuit court", "in de korte keten"),
               ("pour les écoles et les administrations", "voor scholen en besturen"),
               ("avec une garantie d'un an", "met een jaar garantie"),
               ("au plus près des quartiers", "dicht bij de wijken"),
               ("avec d'autres membres du cluster", "samen met andere leden van de cluster"),
               ("sans produits chimiques agressifs", "zonder agressieve chemicaliën"),
               ("à la demande", "op aanvraag"),
               ("pour les particuliers", "voor particulieren"),
               ("à {fr} et dans toute la région", "in {nl} en in het hele gewest")]
ACT_NOUNS = [("Réparation", "Herstelling van"), ("Réemploi", "Hergebruik van"),
             ("Collecte", "Inzameling van"), ("Reconditionnement", "Revisie van"),
             ("Location", "Verhuur van"), ("Recyclage", "Recyclage van"),
             ("Conception circulaire", "Circulair ontwerp van"),
             ("Tri et valorisation", "Sortering en valorisatie van"),
             ("Entretien", "Onderhoud van"), ("Démontage sélectif", "Selectieve demontage van")]
MATERIALS = [("bois", "hout"), ("textile", "textiel"), ("métal", "metaal"), ("verre", "glas"),
             ("papier", "papier"), ("matériaux", "materialen"), ("plastique", "plastic"),
             ("déchets électroniques", "elektronisch afval")]
GOALS = [("prolonger la durée de vie des objets", "de levensduur van voorwerpen verlengen"),
         ("réduire les déchets à la source", "afval aan de bron verminderen"),
         ("créer des emplois locaux et durables", "lokale en duurzame banen creëren"),
         ("rendre la réparation accessible à tous", "herstellen voor iedereen toegankelijk maken"),
         ("boucler les flux de matières à Bruxelles", "materiaalstromen in Brussel sluiten"),
         ("prouver qu'une économie sans gaspillage est rentable",
          "bewijzen dat een economie zonder verspilling rendabel is")]
CLIENTS = [("des entreprises, des écoles et des associations", "bedrijven, scholen en verenigingen"),
           ("des communes et des CPAS", "gemeenten en OCMW's"),
           ("des particuliers du quartier", "particulieren uit de buurt"),
           ("des bureaux d'architectes et des entrepreneurs", "architectenbureaus en aannemers"),
           ("des commerces et des restaurants", "winkels en restaurants")]
OFFER_EXTRAS = [("Devis gratuit sous 48 heures.", "Gratis offerte binnen 48 uur."),
                ("Enlèvement et livraison dans les 19 communes.",
                 "Ophaling en levering in de 19 gemeenten."),
                ("Tarifs dégressifs pour les grands volumes.", "Degressieve tarieven voor grote volumes."),
                ("Chaque intervention fait l'objet d'un rapport de traçabilité.",
                 "Elke interventie krijgt een traceerbaarheidsrapport."),
                ("Sur rendez-vous, du lundi au samedi.", "Op afspraak, van maandag tot zaterdag."),
                ("Possible en achat ou en location.", "Mogelijk in aankoop of in huur.")]
HEADINGS = [("Notre mission", "Onze missie"), ("Ce que nous faisons", "Wat we doen"),
            ("Notre méthode", "Onze aanpak"), ("Avec qui nous travaillons", "Met wie we werken"),
            ("Nos engagements", "Onze engagementen"), ("Notre histoire", "Ons verhaal"),
            ("En pratique", "Praktisch")]
LIST_INTROS = [("Nous intervenons notamment sur :", "We werken onder meer met:"),
               ("Concrètement :", "Concreet:"), ("Nos points forts :", "Onze sterke punten:")]

EVENT_TOPICS = [("réparer le mobilier de bureau", "kantoormeubilair herstellen"),
                ("les marchés publics circulaires", "circulaire overheidsopdrachten"),
                ("le réemploi dans la construction", "hergebruik in de bouw"),
                ("l'informatique reconditionnée", "gereviseerde IT"),
                ("la logistique partagée", "gedeelde logistiek"),
                ("les invendus alimentaires", "voedseloverschotten"),
                ("l'écoconception des emballages", "ecodesign van verpakkingen"),
                ("financer la transition circulaire", "de circulaire transitie financieren"),
                ("le textile de seconde main", "tweedehands textiel"),
                ("vendre ses services de réparation", "herstellingsdiensten verkopen")]
EVENT_SENTENCES = [
    ("Membres et partenaires échangent leurs expériences sur le thème « {topic} ».",
     "Leden en partners wisselen ervaringen uit over het thema ‘{topic}’."),
    ("Une demi-journée pour rencontrer des acheteurs et des fournisseurs bruxellois.",
     "Een halve dag om Brusselse kopers en leveranciers te ontmoeten."),
    ("Des membres du cluster présentent des cas concrets et leurs chiffres.",
     "Leden van de cluster stellen concrete cases en hun cijfers voor."),
    ("La rencontre se termine par un moment d'échange informel.",
     "De bijeenkomst eindigt met een informeel moment."),
    ("Les places sont limitées : l'inscription est obligatoire.",
     "Het aantal plaatsen is beperkt: inschrijven is verplicht."),
    ("L'activité est gratuite pour les membres du cluster.",
     "De activiteit is gratis voor de leden van de cluster."),
    ("Un expert présente les règles et les aides disponibles en Région bruxelloise.",
     "Een expert licht de regels en de beschikbare steun in het Brussels Gewest toe."),
    ("Les participants repartent avec une liste d'actions à mettre en œuvre.",
     "De deelnemers gaan naar huis met een lijst acties om uit te voeren."),
    ("Le programme laisse une large place aux questions des participants.",
     "Het programma laat veel ruimte voor vragen van de deelnemers."),
    ("Apportez vos exemples : ils serviront de base aux exercices.",
     "Breng uw eigen voorbeelden mee: ze dienen als basis voor de oefeningen."),
    ("Un café et un lunch de produits locaux sont offerts.",
     "Koffie en een lunch met lokale producten worden aangeboden."),
    ("La séance est donnée en français et en néerlandais.",
     "De sessie wordt in het Frans en het Nederlands gegeven."),
    ("Les supports de présentation sont envoyés aux participants après la séance.",
     "De presentaties worden na de sessie naar de deelnemers gestuurd."),
    ("Le lieu est accessible en transports en commun et aux personnes à mobilité réduite.",
     "De locatie is bereikbaar met het openbaar vervoer en toegankelijk voor personen met een beperkte mobiliteit."),
]
PROGRAMME = [("accueil et présentation des participants", "onthaal en voorstelling van de deelnemers"),
             ("témoignages de deux membres", "getuigenissen van twee leden"),
             ("atelier en petits groupes", "workshop in kleine groepen"),
             ("questions et réponses", "vragen en antwoorden"),
             ("visite des installations", "bezoek aan de installaties"),
             ("conclusions et prochaines étapes", "conclusies en volgende stappen")]
NEWS_TITLES = [("Bienvenue à {name}", "Welkom aan {name}"),
               ("Retour sur la rencontre « {topic_fr} »", "Terugblik op de ontmoeting ‘{topic_nl}’"),
               ("{n} nouveaux membres rejoignent le cluster", "{n} nieuwe leden sluiten aan bij de cluster"),
               ("Nouveau groupe de travail : {topic_fr}", "Nieuwe werkgroep: {topic_nl}"),
               ("Les membres du cluster en chiffres, édition {year}",
                "De leden van de cluster in cijfers, editie {year}")]
NEWS_SENTENCES = [
    ("Le cluster compte désormais plus de {n} membres dans les 19 communes.",
     "De cluster telt nu meer dan {n} leden in de 19 gemeenten."),
    ("Plusieurs membres ont uni leurs forces pour répondre à un marché public.",
     "Verschillende leden sloegen de handen in elkaar om op een overheidsopdracht in te schrijven."),
    ("Les premiers résultats sont encourageants et d'autres projets suivront.",
     "De eerste resultaten zijn bemoedigend en er volgen nog projecten."),
    ("L'équipe du cluster accompagne chaque membre dans ses démarches.",
     "Het clusterteam begeleidt elk lid bij zijn stappen."),
    ("Rendez-vous dans l'agenda pour les prochaines rencontres.",
     "Afspraak in de agenda voor de volgende ontmoetingen."),
    ("Merci à tous les membres et partenaires pour leur engagement.",
     "Dank aan alle leden en partners voor hun inzet."),
    ("Les nouveaux membres viennent de la réparation, du réemploi et de la logistique.",
     "De nieuwe leden komen uit de herstelling, het hergebruik en de logistiek."),
    ("Les administrations bruxelloises intègrent de plus en plus de clauses circulaires.",
     "Brusselse besturen nemen steeds vaker circulaire clausules op."),
    ("Un guide pratique sera publié dans les prochains mois.",
     "Een praktische gids verschijnt in de komende maanden."),
    ("Les membres intéressés peuvent contacter l'équipe du cluster.",
     "Geïnteresseerde leden kunnen contact opnemen met het clusterteam."),
    ("Ce projet est soutenu par la Région de Bruxelles-Capitale.",
     "Dit project wordt gesteund door het Brussels Hoofdstedelijk Gewest."),
    ("Les chiffres montrent une forte hausse de la demande des entreprises.",
     "De cijfers tonen een sterke stijging van de vraag van bedrijven."),
    ("Plusieurs rencontres ont permis de nouer des partenariats durables.",
     "Verschillende ontmoetingen leidden tot duurzame partnerschappen."),
]
NEWS_FACTS = [("des ateliers de réparation dans toutes les communes", "herstelateliers in alle gemeenten"),
              ("des achats publics plus circulaires", "meer circulaire overheidsaankopen"),
              ("un stock partagé de pièces détachées", "een gedeelde voorraad onderdelen"),
              ("des formations pour les nouveaux membres", "opleidingen voor nieuwe leden"),
              ("une plateforme d'échange de matériaux", "een platform om materialen uit te wisselen"),
              ("des visites d'entreprises chaque mois", "elke maand bedrijfsbezoeken")]


# -- helpers ---------------------------------------------------------------------------------

def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def de(word: str) -> str:
    """French 'de' before a noun: d'ordinateurs, de meubles."""
    return ("d'" if fold(word)[:1] in "aeiouyh" else "de ") + word


def words(text: str) -> int:
    return sum(1 for w in text.split() if any(ch.isalnum() for ch in w))


def rand_date(rng: random.Random, span: tuple[dt.date, dt.date]) -> dt.date:
    return span[0] + dt.timedelta(days=rng.randint(0, (span[1] - span[0]).days))


def fit(rng: random.Random, make, limit: int):  # type: ignore[no-untyped-def]
    """make(rng) -> (fr, nl); retried until both fit in `limit` characters."""
    for _ in range(100):
        fr, nl = make(rng)
        if len(fr) <= limit and len(nl) <= limit:
            return fr, nl
    raise RuntimeError("cannot generate a short enough text")


def complement(rng: random.Random) -> tuple[str, str]:
    fr, nl = rng.choice(COMPLEMENTS)
    fr_name, nl_name = COMMUNES[rng.choice(POSTAL_CODES)]
    year = str(rng.randint(1995, 2024))
    return (fr.format(fr=fr_name, de_fr=de(fr_name), year=year), nl.format(nl=nl_name, year=year))


def write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# -- prose, in both languages at once ----------------------------------------------------------

def sentence(rng: random.Random, bold: bool = False) -> tuple[str, str]:
    kind = rng.randrange(6)
    if kind <= 1:
        (sfr, snl), verb, obj, (cfr, cnl) = (rng.choice(SUBJECTS), rng.choice(VERBS),
                                             rng.choice(OBJECTS), complement(rng))
        ofr, onl = obj[0], obj[2]
        if bold:
            ofr, onl = f"**{ofr}**", f"**{onl}**"
        return f"{sfr} {verb[0]} {ofr} {cfr}.", f"{snl} {verb[2]} {onl} {cnl}."
    if kind == 2:
        n, year = rng.randint(5, 400), rng.randint(2015, 2025)
        mfr, mnl = rng.choice(MATERIALS)
        return (f"En {year}, nous avons traité plus de {n} tonnes {de(mfr)}.",
                f"In {year} verwerkten we meer dan {n} ton {mnl}.")
    if kind == 3:
        n = rng.randint(3, 60)
        m = rng.randint(1, max(1, n // 3))
        return (f"L'équipe compte {n} personnes, dont {m} en formation.",
                f"Het team telt {n} mensen, van wie {m} in opleiding.")
    if kind == 4:
        gfr, gnl = rng.choice(GOALS)
        cfr, cnl = rng.choice(CLIENTS)
        return (f"Notre objectif : {gfr}, avec {cfr}.", f"Ons doel: {gnl}, samen met {cnl}.")
    obj, (cfr, cnl) = rng.choice(OBJECTS), complement(rng)
    return (f"Nous prenons aussi en charge {obj[0]} {cfr}.",
            f"We nemen ook {obj[2]} {cnl} voor onze rekening.")


def description(rng: random.Random, lo: int, hi: int) -> tuple[str, str]:
    """Markdown of lo-hi words: a ## heading, 2-4 paragraphs, sometimes a list and a
    second heading, some **bold**."""
    target = rng.randint(lo + 50, hi - 30)     # French is about 10% longer than Dutch
    heading = rng.choice(HEADINGS)
    n_paragraphs = rng.randint(2, 4)
    the_list: tuple[str, str] | None = None
    done_fr = done_nl = 0
    if rng.random() < 0.4:
        intro = rng.choice(LIST_INTROS)
        fr_items, nl_items = [], []
        for obj in rng.sample(OBJECTS, rng.randint(3, 5)):
            cfr, cnl = complement(rng)
            fr_items.append(f"- {obj[0]} {cfr} ;")
            nl_items.append(f"- {obj[2]} {cnl};")
        fr_items[-1] = fr_items[-1][:-2] + "."
        nl_items[-1] = nl_items[-1][:-1] + "."
        the_list = (intro[0] + "\n\n" + "\n".join(fr_items), intro[1] + "\n\n" + "\n".join(nl_items))
        done_fr, done_nl = words(the_list[0]), words(the_list[1])
    second_heading = rng.choice([h for h in HEADINGS if h != heading]) \
        if n_paragraphs >= 3 and rng.random() < 0.5 else None
    blocks = [(f"## {heading[0]}", f"## {heading[1]}")]
    for i in range(n_paragraphs):
        if second_heading and i == n_paragraphs - 1:
            blocks.append((f"## {second_heading[0]}", f"## {second_heading[1]}"))
        # spread what is left over the paragraphs still to write
        goal = max(20, (target - max(done_fr, done_nl)) // (n_paragraphs - i))
        fr: list[str] = []
        nl: list[str] = []
        count = 0
        bold_first = rng.random() < 0.4
        while count < goal:
            s = sentence(rng, bold=bold_first and not fr)
            fr.append(s[0])
            nl.append(s[1])
            count += max(words(s[0]), words(s[1]))
            done_fr, done_nl = done_fr + words(s[0]), done_nl + words(s[1])
        blocks.append((" ".join(fr), " ".join(nl)))
        if the_list and i == 0:
            blocks.append(the_list)
    return ("\n\n".join(b[0] for b in blocks) + "\n", "\n\n".join(b[1] for b in blocks) + "\n")


# -- members ---------------------------------------------------------------------------------

def make_name(rng: random.Random, kind: str, taken: set[str]) -> str:
    prefix = rng.choice(NAME_PREFIXES[kind])
    core = cap("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    parts = [prefix] + ([rng.choice(NAME_TOPICS)] if rng.random() < 0.5 else []) + [core]
    name = " ".join(parts)
    while "".join(ch for ch in fold(name) if ch.isalnum()) in taken:
        name = f"{' '.join(parts)} {rng.randint(2, 999)}"
    taken.add("".join(ch for ch in fold(name) if ch.isalnum()))
    return name


def enterprise_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        first = "0" + "".join(str(rng.randrange(10)) for _ in range(7))
        check = 97 - int(first) % 97
        if check == 97 or int(first) == 0:
            continue
        digits = f"{first}{check:02d}"
        formatted = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
        if formatted not in taken:
            taken.add(formatted)
            return formatted


def tagline(rng: random.Random) -> tuple[str, str]:
    (nfr, nnl), obj, (cfr, cnl) = rng.choice(ACT_NOUNS), rng.choice(OBJECTS), complement(rng)
    if rng.random() < 0.4:
        obj2 = rng.choice([o for o in OBJECTS if o != obj])
        return (f"{nfr} {de(obj[1])} et {de(obj2[1])} {cfr}", f"{nnl} {obj[2]} en {obj2[2]} {cnl}")
    return f"{nfr} {de(obj[1])} {cfr}", f"{nnl} {obj[2]} {cnl}"


def offer(rng: random.Random) -> tuple[tuple[str, str], tuple[str, str]]:
    def title(r: random.Random) -> tuple[str, str]:
        (nfr, nnl), obj = r.choice(ACT_NOUNS), r.choice(OBJECTS)
        if r.random() < 0.5:
            cfr, cnl = complement(r)
            return f"{nfr} {de(obj[1])} {cfr}", f"{nnl} {obj[2]} {cnl}"
        return f"{nfr} {de(obj[1])}", f"{nnl} {obj[2]}"

    def summary(r: random.Random) -> tuple[str, str]:
        verb, obj, (cfr, cnl) = r.choice(VERBS), r.choice(OBJECTS), complement(r)
        efr, enl = r.choice(OFFER_EXTRAS)
        return (f"Nous {verb[1]} {obj[0]} {cfr}. {efr}",
                f"We {verb[3]} {obj[2]} {cnl}. {enl}")

    return fit(rng, title, 70), fit(rng, summary, 250)


def make_member(rng: random.Random, vocab: dict, names: set[str], numbers: set[str]) -> dict:
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    name = make_name(rng, kind, names)
    slug = slugify(name)
    code = rng.choice(POSTAL_CODES)
    activities = rng.sample(list(vocab["activities"]["terms"]), rng.randint(1, 4))
    sectors = rng.sample(list(vocab["sectors"]["terms"]), rng.randint(0, 3))
    m = {
        "slug": slug, "name": name, "kind": kind,
        "enterprise_number": enterprise_number(rng, numbers) if rng.random() < 0.5 else None,
        "member_since": rand_date(rng, MEMBER_SINCE),
        "tagline": fit(rng, tagline, 150),
        "activities": activities, "sectors": sectors,
        "street": f"{rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)} {rng.randint(1, 250)}",
        "postal_code": code,
        "phone": "+32 2 5{}{} {}{} {}{}".format(*(rng.randrange(10) for _ in range(6))),
        "linkedin": rng.random() < 0.3,
        "offers": [],
    }
    for _ in range(rng.randint(1, 3)):
        title, summary = offer(rng)
        audiences = rng.sample(AUDIENCES, rng.randint(1, 3))
        own = rng.sample(activities, rng.randint(1, len(activities))) if rng.random() < 0.2 else []
        m["offers"].append((title, summary, audiences, own))
    m["description"] = description(rng, 150, 400)
    m["has_nl"] = rng.random() >= 0.1
    m["needs"], m["flows"] = opportunities(random.Random(f"{slug}/opportunities"), vocab, activities)
    return m


OPPORTUNITY_SINCE = (dt.date(2026, 5, 1), dt.date(2026, 11, 29))
NEED_TYPES = [("material", 6), ("service", 2), ("partner", 2), ("space", 1), ("funding", 1)]
NEED_WORDS = {"material": ("Recherche", "Gezocht"), "service": ("Service pour", "Dienst voor"),
              "partner": ("Partenaire pour", "Partner voor"), "space": ("Espace pour", "Ruimte voor"),
              "funding": ("Financement pour", "Financiering voor")}


def opportunities(rng: random.Random, vocab: dict, activities: list[str]) -> tuple[list, list]:
    """About 60 % of members post 1-3 needs and 1-3 flows, materials drawn from the
    vocabulary (a separate generator per member: the rest of the corpus is unchanged)."""
    if rng.random() >= 0.6:
        return [], []
    materials = vocab["materials"]["terms"]
    keys = list(materials)
    needs = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choices([k for k, _ in NEED_TYPES], weights=[w for _, w in NEED_TYPES])[0]
        chosen = rng.sample(keys, rng.randint(1, 2)) if kind == "material" or rng.random() < 0.3 else []
        wanted = rng.sample(activities, 1) if kind in ("service", "partner") else []
        label = materials[chosen[0]] if chosen else {"fr": "notre projet", "nl": "ons project"}
        fr, nl = NEED_WORDS[kind]
        since = rand_date(rng, OPPORTUNITY_SINCE)
        until = since + dt.timedelta(days=rng.randint(30, 365)) if rng.random() < 0.5 else None
        needs.append({"title": (f"{fr} : {label['fr'].lower()}", f"{nl}: {label['nl'].lower()}"),
                      "summary": fit(rng, lambda r: sentence(r), 250), "type": kind,
                      "materials": chosen, "activities": wanted, "since": since, "until": until})
    flows = []
    for _ in range(rng.randint(1, 3)):
        flows.append({"direction": "out" if rng.random() < 0.7 else "in",
                      "material": rng.choice(keys),
                      "waste_code": f"{rng.randint(1, 20):02d} {rng.randint(1, 12):02d} {rng.randint(1, 99):02d}"
                                    + ("*" if rng.random() < 0.05 else "") if rng.random() < 0.6 else None,
                      "quantity": (rng.choice([0.5, 1, 2, 5, 20, 150, 300]), rng.choice(["t", "kg", "m3", "pieces"]),
                                   rng.choice(["week", "month", "year", "once"])) if rng.random() < 0.7 else None,
                      "summary": fit(rng, lambda r: sentence(r), 250),
                      "since": rand_date(rng, OPPORTUNITY_SINCE)})
    return needs, flows


def member_yaml(m: dict) -> str:
    slug = m["slug"]
    lines = ["# yaml-language-server: $schema=../../schemas/member.schema.json",
             f"name: {q(m['name'])}", f"kind: {m['kind']}"]
    if m["enterprise_number"]:
        lines.append(f"enterprise_number: {q(m['enterprise_number'])}")
    lines += [f"member_since: {m['member_since'].isoformat()}",
              "tagline:", f"  fr: {q(m['tagline'][0])}", f"  nl: {q(m['tagline'][1])}",
              f"activities: [{', '.join(m['activities'])}]"]
    if m["sectors"]:
        lines.append(f"sectors: [{', '.join(m['sectors'])}]")
    lines += ["address:", f"  street: {q(m['street'])}", f"  postal_code: {q(m['postal_code'])}",
              f"  municipality: {q(COMMUNES[m['postal_code']][0])}",
              "contact:", f"  email: {q(f'info@{slug}.be')}", f"  phone: {q(m['phone'])}",
              f"  website: {q(f'https://www.{slug}.be')}"]
    if m["linkedin"]:
        lines.append(f"  linkedin: {q(f'https://www.linkedin.com/company/{slug}')}")
    lines.append("logo: logo.png")
    lines.append("offers:")
    for (tfr, tnl), (sfr, snl), audiences, activities in m["offers"]:
        lines += ["  - title:", f"      fr: {q(tfr)}", f"      nl: {q(tnl)}",
                  "    summary:", f"      fr: {q(sfr)}", f"      nl: {q(snl)}",
                  f"    audiences: [{', '.join(audiences)}]"]
        if activities:
            lines.append(f"    activities: [{', '.join(activities)}]")
    if m["needs"]:
        lines.append("needs:")
    for need in m["needs"]:
        (tfr, tnl), (sfr, snl) = need["title"], need["summary"]
        lines += ["  - title:", f"      fr: {q(tfr)}", f"      nl: {q(tnl)}",
                  "    summary:", f"      fr: {q(sfr)}", f"      nl: {q(snl)}",
                  f"    type: {need['type']}", f"    since: {need['since'].isoformat()}"]
        if need["materials"]:
            lines.append(f"    materials: [{', '.join(need['materials'])}]")
        if need["activities"]:
            lines.append(f"    activities: [{', '.join(need['activities'])}]")
        if need["until"]:
            lines.append(f"    until: {need['until'].isoformat()}")
    if m["flows"]:
        lines.append("flows:")
    for flow in m["flows"]:
        sfr, snl = flow["summary"]
        lines += [f"  - direction: {flow['direction']}", f"    material: {flow['material']}",
                  "    summary:", f"      fr: {q(sfr)}", f"      nl: {q(snl)}",
                  f"    since: {flow['since'].isoformat()}"]
        if flow["waste_code"]:
            lines.append(f"    waste_code: {q(flow['waste_code'])}")
        if flow["quantity"]:
            amount, unit, per = flow["quantity"]
            lines.append(f"    quantity: {{amount: {amount}, unit: {unit}, per: {per}}}")
    return "\n".join(lines) + "\n"


# -- logos (in worker processes) ---------------------------------------------------------------

_FONTS: dict[int, ImageFont.ImageFont | ImageFont.FreeTypeFont] = {}
_GRADIENT = None


def _font(size: int):  # type: ignore[no-untyped-def]
    if size not in _FONTS:
        _FONTS[size] = ImageFont.load_default(size=size)
    return _FONTS[size]


def _colour(rng: random.Random) -> tuple[int, int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256), 255)


def draw_logo(job: tuple[int, int, str, str]) -> int:
    """Draw one logo; return its size in bytes. job = (seed, index, initials, path)."""
    global _GRADIENT
    seed, index, initials, path = job
    rng = random.Random(seed * 1_000_003 + index)
    if _GRADIENT is None:
        _GRADIENT = Image.linear_gradient("L")
    w, h = rng.choice([(600, 600), (800, 400)])
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    # a badge filled with a two-colour gradient
    m = min(w, h) // rng.randint(12, 20)
    bw, bh = w - 2 * m, h - 2 * m
    gradient = _GRADIENT if rng.random() < 0.5 else _GRADIENT.transpose(Image.Transpose.ROTATE_90)
    fill = Image.composite(Image.new("RGBA", (bw, bh), _colour(rng)),
                           Image.new("RGBA", (bw, bh), _colour(rng)),
                           gradient.resize((bw, bh), Image.Resampling.BILINEAR))
    mask = Image.new("L", (bw, bh), 0)
    md = ImageDraw.Draw(mask)
    if w == h and rng.random() < 0.5:
        md.ellipse((0, 0, bw - 1, bh - 1), fill=255)
    else:
        md.rounded_rectangle((0, 0, bw - 1, bh - 1), radius=rng.randrange(10, min(bw, bh) // 3), fill=255)
    img.paste(fill, (m, m), mask)
    # a few shapes
    d = ImageDraw.Draw(img)
    side = min(w, h)
    for _ in range(rng.randint(3, 6)):
        colour = _colour(rng)
        x, y, s = rng.randrange(w), rng.randrange(h), rng.randrange(side // 10, side // 3)
        shape = rng.randrange(4)
        if shape == 0:
            d.ellipse((x - s, y - s, x + s, y + s), fill=colour)
        elif shape == 1:
            d.polygon([(rng.randrange(w), rng.randrange(h)) for _ in range(3)], fill=colour)
        elif shape == 2:
            d.arc((x - s, y - s, x + s, y + s), rng.randrange(360), rng.randrange(360),
                  fill=colour, width=rng.randrange(8, 40))
        else:
            d.line([(rng.randrange(w), rng.randrange(h)) for _ in range(3)], fill=colour,
                   width=rng.randrange(6, 30), joint="curve")
    # the initials
    light = rng.random() < 0.7
    d.text((w / 2, h / 2), initials, font=_font(int(h * rng.uniform(0.3, 0.42))),
           fill=(255, 255, 255, 255) if light else (20, 20, 20, 255), anchor="mm",
           stroke_width=6, stroke_fill=(0, 0, 0, 255) if light else (255, 255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False, compress_level=1)   # fast; 20-50 KB
    data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def initials(name: str) -> str:
    letters = [w[0] for w in fold(name).split() if w[0].isalpha()]
    return "".join(letters[:3]).upper() or "M"


# -- events and news -----------------------------------------------------------------------------

def body(rng: random.Random, lo: int, hi: int, pieces, fmt: tuple[dict, dict],  # type: ignore[no-untyped-def]
         heading: tuple[str, str], items) -> tuple[str, str]:
    """lo-hi words of paragraphs made of `pieces` (no sentence twice in a paragraph);
    half the time a heading and a list of `items` after the first paragraph."""
    target = rng.randint(lo, hi - 30)
    extra: list[tuple[str, str]] = []
    if rng.random() < 0.5:
        chosen = rng.sample(items, rng.randint(3, min(5, len(items))))
        extra = [(f"## {heading[0]}", f"## {heading[1]}"),
                 ("\n".join(f"- {a} ;" for a, _ in chosen)[:-2] + ".",
                  "\n".join(f"- {b};" for _, b in chosen)[:-1] + ".")]
    count_fr = sum(words(b[0]) for b in extra)
    count_nl = sum(words(b[1]) for b in extra)
    paragraphs: list[tuple[list[str], list[str]]] = []
    size = 0
    # stop at the target, or before the longer language could pass `hi`
    while min(count_fr, count_nl) < target and max(count_fr, count_nl) < hi - 22:
        if not paragraphs or len(paragraphs[-1][0]) >= size:
            paragraphs.append(([], []))
            size = rng.randint(2, 4)
            order = rng.sample(pieces, len(pieces))
        pfr, pnl = order.pop()
        pfr, pnl = pfr.format(**fmt[0]), pnl.format(**fmt[1])
        paragraphs[-1][0].append(pfr)
        paragraphs[-1][1].append(pnl)
        count_fr, count_nl = count_fr + words(pfr), count_nl + words(pnl)
    blocks = [(" ".join(a), " ".join(b)) for a, b in paragraphs]
    blocks[1:1] = extra
    return "\n\n".join(b[0] for b in blocks) + "\n", "\n\n".join(b[1] for b in blocks) + "\n"


def two_sentences(rng: random.Random, pieces, fmt_fr: dict, fmt_nl: dict) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    a, b = rng.sample(pieces, 2)
    return f"{a[0]} {b[0]}".format(**fmt_fr), f"{a[1]} {b[1]}".format(**fmt_nl)


def short_slug(text: str, suffix: int) -> str:
    base = slugify(text)[:60].strip("-")
    return f"{base}-{suffix}"


def make_event(rng: random.Random, index: int, vocab: dict, slugs: list[str]) -> tuple[str, str, str]:
    types = vocab["event_types"]["terms"]
    type_key = rng.choice(list(types))
    tfr, tnl = rng.choice(EVENT_TOPICS)
    title_fr = f"{types[type_key]['fr']} : {tfr}"
    title_nl = f"{types[type_key]['nl']}: {tnl}"
    summary = two_sentences(rng, EVENT_SENTENCES, {"topic": tfr}, {"topic": tnl})
    day = rand_date(rng, EVENT_DAYS)
    start = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.choice([0, 15, 30, 45])))
    end = start + dt.timedelta(minutes=rng.choice([120, 150, 180]))
    vname, vstreet, vcode = rng.choice(VENUES)
    vfr = COMMUNES[vcode][0]
    shared = [f"type: {type_key}",
              f"start: {start:%Y-%m-%d %H:%M}", f"end: {end:%Y-%m-%d %H:%M}",
              "venue:", f"  name: {q(vname)}", f"  street: {q(vstreet)}",
              f"  postal_code: {q(vcode)}", f"  municipality: {q(vfr)}"]
    if slugs and rng.random() < 0.6:
        chosen = rng.sample(slugs, min(len(slugs), rng.randint(1, 3)))
        shared.append(f"members: [{', '.join(chosen)}]")
    bfr, bnl = body(rng, 80, 150, EVENT_SENTENCES, ({"topic": tfr}, {"topic": tnl}),
                    ("Programme", "Programma"), PROGRAMME)
    name = f"{type_key}-{index + 1:05d}"
    n = index + 1
    fr = "\n".join(["---", f"title: {q(cap(title_fr))}", f"slug: {short_slug(title_fr, n)}",
                    f"summary: {q(summary[0])}", *shared, "---", bfr.rstrip("\n")]) + "\n"
    nl = "\n".join(["---", f"title: {q(cap(title_nl))}", f"slug: {short_slug(title_nl, n)}",
                    f"summary: {q(summary[1])}", *shared, "---", bnl.rstrip("\n")]) + "\n"
    return name, fr, nl


def make_news(rng: random.Random, index: int, names: list[str], n_members: int) -> tuple[str, str, str]:
    tfr, tnl = rng.choice(EVENT_TOPICS)
    fmt = {"name": rng.choice(names) if names else "circlemade.brussels", "topic_fr": tfr,
           "topic_nl": tnl, "n": rng.randint(3, 40), "year": rng.randint(2019, 2026)}
    title = rng.choice(NEWS_TITLES)
    title_fr, title_nl = cap(title[0].format(**fmt)), cap(title[1].format(**fmt))
    summary = two_sentences(rng, NEWS_SENTENCES, {"n": n_members}, {"n": n_members})
    bfr, bnl = body(rng, 120, 246, NEWS_SENTENCES + EVENT_SENTENCES[:3],
                    ({"n": n_members, "topic": tfr}, {"n": n_members, "topic": tnl}),
                    ("En bref", "In het kort"), NEWS_FACTS)
    if rng.random() < 0.5 and "## " not in bfr:       # a heading in the middle
        h = rng.choice(HEADINGS)
        pf, pn = bfr.split("\n\n"), bnl.split("\n\n")
        at = max(1, len(pf) // 2)
        pf.insert(at, f"## {h[0]}")
        pn.insert(at, f"## {h[1]}")
        bfr, bnl = "\n\n".join(pf), "\n\n".join(pn)
    # and some bold
    bfr = bfr.replace("19 communes", "**19 communes**", 1)
    bnl = bnl.replace("19 gemeenten", "**19 gemeenten**", 1)
    date = rand_date(rng, NEWS_DAYS)
    n = index + 1
    name = f"news-{n:05d}"
    fr = "\n".join(["---", f"title: {q(title_fr)}", f"slug: {short_slug(title_fr, n)}",
                    f"summary: {q(summary[0])}", f"date: {date.isoformat()}", "---",
                    bfr.rstrip("\n")]) + "\n"
    nl = "\n".join(["---", f"title: {q(title_nl)}", f"slug: {short_slug(title_nl, n)}",
                    f"summary: {q(summary[1])}", f"date: {date.isoformat()}", "---",
                    bnl.rstrip("\n")]) + "\n"
    return name, fr, nl


# -- the project -------------------------------------------------------------------------------

def copy_tree(src: Path, dest: Path) -> None:
    """Copy files (bytes only, no metadata) in a stable order."""
    for path in sorted(src.rglob("*")):
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file() and "__pycache__" not in path.parts:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def benchmark_settings(text: str) -> str:
    """The sample's site.yaml without what the peer (Hugo + Pagefind) has no counterpart
    for: the CMS at /admin/ (its bundle lives in the repository's cms/node_modules) and
    the printed directory (measured apart, see run.py)."""
    text = re.sub(r"^cms:.*\n", "", text, flags=re.MULTILINE)
    text, found = re.subn(r"^print:.*$", "print: false", text, flags=re.MULTILINE)
    return text if found else text + "print: false\n"


def copy_base(out: Path) -> None:
    content = ROOT / "content"
    (out / "content").mkdir(parents=True)
    for name in ("vocabularies.yaml", "accessibility.yaml"):
        shutil.copyfile(content / name, out / "content" / name)
    write(out / "content" / "site.yaml", benchmark_settings((content / "site.yaml").read_text(encoding="utf-8")))
    copy_tree(content / "pages", out / "content" / "pages")
    copy_tree(content / "campaigns", out / "content" / "campaigns")
    if (content / "overrides").is_dir():
        copy_tree(content / "overrides", out / "content" / "overrides")
    copy_tree(ROOT / "themes", out / "themes")
    for name in ("events", "news"):
        (out / "content" / name).mkdir()
    (out / "members").mkdir()


def retarget_campaigns(out: Path, rng: random.Random, members: list[dict]) -> None:
    """Point each campaign's features.members at generated members (same in every language)."""
    folder = out / "content" / "campaigns"
    repairers = [m["slug"] for m in members if "repair" in m["activities"] or "reuse" in m["activities"]]
    candidates = repairers if len(repairers) >= 2 else [m["slug"] for m in members]
    names = sorted({p.name.split(".")[0] for p in folder.glob("*.md")})
    for name in names:
        chosen = rng.sample(candidates, min(2, len(candidates)))
        for path in sorted(folder.glob(f"{name}.*.md")):
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"^([ \t]+members:[ \t]*)\[[^\]\n]*\][ \t]*$", lambda mt: f"{mt[1]}[{', '.join(chosen)}]",
                          text, flags=re.MULTILINE)
            write(path, text)


def generate(n: int, out: Path, seed: int, jobs: int) -> dict:
    vocab = yaml.safe_load((ROOT / "content" / "vocabularies.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    copy_base(out)

    names: set[str] = set()
    numbers: set[str] = set()
    members = []
    slugs: set[str] = set()
    for _ in range(n):
        m = make_member(rng, vocab, names, numbers)
        assert m["slug"] not in slugs, m["slug"]
        slugs.add(m["slug"])
        members.append(m)

    logo_jobs = []
    for index, m in enumerate(members):
        folder = out / "members" / m["slug"]
        folder.mkdir()
        write(folder / "member.yaml", member_yaml(m))
        write(folder / "fr.md", m["description"][0])
        if m["has_nl"]:
            write(folder / "nl.md", m["description"][1])
        logo_jobs.append((seed, index, initials(m["name"]), str(folder / "logo.png")))

    member_slugs = [m["slug"] for m in members]
    for i in range(n // 10):
        name, fr, nl = make_event(rng, i, vocab, member_slugs)
        write(out / "content" / "events" / f"{name}.fr.md", fr)
        write(out / "content" / "events" / f"{name}.nl.md", nl)
    member_names = [m["name"] for m in members]
    for i in range(n // 20):
        name, fr, nl = make_news(rng, i, member_names, n)
        write(out / "content" / "news" / f"{name}.fr.md", fr)
        write(out / "content" / "news" / f"{name}.nl.md", nl)
    retarget_campaigns(out, rng, members)

    if jobs <= 1 or len(logo_jobs) < 16:
        sizes = [draw_logo(job) for job in logo_jobs]
    else:
        with multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Pool(jobs) as pool:
            sizes = list(pool.imap_unordered(draw_logo, logo_jobs, chunksize=16))
    return {"members": n, "events": n // 10, "news": n // 20,
            "logo_bytes": sum(sizes), "without_nl": sum(not m["has_nl"] for m in members)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of members")
    parser.add_argument("outdir", type=Path, help="the project folder to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true",
                        help=f"delete OUTDIR first if it is not empty (only a folder this script "
                        f"wrote, which holds {MARKER})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes drawing logos (default: every core)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be 0 or more")
    out = args.outdir.absolute()
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        print(f"error: {out} is not a folder", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"error: {out} exists and is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        # --force deletes only a corpus that this script wrote: never /tmp, a home folder or
        # the repository because of a mistyped path.
        if not (out / MARKER).is_file() or out.resolve() == ROOT or ROOT.is_relative_to(out.resolve()):
            print(f"error: refusing to delete {out}: it holds no {MARKER} (it was not written "
                  "by make_corpus.py); remove it yourself or choose another folder", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    write(out / MARKER, "Written by bench/make_corpus.py; `make_corpus.py --force` may delete this folder.\n")
    stats = generate(args.n, out, args.seed, max(1, args.jobs))
    print(f"{out}: {stats['members']} members ({stats['without_nl']} without nl.md, logos "
          f"{stats['logo_bytes'] / 1e6:.1f} MB), {stats['events']} events, {stats['news']} news items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
