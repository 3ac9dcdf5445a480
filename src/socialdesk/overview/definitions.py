"""What each figure on the cockpit means, in Dutch and English, kept in one place.

The metric catalogue (socialdesk/catalogue) will take these over; until then the pages read
them from here, so a definition is always one click away from its figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialdesk.catalogue.platforms import PLATFORM_NAMES, platform_name  # noqa: F401 (the faces')


@dataclass(frozen=True)
class Definition:
    key: str
    label: dict[str, str]
    text: dict[str, str]
    kind: str  # "stock" (value at the end of a period), "flow" (sum over it), "money"

    def label_in(self, locale: str) -> str:
        return self.label.get(locale, self.label["en"])

    def text_in(self, locale: str) -> str:
        return self.text.get(locale, self.text["en"])


def _d(key: str, kind: str, nl: str, en: str, text_nl: str, text_en: str) -> Definition:
    return Definition(key, {"nl": nl, "en": en}, {"nl": text_nl, "en": text_en}, kind)


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        _d(
            "followers",
            "stock",
            "Volgers",
            "Followers",
            "Het aantal volgers op de laatste dag van de periode waarvoor het platform een stand "
            "gaf, vergeleken met de laatste stand in de periode ervoor.",
            "Followers on the last day of the period that has a count, compared with the last "
            "count in the period before.",
        ),
        _d(
            "reach",
            "flow",
            "Bereik",
            "Reach",
            "De som van het dagelijkse bereik (unieke accounts per dag). Wie op meer dagen is "
            "bereikt, telt vaker mee: dit is geen aantal unieke mensen over de hele periode.",
            "The sum of daily reach (unique accounts per day). Someone reached on several days "
            "counts more than once: this is not the number of unique people over the whole "
            "period.",
        ),
        _d(
            "impressions",
            "flow",
            "Vertoningen",
            "Impressions",
            "Hoe vaak inhoud van het account op een scherm verscheen, opgeteld over de dagen. "
            "Instagram noemt dit nu 'views'; Facebook levert paginaweergaven sinds november 2025 "
            "niet meer.",
            "How often the account's content appeared on a screen, summed over the days. "
            "Instagram now calls these 'views'; Facebook stopped page impressions in November "
            "2025.",
        ),
        _d(
            "engagements",
            "flow",
            "Interacties",
            "Interactions",
            "socialdesk's eigen telling, gelijk op elk platform: reacties (of likes) + "
            "opmerkingen + deelacties + opgeslagen, opgeteld over de dagen. Klikken tellen niet "
            "mee. Levert een export geen van die delen, dan telt het eigen getal van het platform.",
            "socialdesk's own count, the same on every platform: reactions (or likes) + comments"
            " + shares + saves, summed over the days. Clicks do not count. Where an export gives "
            "none of those parts, the platform's own engagements count stands in.",
        ),
        _d(
            "clicks",
            "flow",
            "Klikken",
            "Clicks",
            "Klikken op inhoud of links van het account, opgeteld over de dagen. Bij YouTube zijn"
            " 'klikken' weergaven.",
            "Clicks on the account's content or links, summed over the days. On YouTube 'clicks' "
            "are views.",
        ),
        _d(
            "posts",
            "flow",
            "Berichten",
            "Posts",
            "Het aantal berichten dat in de periode is geplaatst.",
            "The number of posts published in the period.",
        ),
        _d(
            "post_reach",
            "flow",
            "Bereik berichten",
            "Post reach",
            "Het bereik van de berichten die in de periode zijn geplaatst, opgeteld, elk volgens "
            "de laatste export. Berichten van de laatste dagen verzamelen nog bereik: vergelijk "
            "met zorg.",
            "The reach of the posts published in the period, added up, each as of its latest "
            "export. Posts of the last days are still gathering reach: compare with care.",
        ),
        _d(
            "post_engagements",
            "flow",
            "Interacties berichten",
            "Post interactions",
            "De interacties op de berichten die in de periode zijn geplaatst, opgeteld, elk "
            "volgens de laatste export. Berichten van de laatste dagen verzamelen nog "
            "interacties.",
            "The interactions on the posts published in the period, added up, each as of its "
            "latest export. Posts of the last days are still gathering engagements.",
        ),
        _d(
            "spend",
            "money",
            "Uitgaven",
            "Spend",
            "Advertentie-uitgaven in de periode, per valuta (valuta's worden nooit opgeteld). "
            "Alleen rapportageperiodes die helemaal binnen de periode vallen tellen mee.",
            "Ad spend in the period, per currency (currencies are never added up). Only reporting"
            " periods that lie wholly inside the period count.",
        ),
        _d(
            "engagement_rate",
            "rate",
            "Interactiegraad",
            "Engagement rate",
            "Interacties gedeeld door bereik van het bericht (de noemer is bereik, zoals "
            "Metricool en Later; Buffer deelt door weergaven, Iconosquare door volgers).",
            "Engagements divided by the post's reach (the denominator is reach, as Metricool and "
            "Later use; Buffer divides by impressions, Iconosquare by followers).",
        ),
    )
}

OVERVIEW_METRICS: tuple[str, ...] = (
    "followers",
    "reach",
    "impressions",
    "engagements",
    "clicks",
    "posts",
    "post_reach",
    "post_engagements",
    "spend",
)
