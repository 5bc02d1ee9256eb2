"""The content schemas: one source for validation, the JSON Schema editors use, and the docs.

Each format is a pydantic model that forbids unknown keys. `diagnose.validate()` turns a
parsed YAML document into the model or into Diagnostics that name the file, the line and
column, the field, what was expected and an example.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import email_validator
import phonenumbers
import pydantic
import stdnum.be.vat
import stdnum.exceptions
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
)
from pydantic_core import PydanticCustomError

from circlemade_site import links, spoofing
from circlemade_site.errors import N_, Message, msg
from circlemade_site.models import HIDEABLE
from circlemade_site.slugs import SLUG_PATTERN

LANG_PATTERN = r"^[a-z]{2,3}$"
HTTPS_PATTERN = r"^https://[^\s]+$"
LINK_PATTERN = r"^(https://|http://|mailto:)[^\s]+$"
ORIGIN_PATTERN = r"^https?://[^/\s]+$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
LOCALE_PATTERN = r"^[a-z]{2,3}(_[A-Z]{2})?$"
POSTAL_CODE_PATTERN = r"^[0-9]{4}$"
LOGIN_PATTERN = r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$"   # a GitHub login (39 characters at most)
REPOSITORY_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$"
WASTE_CODE_PATTERN = r"^(0[1-9]|1[0-9]|20) [0-9]{2} [0-9]{2}\*?$"   # the 20 chapters of the List of Waste
CPV_PATTERN = r"^[0-9]{8}-[0-9]$"      # a Common Procurement Vocabulary code, 45453000-7
WCAG_CRITERION_PATTERN = r"^[1-4]\.[0-9]{1,2}\.[0-9]{1,2}$"
# The forms of member values as JSON Schema patterns, for editors (reference.py): each
# accepts every value its check accepts (the test of the schemas feeds both the same
# corpus); what a pattern cannot say (checksums, number plans, domain rules) only the
# check sees, and docs/member-reference.md lists it.
_NOT_IN_ADDRESS = r'\s@()<>,;:\\"\[\]'       # what an e-mail address never holds
_ADDR = f"[^{_NOT_IN_ADDRESS}]"
EMAIL_FORM = (f"^(?!\\.)(?!.*\\.\\.){_ADDR}*[^{_NOT_IN_ADDRESS}.]@(?!-)(?:{_ADDR}+\\.)+"
              f"{_ADDR}*[^{_NOT_IN_ADDRESS}.0-9]{_ADDR}*$")    # a top-level domain is not a number
PHONE_FORM = r"^[ ()./-]*\+?[ ()./-]*(?:[0-9][ ()./-]*){6,17}$"   # digits, + and separators
_HTTP = r"[Hh][Tt][Tt][Pp][Ss]?://(?:[^\s/?#]*@)?"
_PORT_PATH = r"(?::[^\s/?#]*)?(?:[/?#]\S*)?$"
URL_FORM = rf"^{_HTTP}[^\s/?#@:]*\.[^\s/?#@:]*{_PORT_PATH}"      # a host name with a dot
LINKEDIN_FORM = rf"^{_HTTP}(?:[^\s/?#@:]*\.)?[Ll][Ii][Nn][Kk][Ee][Dd][Ii][Nn]\.[Cc][Oo][Mm]{_PORT_PATH}"
_SEP = "[ ./-]*"
ENTERPRISE_NUMBER_FORM = (rf"^{_SEP}(?:[Bb]{_SEP}[Ee]{_SEP})?(?:\(0\){_SEP}|[01]{_SEP})?"
                          rf"(?:[0-9]{_SEP}){{9}}$")   # ten digits, the first 0 or 1, or nine
LOGO_FORM = r"^[^/\\.][^/\\]*\.(?:[Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg]|[Ww][Ee][Bb][Pp]|[Ss][Vv][Gg])$"
PATTERN_NAMES = {
    WCAG_CRITERION_PATTERN: N_("a WCAG success criterion such as 1.1.1"),
    LOGIN_PATTERN: N_("a GitHub login (letters, digits and single hyphens, 39 at most)"),
    REPOSITORY_PATTERN: N_("a GitHub repository, owner/name"),
    WASTE_CODE_PATTERN: N_("a code of the European List of Waste (three pairs of digits, the "
                        "first from 01 to 20, then * if the waste is hazardous)"),
    POSTAL_CODE_PATTERN: N_("a Belgian postal code (four digits)"),
    CPV_PATTERN: N_("a code of the Common Procurement Vocabulary (eight digits, a hyphen and a "
                    "check digit, such as 45453000-7)"),
    HTTPS_PATTERN: N_("an https:// address"),
    LINK_PATTERN: N_("a link starting with https://, http:// or mailto:"),
    ORIGIN_PATTERN: N_("a site address such as https://circlemade.brussels (no trailing slash)"),
    EMAIL_PATTERN: N_("an e-mail address"),
    LOCALE_PATTERN: N_("a locale such as fr_BE"),
    EMAIL_FORM: N_("an e-mail address"),
    PHONE_FORM: N_("a phone number (digits, spaces and +)"),
    URL_FORM: N_("a web address starting with https:// or http://"),
    LINKEDIN_FORM: N_("a LinkedIn address"),
    ENTERPRISE_NUMBER_FORM: N_("a Belgian enterprise number (ten digits)"),
    LOGO_FORM: N_("the name of a PNG, JPEG, WebP or SVG file in this folder"),
}

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=80,
                            examples=["a-propos"])]
LangCode = Annotated[str, Field(pattern=LANG_PATTERN, examples=["fr"])]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LocalizedText = Annotated[dict[LangCode, ShortText], Field(
    description="The text per language code", examples=[{"fr": "À propos", "nl": "Over ons"}])]


class Strict(BaseModel):
    """Unknown keys are errors; strings are trimmed; numbers are accepted as text."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              coerce_numbers_to_str=True)


# Examples in words (a title, a street) are marked N_: a hint shows them in the language of
# the file the problem is in (errors.Example).

# ---------------------------------------------------------------------------------------
# content/site.yaml


class MenuItem(Strict):
    """A menu entry: a page of content/pages by name, a section of the site, or an
    external link with a label."""

    page: Slug | None = Field(None, description="Name of a page in content/pages (file name "
                              "without language and extension)", examples=["about"])
    section: Literal["members", "offers", "events", "news", "campaigns", "opportunities",
                     "groups", "projects"] | None = Field(
        None, description="A section of the site", examples=["members"])
    url: Annotated[str, Field(pattern=LINK_PATTERN, max_length=500)] | None = Field(
        None, description="An external link", examples=["https://hub.brussels"])
    label: LocalizedText | None = Field(None, description="Label per language; defaults to "
                                        "the page title")

    @pydantic.model_validator(mode="after")
    def _one_target(self) -> MenuItem:
        if sum(x is not None for x in (self.page, self.url, self.section)) != 1:
            raise invalid(msg("give one of `page`, `section` or `url`"))
        if self.url is not None and self.label is None:
            raise invalid(msg("an external link needs a `label`"))
        return self


Login = Annotated[str, Field(pattern=LOGIN_PATTERN, max_length=39, examples=["atelier-exemple"])]


class Repository(Strict):
    """Where the site's sources are on GitHub: the members' upload link, CODEOWNERS."""

    github: Annotated[str, Field(pattern=REPOSITORY_PATTERN)] = Field(
        description="owner/name on GitHub", examples=["hubbrussels/circlemade-site"])
    branch: Slug = Field("main", description="The branch the site is built from",
                         examples=["main"])


class Freshness(Strict):
    """How long a member's profile stays trusted after its `reviewed` date."""

    hide_contact_after_months: Annotated[int, Field(ge=1, le=240)] = Field(
        24, description="A profile reviewed more than this many months before the build's "
        "date publishes none of its contact details and says it awaits an update",
        examples=[24])


class Cms(Strict):
    """Decap CMS at /admin/ for the communications team (docs/content.md, "The CMS"): its
    forms come from these schemas; it saves to the GitHub repository of `repository`."""

    backend: Literal["github"] = Field(description="Where the CMS saves: the GitHub "
                                       "repository named by `repository`", examples=["github"])
    auth_url: Annotated[str, Field(pattern=ORIGIN_PATTERN)] = Field(
        "https://api.netlify.com", description="The OAuth provider that signs editors in to "
        "GitHub (Netlify's by default)", examples=["https://api.netlify.com"])
    editorial_workflow: bool = Field(True, description="Each save is a branch and a pull "
                                     "request (true), or a commit to the branch (false)")
    open_authoring: bool = Field(True, description="People without write access to the "
                                 "repository save to a fork and open a pull request")


class SiteSettings(Strict):
    """content/site.yaml: the site's settings."""

    title: LocalizedText = Field(description="Site name per language")
    tagline: LocalizedText = Field(description="One-line description of the site per language")
    base_url: Annotated[str, Field(pattern=ORIGIN_PATTERN)] = Field(
        description="Public address of the site, without a trailing slash",
        examples=["https://circlemade.brussels"])
    languages: Annotated[list[LangCode], Field(min_length=1, max_length=8)] = Field(
        description="Languages of the site, the default first or anywhere", examples=[["fr", "nl"]])
    default_language: LangCode = Field(description="Language of x-default and fallbacks",
                                       examples=["fr"])
    locales: dict[LangCode, Annotated[str, Field(pattern=LOCALE_PATTERN)]] = Field(
        default_factory=dict, description="Babel locale per language (default: <lang>_BE)",
        examples=[{"fr": "fr_BE", "nl": "nl_BE"}])
    theme: Slug = Field(description="Folder in themes/", examples=["circlemade"])
    sections: dict[Slug, dict[LangCode, Slug]] = Field(
        default_factory=dict, description="Localised URL segment of each section, per language",
        examples=[{"members": {"fr": "membres", "nl": "leden"}}])
    menus: dict[Slug, list[MenuItem]] = Field(
        default_factory=dict, description="Named menus (main, footer, home) of pages or links")
    contact_email: Annotated[str, Field(pattern=EMAIL_PATTERN)] = Field(
        description="Generic contact address shown in the footer",
        examples=["info@circlemade.brussels"])
    organisation: LocalizedText | None = Field(
        None, description="Who runs the site, per language, shown in the footer")
    organisation_url: Annotated[str, Field(pattern=HTTPS_PATTERN)] | None = None
    repository: Repository | None = Field(None, description="The site's repository on GitHub")
    team: Annotated[list[Login], Field(max_length=50)] = Field(
        default_factory=list, description="GitHub logins of the communications team: they may "
        "change anything in a pull request; members only their own folders",
        examples=[["equipe-circlemade"]])
    required_languages: Annotated[list[LangCode], Field(max_length=8)] | None = Field(
        None, description="Languages every page, event, news item, campaign and the "
        "accessibility statement must be written in (a missing one is a build error); the "
        "other languages of the site fall back. Default: [fr, nl]", examples=[["fr", "nl"]])
    listing_page_size: Annotated[int, Field(ge=10, le=100_000)] = Field(
        1000, description="Members (or offers) per page of the directory, the offers catalogue "
        "and their facet pages; a longer listing continues on numbered pages (/fr/membres/2/)",
        examples=[1000])
    freshness: Freshness = Field(default_factory=Freshness,
                                 description="When old profiles stop publishing their contact "
                                 "details", examples=[{"hide_contact_after_months": 24}])
    print: bool = Field(False, description="true to publish the directory as a PDF to print "
                        "per language (/fr/annuaire.pdf, /nl/ledenlijst.pdf), made with "
                        "WeasyPrint, which needs the Pango library", examples=[True])
    cms: Cms | None = Field(None, description="Decap CMS at /admin/ (needs `repository`)",
                            examples=[{"backend": "github"}])


# ---------------------------------------------------------------------------------------
# content/pages/<name>.<lang>.md front matter


class PageFront(Strict):
    """Front matter of a page, content/pages/<name>.<lang>.md."""

    title: ShortText = Field(description="Title of the page (its h1)", examples=[N_("À propos")])
    slug: Slug | None = Field(None, description="URL segment in this language; defaults to "
                              "the file name. The home page has none.", examples=["a-propos"])
    description: Annotated[str, Field(max_length=300)] = Field(
        "", description="One sentence for search engines and link previews")
    lead: Annotated[str, Field(max_length=600)] = Field(
        "", description="Introductory paragraph shown under the title")
    draft: bool = Field(False, description="Drafts are published only with --drafts")


# ---------------------------------------------------------------------------------------
# content/vocabularies.yaml

VocabularyKey = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=40, examples=["repair"])]


class Facet(Strict):
    """One vocabulary: a facet of the directory and its terms."""

    label: LocalizedText = Field(description="Name of the facet per language")
    segment: dict[LangCode, Slug] = Field(description="URL segment of the facet per language",
                                          examples=[{"fr": "activite", "nl": "activiteit"}])
    terms: dict[VocabularyKey, LocalizedText] = Field(
        default_factory=dict, description="Term key -> label per language")


class VocabulariesFile(Strict):
    """content/vocabularies.yaml"""

    kind: Facet
    activities: Facet
    sectors: Facet
    audiences: Facet
    communes: Facet
    event_types: Facet
    need_types: Facet = Field(description="What a member's need is: material, service, "
                              "partner, space, funding...")
    directions: Facet = Field(description="The two directions of a flow: `out` (by-products, "
                              "surplus) and `in` (materials taken in)")
    materials: Facet = Field(description="Materials of needs and flows")
    cpv_divisions: Facet = Field(description="The divisions of the Common Procurement "
                                 "Vocabulary (the first two digits of a CPV code), for the "
                                 "`cpv` codes of offers")
    certifications: Facet = Field(description="Environmental labels and certifications of "
                                  "offers")


# ---------------------------------------------------------------------------------------
# members/<slug>/member.yaml


def invalid(message: Message, hint: Message | None = None) -> PydanticCustomError:
    """A validation error with our own message and hint (see `diagnose._diagnostic`)."""
    return PydanticCustomError("circlemade", "{message}", {"message": message, "hint": hint or ""})


def _no_hidden_characters(value: str) -> str:
    for ch in value:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Co", "Cs") and ch not in "\n\t":
            raise invalid(msg("contains an invisible or control character (U+{code:04X})",
                              code=ord(ch)),
                          msg("retype the text without copying it from another document"))
    return value


def _one_line(value: str) -> str:
    if "\n" in value:
        raise invalid(msg("must fit on one line"), msg("remove the line breaks"))
    return value


PlainText = Annotated[str, AfterValidator(_no_hidden_characters)]
Line = Annotated[PlainText, AfterValidator(_one_line)]
MAX_MARKS = 3      # combining marks on one character: Vietnamese needs 2, "Zalgo" text dozens


def _visible_name(value: str) -> str:
    if spoofing.renders_blank(value):
        raise invalid(msg("shows nothing: it is made only of blank or filler characters"),
                      msg("write the name in letters, for example {example}",
                          example="Atelier Exemple"))
    if spoofing.most_marks(value) > MAX_MARKS:
        raise invalid(msg("stacks more than {limit} accents or marks on one letter",
                          limit=MAX_MARKS),
                      msg("retype the name without copying it from another document"))
    return value


Name = Annotated[Line, AfterValidator(_visible_name)]


def _localized(max_length: int, fr: str, nl: str) -> Any:
    return Annotated[dict[LangCode, Annotated[Line, Field(min_length=1, max_length=max_length)]],
                     Field(examples=[{"fr": fr, "nl": nl}])]


def _text_or_map(value: Any) -> str:
    return "dict" if isinstance(value, dict) else "str"


def _line_per_language(max_length: int) -> Any:
    """A line shared by every language (`Rue Haute 1`) or given per language (a street,
    a venue: `{fr: Rue de la Loi 16, nl: Wetstraat 16}`). The discriminator sends a value
    to one branch, so a wrong value gets one message, not one per branch."""
    line = Annotated[Line, Field(min_length=1, max_length=max_length)]
    return Annotated[Annotated[line, Tag("str")] | Annotated[dict[LangCode, line], Tag("dict")],
                     Discriminator(_text_or_map)]


if TYPE_CHECKING:
    Street: TypeAlias = str | dict[str, str]
    PlaceName: TypeAlias = str | dict[str, str]
    PlaceTown: TypeAlias = str | dict[str, str]
else:
    Street = _line_per_language(200)
    PlaceName = _line_per_language(120)
    PlaceTown = _line_per_language(60)


def _check_email(value: str) -> str:
    try:
        return email_validator.validate_email(value, check_deliverability=False).normalized
    except email_validator.EmailNotValidError as exc:
        raise invalid(msg("{value!r} is not a valid e-mail address: {reason}", value=value,
                          reason=str(exc)),
                      msg("for example {example}", example="info@atelier-exemple.be")) from None


def _check_phone(value: str) -> str:
    # the phone library reads letters as keypad digits: a typed O for 0 would become a 6
    if any(ch.isalpha() for ch in value):
        raise invalid(msg("{value!r} is not a valid phone number: it contains letters",
                          value=value),
                      msg('write only digits, spaces and +, for example "+32 2 511 22 33"'))
    try:
        number = phonenumbers.parse(value, "BE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise invalid(msg("{value!r} is not a valid phone number", value=value),
                      msg('write it as "+32 2 511 22 33" or "02 511 22 33"'))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _check_url(value: str) -> str:
    """The rule of every link (links.check_link), with the wording of a form's field."""
    example = msg("for example {example}", example="https://www.atelier-exemple.be")
    if not value.lower().startswith(("https:", "http:")):
        raise invalid(msg("{value!r} is not a web address starting with https:// or http://",
                          value=value), example)
    try:
        links.check_link(value)
    except links.UnsafeLink as exc:
        raise invalid(msg("{value!r} cannot be published as a link: {reason}", value=value,
                          reason=exc.reason), example) from None
    return value


def _check_linkedin(value: str) -> str:
    host = links.check_link(_check_url(value)).host
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        raise invalid(msg("{value!r} is not a LinkedIn address", value=value),
                      msg("for example {example}",
                          example="https://www.linkedin.com/company/atelier-exemple"))
    return value


def _check_enterprise_number(value: str) -> str:
    try:
        number = stdnum.be.vat.validate(value)
    except stdnum.exceptions.ValidationError as exc:
        raise invalid(msg("{value!r} is not a valid Belgian enterprise number ({reason})",
                          value=value, reason=str(getattr(exc, "message", exc))),
                      msg('ten digits as on the Crossroads Bank for Enterprises, for example '
                          '"0123.456.749"')) from None
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


Email = Annotated[str, Field(max_length=254, examples=["info@atelier-exemple.be"],
                             json_schema_extra={"pattern": EMAIL_FORM}),
                  AfterValidator(_check_email)]
Phone = Annotated[str, Field(max_length=40, examples=["+32 2 511 22 33"],
                             json_schema_extra={"pattern": PHONE_FORM}),
                  AfterValidator(_check_phone)]
WebAddress = Annotated[str, Field(max_length=500, examples=["https://www.atelier-exemple.be"],
                                  json_schema_extra={"pattern": URL_FORM}),
                       AfterValidator(_check_url)]
LinkedIn = Annotated[str, Field(max_length=500,
                                examples=["https://www.linkedin.com/company/atelier-exemple"],
                                json_schema_extra={"pattern": LINKEDIN_FORM}),
                     AfterValidator(_check_linkedin)]
EnterpriseNumber = Annotated[str, Field(max_length=20, examples=["0123.456.749"],
                                        json_schema_extra={"pattern": ENTERPRISE_NUMBER_FORM}),
                             AfterValidator(_check_enterprise_number)]
Keys = Annotated[list[VocabularyKey], Field(max_length=12, json_schema_extra={"uniqueItems": True})]


if TYPE_CHECKING:      # what the validators check, as a type checker sees it
    OfferTitle: TypeAlias = dict[str, str]
    OfferSummary: TypeAlias = dict[str, str]
    Tagline: TypeAlias = dict[str, str]
    Role: TypeAlias = dict[str, str]
    NeedTitle: TypeAlias = dict[str, str]
    NeedSummary: TypeAlias = dict[str, str]
    MinimumOrder: TypeAlias = dict[str, str]
    LeadTime: TypeAlias = dict[str, str]
else:
    OfferTitle = _localized(80, "Réparation de mobilier de bureau", "Herstelling van kantoormeubilair")
    OfferSummary = _localized(280, "Nous remettons en état chaises et bureaux sur site.",
                              "We knappen stoelen en bureaus ter plaatse op.")
    Tagline = _localized(160, "Atelier de réparation de meubles", "Herstelatelier voor meubels")
    Role = _localized(80, "Responsable des partenariats", "Verantwoordelijke partnerschappen")
    NeedTitle = _localized(80, "Chutes de bois de chêne", "Resthout van eik")
    NeedSummary = _localized(280, "Des chutes de chêne massif, 20 cm au moins, pour nos tabourets.",
                             "Massief eiken resthout van minstens 20 cm, voor onze krukken.")
    MinimumOrder = _localized(120, "À partir de 10 chaises", "Vanaf 10 stoelen")
    LeadTime = _localized(120, "Trois semaines après la commande", "Drie weken na de bestelling")


class Address(Strict):
    """Where the member is, in the Brussels-Capital Region."""

    street: Street = Field(
        description="Street and number: one text, or its name in each language "
        "(`{fr: Rue de la Loi 16, nl: Wetstraat 16}`); the postal code is shared", examples=[N_("Rue de la Victoire 12"),
                                     {"fr": "Rue de la Loi 16", "nl": "Wetstraat 16"}])
    postal_code: Annotated[str, Field(pattern=POSTAL_CODE_PATTERN)] = Field(
        description="Postal code of one of the 19 communes", examples=["1060"])
    municipality: Annotated[Line, Field(max_length=60)] | None = Field(
        None, description="The commune, in French or Dutch (checked against the postal code)",
        examples=[N_("Saint-Gilles")])


class Person(Strict):
    """A named contact person: personal data, published only with `public: true`."""

    name: Annotated[Name, Field(min_length=2, max_length=120)] = Field(
        description="First name and surname", examples=["Marie Dubois"])
    role: Role | None = Field(None, description="Their role, per language")
    public: bool = Field(False, description="true to publish the name and role on the "
                         "profile (with the person's consent); false keeps them private",
                         examples=[True])


class Contact(Strict):
    """How buyers reach the member."""

    email: Email | None = Field(None, description="A generic address of the organisation")
    phone: Phone | None = Field(None, description="A Belgian or international phone number")
    website: WebAddress | None = Field(None, description="The website, https:// or http://")
    linkedin: LinkedIn | None = Field(None, description="The LinkedIn page")
    person: Person | None = Field(None, description="A named contact person, published only "
                                  "with `public: true`", examples=[{
                                      "name": "Marie Dubois",
                                      "role": {"fr": "Responsable des partenariats",
                                               "nl": "Verantwoordelijke partnerschappen"},
                                      "public": True}])


HiddenField = Annotated[str, Field(max_length=40, json_schema_extra={"enum": list(HIDEABLE)},
                                   examples=["contact.phone"])]


class Reference(Strict):
    """A client or a project the offer was delivered to: what public buyers ask for."""

    client: Annotated[Name, Field(min_length=2, max_length=120)] = Field(
        description="The client or the project (not translated)",
        examples=["Commune de Saint-Gilles"])
    year: Annotated[int, Field(ge=1950, le=2100)] = Field(description="The year it was delivered",
                                                           examples=[2025])
    link: WebAddress | None = Field(None, description="A page about it, https:// or http://")


class Offer(Strict):
    """Something the member sells: a product or a service."""

    title: OfferTitle = Field(description="Name of the offer per language")
    summary: OfferSummary = Field(description="One or two sentences per language")
    audiences: Annotated[Keys, Field(min_length=1)] = Field(
        description="Who it is for: keys of `audiences` in content/vocabularies.yaml",
        examples=[["business", "public-sector"]])
    activities: Keys = Field(default_factory=list,
                             description="Circular activities of this offer (default: the member's)",
                             examples=[["repair"]])
    cpv: Annotated[list[Annotated[str, Field(pattern=CPV_PATTERN)]],
                   Field(max_length=12, json_schema_extra={"uniqueItems": True})] = Field(
        default_factory=list, description="Codes of the Common Procurement Vocabulary that "
        "public buyers use in their tenders; the first two digits are a division of "
        "`cpv_divisions` in content/vocabularies.yaml", examples=[["39130000-2", "50850000-8"]])
    certifications: Keys = Field(default_factory=list, description="Environmental labels and "
                                 "certifications of this offer: keys of `certifications` in "
                                 "content/vocabularies.yaml", examples=[["fsc", "eu-ecolabel"]])
    references: Annotated[list[Reference], Field(max_length=10)] = Field(
        default_factory=list, description="Clients or projects it was delivered to",
        examples=[[{"client": "Commune de Saint-Gilles", "year": 2025}]])
    area_served: Literal["brussels", "belgium", "eu"] | None = Field(
        None, description="Where it is delivered: brussels (the Region), belgium or eu",
        examples=["belgium"])
    minimum_order: MinimumOrder | None = Field(None, description="The smallest order accepted, "
                                               "per language")
    lead_time: LeadTime | None = Field(None, description="How long delivery takes, per language")


class Need(Strict):
    """Something the member is looking for: a material, a service, a partner, a space,
    funding. Published from `since` to `until` (included) against the build's date."""

    title: NeedTitle = Field(description="What is sought, per language")
    summary: NeedSummary = Field(description="One or two sentences per language")
    type: VocabularyKey = Field(description="Keys of `need_types` in content/vocabularies.yaml",
                                examples=["material"])
    materials: Keys = Field(default_factory=list, description="Keys of `materials`; required "
                            "when the type is material", examples=[["wood"]])
    activities: Keys = Field(default_factory=list, description="What a service or a partner "
                             "should do: keys of `activities`", examples=[["repair"]])
    since: datetime.date = Field(description="When it was posted", examples=["2026-10-01"])
    until: datetime.date | None = Field(None, description="The last day it is published",
                                        examples=["2027-06-30"])


class Quantity(Strict):
    """How much of a material, how often."""

    amount: Annotated[float, Field(gt=0, le=1_000_000_000)] = Field(examples=[2])
    unit: Literal["t", "kg", "m3", "pieces"] = Field(examples=["t"])
    per: Literal["week", "month", "year", "once"] = Field(examples=["month"])


class Flow(Strict):
    """A material the member gives off (`out`: by-products, surplus) or takes in (`in`)."""

    direction: VocabularyKey = Field(description="`out` or `in` (`directions` in "
                                     "content/vocabularies.yaml)", examples=["out"])
    material: VocabularyKey = Field(description="A key of `materials`", examples=["wood"])
    waste_code: Annotated[str, Field(pattern=WASTE_CODE_PATTERN)] | None = Field(
        None, description="European List of Waste code; a trailing * declares it hazardous",
        examples=["03 01 05"])
    quantity: Quantity | None = Field(None, description="How much, how often",
                                      examples=[{"amount": 2, "unit": "t", "per": "month"}])
    summary: NeedSummary = Field(description="What it is, per language")
    since: datetime.date = Field(description="When it was posted", examples=["2026-10-01"])
    until: datetime.date | None = Field(None, description="The last day it is published",
                                        examples=["2027-06-30"])


class MemberFront(Strict):
    """members/<slug>/member.yaml: a member's profile."""

    name: Annotated[Name, Field(min_length=2, max_length=120)] = Field(
        description="The name of the organisation, as written on its logo (not translated)",
        examples=["Atelier Exemple"])
    kind: VocabularyKey = Field(description="company, academic, institution or support",
                                examples=["company"])
    enterprise_number: EnterpriseNumber | None = Field(
        None, description="Belgian enterprise number (checksum verified)",
        examples=["0123.456.749"])
    member_since: datetime.date = Field(description="Date the organisation joined the cluster",
                                        examples=["2018-05-24"])
    tagline: Tagline = Field(description="One line per language describing what the member does")
    activities: Annotated[Keys, Field(min_length=1)] = Field(
        description="Keys of `activities` in content/vocabularies.yaml",
        examples=[["repair", "reuse"]])
    sectors: Keys = Field(default_factory=list,
                          description="Keys of `sectors` in content/vocabularies.yaml",
                          examples=[["furniture"]])
    address: Address = Field(description="Address in the Brussels-Capital Region")
    contact: Annotated[Contact, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=Contact, description="Contact details")
    logo: Annotated[str, Field(min_length=1, max_length=100,
                               json_schema_extra={"pattern": LOGO_FORM})] | None = Field(
        None, description="File name of the logo in this folder (PNG, JPEG, WebP or SVG)",
        examples=["logo.png"])
    offers: Annotated[list[Offer], Field(max_length=20)] = Field(
        default_factory=list, description="What the member sells")
    needs: Annotated[list[Need], Field(max_length=10)] = Field(
        default_factory=list, description="What the member is looking for")
    flows: Annotated[list[Flow], Field(max_length=10)] = Field(
        default_factory=list, description="Materials the member gives off or takes in")
    maintainers: Annotated[list[Login], Field(max_length=10)] = Field(
        default_factory=list, description="GitHub logins of the people who may change this "
        "folder by pull request (a new member lists its author)", examples=[["atelier-exemple"]])
    hidden: Annotated[list[HiddenField], Field(max_length=len(HIDEABLE),
                                               json_schema_extra={"uniqueItems": True})] = Field(
        default_factory=list, description="Details kept off the site (pages, open data, search, "
        "everything): any of " + ", ".join(HIDEABLE), examples=[["contact.phone"]])
    reviewed: datetime.date | None = Field(
        None, description="The day you last checked this profile (the profile builder and "
        "`circlemade new member` set it); a profile not reviewed for as long as the site sets "
        "(24 months by default) no longer publishes its contact details",
        examples=["2026-11-29"])


# ---------------------------------------------------------------------------------------
# content/events, content/news, content/campaigns: <name>.<lang>.md front matter
#
# Fields listed in PER_LANGUAGE are written in each language's file; every other field is
# shared by the translations: write it in one file, or the same in each.

PER_LANGUAGE = frozenset({"title", "slug", "summary", "cta_label", "hero_alt"})
Summary = Annotated[Line, Field(max_length=300)]


def _check_moment(value: Any) -> Any:
    """A date (all day) or a local date and time: 2026-12-10 or 2026-12-10 09:30."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value.strip()) if (":" in value) else \
                datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise invalid(msg("{value!r} is not a date or a date and time", value=value),
                  msg("write 2026-12-10 for a whole day or 2026-12-10 09:30 (Brussels time)"))


Moment = Annotated[datetime.datetime | datetime.date, BeforeValidator(_check_moment)]


class Venue(Strict):
    """Where an event takes place."""

    name: PlaceName = Field(
        description="The place's name: one text, or one per language", examples=["hub.brussels"])
    street: Street | None = Field(
        None, description="Street and number: one text, or one per language",
        examples=[N_("Chaussée de Charleroi 110")])
    postal_code: Annotated[str, Field(pattern=POSTAL_CODE_PATTERN)] | None = Field(None, examples=["1060"])
    municipality: PlaceTown | None = Field(
        None, description="The commune (one of the 19 is shown in each language's name) or "
        "the town", examples=[N_("Saint-Gilles")])


class EventFront(Strict):
    """content/events/<name>.<lang>.md: a meeting, training, visit..."""

    title: Annotated[Line, Field(min_length=1, max_length=160)] | None = Field(
        None, description="Title in this language", examples=[N_("Formation : achats circulaires")])
    slug: Slug | None = Field(None, description="URL segment in this language")
    summary: Summary | None = Field(None, description="One or two sentences in this language")
    type: VocabularyKey | None = Field(None, description="Key of `event_types` in "
                                       "content/vocabularies.yaml", examples=["training"])
    start: Moment | None = Field(None, description="Start: a date (all day) or a date and a "
                                 "time in Brussels", examples=["2026-12-10 09:30"])
    end: Moment | None = Field(None, description="End, in the same form as start",
                               examples=["2026-12-10 12:30"])
    venue: Venue | None = Field(None, description="Where it takes place")
    online: bool | None = Field(None, description="true for an online event (no venue)")
    registration: WebAddress | None = Field(None, description="Registration page")
    price: Annotated[float, Field(ge=0, le=100000)] | None = Field(
        None, description="Price of a place, for search engines (0 for a free event; "
        "without it no price is published)", examples=[25])
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = Field(
        None, description="ISO 4217 code of the price's currency (default EUR)", examples=["EUR"])
    members: Annotated[list[Slug], Field(max_length=50)] | None = Field(
        None, description="Slugs of the members involved", examples=[["recable"]])
    draft: bool | None = Field(None, description="Drafts are published only with --drafts")


class NewsFront(Strict):
    """content/news/<name>.<lang>.md: a news item."""

    title: Annotated[Line, Field(min_length=1, max_length=160)] | None = Field(
        None, description="Title in this language")
    slug: Slug | None = Field(None, description="URL segment in this language")
    summary: Summary | None = Field(None, description="One or two sentences in this language")
    date: datetime.date | None = Field(None, description="Publication date", examples=["2018-05-24"])
    draft: bool | None = Field(None, description="Drafts are published only with --drafts")


class CallToAction(Strict):
    """Where a campaign's button leads: a page, a section or an address."""

    page: Slug | None = Field(None, examples=["join"])
    section: Literal["members", "offers", "events", "news", "campaigns"] | None = Field(
        None, examples=["offers"])
    url: WebAddress | None = None

    @pydantic.model_validator(mode="after")
    def _one_target(self) -> CallToAction:
        if sum(x is not None for x in (self.page, self.section, self.url)) != 1:
            raise invalid(msg("give one of `page`, `section` or `url`"))
        return self


class Features(Strict):
    """What a campaign promotes: members by slug, members by facet, offers by facet."""

    members: Annotated[list[Slug], Field(max_length=100)] = Field(default_factory=list)
    member_facets: dict[Literal["kind", "activities", "sectors", "communes"],
                        list[VocabularyKey]] = Field(default_factory=dict)
    offer_facets: dict[Literal["audiences", "activities"], list[VocabularyKey]] = Field(
        default_factory=dict)


class CampaignFront(Strict):
    """content/campaigns/<name>.<lang>.md: a promotional campaign with a publication window."""

    title: Annotated[Line, Field(min_length=1, max_length=160)] | None = Field(
        None, description="The headline in this language")
    slug: Slug | None = Field(None, description="URL segment in this language")
    summary: Summary | None = Field(None, description="One or two sentences in this language")
    cta_label: Annotated[Line, Field(min_length=1, max_length=60)] | None = Field(
        None, description="Label of the call-to-action button in this language")
    hero_alt: Annotated[Line, Field(max_length=300)] | None = Field(
        None, description="What the hero image shows, for screen readers, in this language")
    cta: CallToAction | None = Field(None, description="Where the button leads")
    start: datetime.date | None = Field(None, description="First day of the campaign")
    end: datetime.date | None = Field(None, description="Last day of the campaign (included)")
    hero: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="File name of an image in content/campaigns/")
    features: Features | None = Field(None, description="What the campaign promotes")
    draft: bool | None = Field(None, description="Drafts are published only with --drafts")


# ---------------------------------------------------------------------------------------
# content/groups, content/projects: the cluster's own work (working groups, collective
# coaching, multi-actor projects). Texts of lists (a document's title, a step's role, a
# result's label) are maps per language, since they are shared by the translations.

LineText = Annotated[dict[LangCode, Annotated[Line, Field(min_length=1, max_length=200)]], Field(
    description="The text per language code",
    examples=[{"fr": "Compte rendu de la séance", "nl": "Verslag van de sessie"}])]


class GroupDocument(Strict):
    """A document of a working group: a title per language and its address."""

    title: LineText = Field(description="Title per language")
    link: WebAddress = Field(description="Where it is, https:// or http://",
                             examples=["https://circlemade.brussels/docs/charte.pdf"])


class GroupFront(Strict):
    """content/groups/<name>.<lang>.md: a working group or a collective coaching programme."""

    title: Annotated[Line, Field(min_length=1, max_length=160)] | None = Field(
        None, description="Name of the group in this language",
        examples=[N_("Groupe de travail : gisements de matériaux")])
    slug: Slug | None = Field(None, description="URL segment in this language")
    summary: Summary | None = Field(None, description="One or two sentences in this language")
    kind: Literal["working-group", "coaching"] | None = Field(
        None, description="working-group or coaching (a collective coaching programme)",
        examples=["working-group"])
    theme: VocabularyKey | None = Field(None, description="Key of `activities` in "
                                        "content/vocabularies.yaml", examples=["reuse"])
    start: datetime.date | None = Field(None, description="The day the group started",
                                        examples=["2018-09-20"])
    members: Annotated[list[Slug], Field(max_length=100, json_schema_extra={"uniqueItems": True})] | None = Field(
        None, description="Slugs of the members taking part", examples=[["recable"]])
    sessions: Annotated[list[Slug], Field(max_length=50, json_schema_extra={"uniqueItems": True})] | None = Field(
        None, description="Names of its events in content/events/ (file name without language)",
        examples=[["groupe-de-travail-gisements-2018"]])
    documents: Annotated[list[GroupDocument], Field(max_length=30)] | None = Field(
        None, description="Documents of the group (minutes, charters, guides)")
    draft: bool | None = Field(None, description="Drafts are published only with --drafts")


class ChainStep(Strict):
    """One step of a project's value chain: a partner and its role."""

    member: Slug = Field(description="Slug of a partner of the project", examples=["recable"])
    role: LineText = Field(description="What it does in the chain, per language")


class ProjectResult(Strict):
    """A figure a project reached: 12 t of wood reused."""

    value: Annotated[float, Field(ge=0, le=1e12)] = Field(description="The number",
                                                          examples=[12])
    unit: LineText | None = Field(None, description="The unit per language (none for a count)",
                                  examples=[{"fr": "tonnes", "nl": "ton"}])
    label: LineText = Field(description="What was counted, per language",
                            examples=[{"fr": "de bois réemployé", "nl": "hout hergebruikt"}])


class ProjectFront(Strict):
    """content/projects/<name>.<lang>.md: a project several members carry out together."""

    title: Annotated[Line, Field(min_length=1, max_length=160)] | None = Field(
        None, description="Name of the project in this language")
    slug: Slug | None = Field(None, description="URL segment in this language")
    summary: Summary | None = Field(None, description="One or two sentences in this language")
    status: Literal["idea", "running", "completed"] | None = Field(
        None, description="idea, running or completed", examples=["running"])
    start: datetime.date | None = Field(None, description="The day the project started",
                                        examples=["2018-10-01"])
    partners: Annotated[list[Slug], Field(min_length=1, max_length=50,
                                          json_schema_extra={"uniqueItems": True})] | None = Field(
        None, description="Slugs of the partner members", examples=[["recable", "seconde-pierre"]])
    chain: Annotated[list[ChainStep], Field(max_length=20)] | None = Field(
        None, description="The value chain the partners form, step by step, in order")
    results: Annotated[list[ProjectResult], Field(max_length=12)] | None = Field(
        None, description="What the project achieved, in figures")
    draft: bool | None = Field(None, description="Drafts are published only with --drafts")


# ---------------------------------------------------------------------------------------
# content/accessibility.yaml: the accessibility statement, in the order of the EU model
# (Commission Implementing Decision (EU) 2018/1523, annex)

Prose = Annotated[PlainText, Field(min_length=1, max_length=4000)]
LocalizedProse = Annotated[dict[LangCode, Prose], Field(
    description="Markdown per language code",
    examples=[{"fr": "Certains logos de membres n'ont pas d'équivalent textuel.",
               "nl": "Sommige logo's van leden hebben geen tekstalternatief."}])]
StatementName = Annotated[Line, Field(min_length=1, max_length=160)]


class NonAccessible(Strict):
    """A content or function that is not accessible, and why."""

    reason: Literal["non-compliance", "disproportionate-burden", "out-of-scope"] = Field(
        description="Why: non-compliance with the legislation, a disproportionate burden, or "
        "content outside the scope of the legislation", examples=["non-compliance"])
    content: LocalizedProse = Field(description="What is not accessible, and in what way")
    criteria: Annotated[list[Annotated[str, Field(pattern=WCAG_CRITERION_PATTERN)]],
                        Field(max_length=30)] = Field(
        default_factory=list, description="The WCAG 2.1 success criteria not met",
        examples=[["1.1.1"]])
    alternative: LocalizedProse | None = Field(
        None, description="The accessible alternative offered, if any")


class Evaluation(Strict):
    """The last evaluation of the site, on which the statement is based."""

    date: datetime.date = Field(description="When the site was last evaluated and the "
                                "statement reviewed (the build warns a year later)",
                                examples=["2026-10-20"])
    method: Literal["self-assessment", "third-party"] = Field(
        description="A self-assessment by the public body, or an assessment by a third party",
        examples=["self-assessment"])
    tools: Annotated[list[StatementName], Field(max_length=20)] = Field(
        default_factory=list, description="The tools and checks of a self-assessment",
        examples=[["axe-core", "Nu HTML Checker"]])
    evaluator: StatementName | None = Field(None, description="Who carried out a third-party assessment",
                                   examples=["Audit Exemple SRL"])
    description: LocalizedProse | None = Field(None, description="How the site was evaluated")


class Feedback(Strict):
    """How to report a barrier or ask for content in an accessible form."""

    email: Email = Field(description="Where reports are sent", examples=["info@circlemade.brussels"])
    phone: Phone | None = Field(None, description="A phone number for the same")
    text: LocalizedProse = Field(description="How to report a problem, and when to expect an answer")


class Enforcement(Strict):
    """What to do when the answer is unsatisfactory."""

    text: LocalizedProse = Field(description="The procedure and the enforcement body")
    url: WebAddress | None = Field(None, description="The enforcement body's page")


class AccessibilityFile(Strict):
    """content/accessibility.yaml: the site's accessibility statement (EU Web Accessibility
    Directive 2016/2102, art. 7), one field per section of the EU model statement."""

    public_body: StatementName = Field(description="The public sector body that runs the site (a "
                              "name, not translated)", examples=["hub.brussels"])
    status: Literal["full", "partial", "none"] = Field(
        description="Compliance with EN 301 549 (WCAG 2.1 level AA)", examples=["partial"])
    non_accessible: Annotated[list[NonAccessible], Field(max_length=50)] = Field(
        default_factory=list, description="What is not accessible, and why")
    prepared: datetime.date = Field(description="When the statement was first prepared",
                                    examples=["2026-10-20"])
    evaluation: Evaluation = Field(description="The last evaluation of the site")
    feedback: Feedback = Field(description="The feedback mechanism and its contact")
    enforcement: Enforcement = Field(description="The enforcement procedure")
