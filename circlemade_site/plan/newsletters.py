"""The newsletter of each campaign, per language: e-mail HTML and its plain-text part,
beside the campaign's page (`urls.Newsletter`). Pure, like the rest of plan/.

A newsletter is not a page of the site (it is listed in `urls.non_page_html`): it is what
the communications team pastes into its mailing tool. So everything in it is absolute
(links and images: a mail client has no base URL), images are the JPEG share card of the
campaign (WebP and SVG do not show in every mail client) and the small WebP logos of the
members only when they have one, and it carries no tracker of any kind: no pixel, no
redirecting link, no query parameter added to the links."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from circlemade_site import urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog
from circlemade_site.models import Campaign, Site, opportunities, select_members, select_offers, split_agenda
from circlemade_site.plan.cards import Cards, campaign_card, event_card
from circlemade_site.plan.images import Variant
from circlemade_site.plan.opportunities import OpportunityCards
from circlemade_site.plan.views import Output

MEMBERS_SHOWN = 6        # a newsletter is read in a minute: a few of each, then the web version
OFFERS_SHOWN = 6
EVENTS_SHOWN = 3
OPPORTUNITIES_SHOWN = 3
LOGO_SHOWN = 64          # px, the width a logo is shown at (its 160 px variant: sharp at 2x)
HERO_WIDTH, HERO_HEIGHT = 600, 315     # the share card (1200 x 630) at the e-mail's width


def plan_newsletters(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                     base: Callable[[str], dict[str, Any]], cards: Cards,
                     opportunity_cards: OpportunityCards, logos: Mapping[str, Sequence[Variant]],
                     share_card: Callable[[Campaign, str], str]) -> list[Output]:
    """newsletter.html and newsletter.txt of every campaign the site publishes, in every
    language. `share_card(campaign, lang)` is the absolute URL of the campaign's share card."""
    outputs: list[Output] = []
    for lang in site.config.languages:
        context = base(lang)
        for campaign in site.campaigns:
            for ext in ("html", "txt"):
                dest = router.dest_for(urls.Newsletter(campaign, ext), lang).as_posix()
                more = _Context(site, router, catalogs[lang], cards, opportunity_cards, logos,
                                campaign, lang, share_card(campaign, lang))
                outputs.append(Output(dest, f"newsletter.{ext}", context, more))
    return outputs


class _Context:
    """The deferred context of one newsletter (made when it is rendered)."""

    def __init__(self, site: Site, router: urls.Router, t: Catalog, cards: Cards,
                 opportunity_cards: OpportunityCards, logos: Mapping[str, Sequence[Variant]],
                 campaign: Campaign, lang: str, hero_url: str) -> None:
        self.site, self.router, self.t, self.cards = site, router, t, cards
        self.opportunity_cards, self.logos = opportunity_cards, logos
        self.campaign, self.lang, self.hero_url = campaign, lang, hero_url

    def __call__(self, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
        site, router, lang, campaign = self.site, self.router, self.lang, self.campaign
        absolute = router.absolute
        tr = campaign.text(lang, site.config.fallback_order)
        card = campaign_card(campaign, lang, site, router, {})
        cta = card["cta_url"]
        members = [{**self.cards.member(m, lang), "url": absolute(router.url_for(m, lang)),
                    "logo": self._logo(m.slug, m.name)}
                   for m in select_members(campaign, site.members)[:MEMBERS_SHOWN]]
        offers = [{**self.cards.offer(o, lang), "url": absolute(router.offer_url(m, o, lang))}
                  for m, o in select_offers(campaign, site.members)[:OFFERS_SHOWN]]
        upcoming, _ = split_agenda(site.events, site.now)
        events = [{**event_card(e, lang, site, router, self.t),
                   "url": absolute(router.url_for(e, lang))} for e in upcoming[:EVENTS_SHOWN]]
        newest = [{**self.opportunity_cards.card(o, lang),
                   "url": absolute(self.opportunity_cards.card(o, lang)["url"])}
                  for o in opportunities(site.members)[:OPPORTUNITIES_SHOWN]]
        return {
            "campaign": card, "entry": tr,
            "web_url": absolute(router.url_for(campaign, lang)),
            "cta_url": cta if "://" in cta else absolute(cta),
            "hero": {"src": self.hero_url, "width": HERO_WIDTH, "height": HERO_HEIGHT,
                     "alt": tr.hero_alt or tr.title},
            "members": members, "offers": offers, "events": events, "opportunities": newest,
            "home_url": absolute(router.url_for(urls.HOME, lang)),
            "events_url": absolute(router.url_for(urls.EVENTS, lang)),
            "opportunities_url": absolute(router.url_for(urls.OPPORTUNITIES, lang))
            if urls.OPPORTUNITIES in site.config.sections else None,
        }

    def _logo(self, slug: str, name: str) -> dict[str, Any] | None:
        found = self.logos.get(slug)
        if not found or found[0].kind == "svg":      # no SVG in mail clients
            return None
        small = found[0]
        return {"src": self.router.absolute(self.router.file_url(small.dest_rel)),
                "width": LOGO_SHOWN, "height": max(1, round(small.height * LOGO_SHOWN / small.width)),
                "alt": name}
