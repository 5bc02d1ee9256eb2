"""The profile builder: a page per language where a member fills in their profile in the
browser and downloads a ZIP of their folder (themes/<theme>/static/js/builder.js). Pure: the
page, the member JSON Schema the form is generated from, and per language the labels,
vocabularies, communes and the messages of `check`, which the script reads."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from circlemade_site import communes, urls
from circlemade_site.errors import translate
from circlemade_site.i18n import Catalog
from circlemade_site.load import diagnose, members
from circlemade_site.models import Site
from circlemade_site.plan.views import Output, page_output, text
from circlemade_site.reference import dump, json_schemas

GUIDE_PAGE = "member-guide"      # content/pages/member-guide.<lang>.md, when the site has it
VOCABULARIES = ("kind", "activities", "sectors", "audiences", "need_types", "materials",
                "directions", "certifications")


def builder_data(site: Site, lang: str, t: Catalog) -> bytes:
    """/data/profile-builder.<lang>.json: what the form shows and says in `lang`."""
    order = site.config.fallback_order
    data: dict[str, Any] = {
        "lang": lang,
        "languages": list(site.config.languages),
        "default_language": site.config.default_language,
        "contact_email": site.config.contact_email,
        "labels": {key[len("builder_field."):]: value for key, value in t.strings.items()
                   if key.startswith("builder_field.")},
        "ui": {key[len("builder."):]: value for key, value in t.strings.items()
               if key.startswith("builder.")},
        "vocabularies": {key: {term: text(facet.terms[term].label, lang, order).text
                               for term in facet.terms}
                         for key, facet in site.facets.items() if key in VOCABULARIES},
        "communes": {code: [{"key": c.key, "names": dict(c.names.texts)} for c in found]
                     for code, found in sorted(communes.BY_POSTAL_CODE.items())},
        "messages": _translated({**diagnose.builder_messages(), **members.builder_messages()},
                                lang),
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _translated(messages: Any, lang: str) -> Any:
    """The templates of `check`'s messages in `lang` (the same catalogues as `check --lang`);
    patterns stay as they are."""
    if isinstance(messages, dict):
        return {key: value if key.endswith("_pattern") else _translated(value, lang)
                for key, value in messages.items()}
    return translate(lang, messages) if isinstance(messages, str) else messages


def plan_builder(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                 base: Callable[[str], dict[str, Any]]) -> tuple[list[Output], dict[str, Callable[[], bytes]]]:
    """The builder's pages, the member JSON Schema and the builder's data per language."""
    config = site.config
    guide = router.page_named(GUIDE_PAGE)
    upload = (f"https://github.com/{config.repository}/upload/{config.branch}/members"
              if config.repository else None)
    outputs = [page_output(router, urls.PROFILE_BUILDER, lang, "profile_builder.html", base(lang),
                           schema_url=router.url_for(urls.MEMBER_SCHEMA),
                           data_url=router.url_for(urls.BUILDER_DATA, lang),
                           guide_url=router.url_for(guide, lang) if guide else None,
                           repository_upload=upload,
                           freshness_months=config.hide_contact_after_months)
               for lang in config.languages]
    def schema() -> bytes:          # made when asked for (the preview plans on every save)
        return dump(json_schemas(site.facets, config.languages, config.default_language)[
            "member.schema.json"]).encode("utf-8")
    files: dict[str, Callable[[], bytes]] = {router.dest_for(urls.MEMBER_SCHEMA).as_posix(): schema}
    for lang in site.config.languages:
        files[router.dest_for(urls.BUILDER_DATA, lang).as_posix()] = functools.partial(
            builder_data, site, lang, catalogs[lang])
    return outputs, files
