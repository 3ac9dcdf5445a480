"""The X analytics exports' column names and dates in the languages of X's web app.

X builds the headers of its Content (`account_analytics_content_…csv`) and Overview
(`account_overview_analytics.csv`) exports from the web app's translated strings
(FORMATS.md 4b), so a Dutch, German, French or Spanish UI writes other headers, and its
dates in that language. Only the English headers and dates are known from real files. The
other spellings below are our own translations of the English ones, in the words X's UIs
use for these figures (several candidates where we were unsure); they are not confirmed
against a real export. A translated file that uses a word not listed is not recognised, and
the miss names the closest format and its missing columns: add the spelling here.

`spellings(key)` gives the English spelling first (messages name that one), then the others.
`x_dates()` reads the English dates ("Sat, Aug 22, 2026") and "za 22 aug 2026",
"Sa., 22. Aug. 2026", "sam. 22 août 2026" or "sáb, 22 ago 2026" (how a browser writes that
date in those languages: our reading, not seen in a real export).
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.values import cleaned, file_row

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "post_id": {
        "en": ("Post id",),
        "nl": ("Post-ID", "Post-id"),
        "de": ("Post-ID",),
        "fr": ("ID du post", "Identifiant du post"),
        "es": ("ID del post", "Id. del post"),
    },
    "date": {"en": ("Date",), "nl": ("Datum",), "de": ("Datum",), "fr": (), "es": ("Fecha",)},
    "text": {
        "en": ("Post text",),
        "nl": ("Posttekst", "Tekst van post"),
        "de": ("Post-Text", "Posttext"),
        "fr": ("Texte du post",),
        "es": ("Texto del post",),
    },
    "link": {
        "en": ("Post Link",),
        "nl": ("Postlink", "Link naar post", "Link van post"),
        "de": ("Post-Link", "Postlink"),
        "fr": ("Lien du post", "Lien vers le post"),
        "es": ("Enlace del post", "Enlace al post"),
    },
    "impressions": {
        "en": ("Impressions",),
        "nl": ("Weergaven", "Impressies", "Vertoningen"),
        "de": ("Impressionen", "Ansichten"),
        "fr": ("Vues",),
        "es": ("Impresiones", "Visualizaciones"),
    },
    "likes": {
        "en": ("Likes",),
        "nl": ("Vind-ik-leuks", "Vind ik leuks"),
        "de": ("Gefällt mir",),
        "fr": ("J'aime", "J’aime"),
        "es": ("Me gusta",),
    },
    "engagements": {
        "en": ("Engagements",),
        "nl": ("Interacties", "Betrokkenheid"),
        "de": ("Interaktionen",),
        "fr": ("Interactions",),
        "es": ("Interacciones",),
    },
    "bookmarks": {
        "en": ("Bookmarks",),
        "nl": ("Bladwijzers",),
        "de": ("Lesezeichen",),
        "fr": ("Signets",),
        "es": ("Elementos guardados", "Guardados"),
    },
    "shares": {
        "en": ("Shares",),
        "nl": ("Gedeeld", "Delen"),
        "de": ("Geteilt", "Teilen"),
        "fr": ("Partages",),
        "es": ("Veces compartido", "Compartidos"),
    },
    "new_follows": {
        "en": ("New follows",),
        "nl": ("Nieuwe volgers", "Nieuwe volgacties"),
        "de": ("Neue Follower",),
        "fr": ("Nouveaux abonnés", "Nouveaux abonnements"),
        "es": ("Nuevos seguidores",),
    },
    "unfollows": {
        "en": ("Unfollows",),
        "nl": ("Ontvolgd", "Ontvolgingen", "Niet meer gevolgd"),
        "de": ("Entfolgt", "Nicht mehr gefolgt"),
        "fr": ("Désabonnements",),
        "es": ("Dejaron de seguirte", "Dejar de seguir"),
    },
    "replies": {
        "en": ("Replies",),
        "nl": ("Antwoorden",),
        "de": ("Antworten",),
        "fr": ("Réponses",),
        "es": ("Respuestas",),
    },
    "reposts": {
        "en": ("Reposts",),
        "nl": (),
        "de": (),
        "fr": ("Republications",),
        "es": ("Republicaciones",),
    },
    "profile_visits": {
        "en": ("Profile visits",),
        "nl": ("Profielbezoeken",),
        "de": ("Profilbesuche",),
        "fr": ("Visites du profil",),
        "es": ("Visitas al perfil",),
    },
    "detail_expands": {
        "en": ("Detail Expands",),
        "nl": ("Detailuitbreidingen", "Details uitgevouwen"),
        "de": ("Detailerweiterungen", "Details erweitert"),
        "fr": ("Développements des détails",),
        "es": ("Expansiones de detalles",),
    },
    "url_clicks": {
        "en": ("URL Clicks",),
        "nl": ("URL-klikken", "Klikken op URL"),
        "de": ("URL-Klicks",),
        "fr": ("Clics sur l'URL", "Clics sur l’URL"),
        "es": ("Clics en la URL", "Clics en URL"),
    },
    "hashtag_clicks": {
        "en": ("Hashtag Clicks",),
        "nl": ("Hashtagklikken", "Hashtag-klikken"),
        "de": ("Hashtag-Klicks",),
        "fr": ("Clics sur le hashtag",),
        "es": ("Clics en el hashtag", "Clics en hashtag"),
    },
    "permalink_clicks": {
        "en": ("Permalink Clicks",),
        "nl": ("Permalinkklikken", "Permalink-klikken"),
        "de": ("Permalink-Klicks",),
        "fr": ("Clics sur le permalien",),
        "es": ("Clics en el enlace permanente",),
    },
    "create_post": {
        "en": ("Create Post",),
        "nl": ("Post maken", "Posts gemaakt"),
        "de": ("Post erstellen",),
        "fr": ("Créer un post",),
        "es": ("Crear post",),
    },
    "video_views": {
        "en": ("Video views",),
        "nl": ("Videoweergaven",),
        "de": ("Videoaufrufe",),
        "fr": ("Vues de la vidéo", "Vues de vidéos"),
        "es": ("Reproducciones de video", "Visualizaciones de video"),
    },
    "media_views": {
        "en": ("Media views",),
        "nl": ("Mediaweergaven",),
        "de": ("Medienaufrufe",),
        "fr": ("Vues des médias",),
        "es": ("Visualizaciones de contenido multimedia",),
    },
}
LANGUAGES = ("en", "nl", "de", "fr", "es")


def spellings(key: str) -> tuple[str, ...]:
    """Every spelling of one column, English first, without repeats."""
    out: list[str] = []
    for lang in LANGUAGES:
        for sp in HEADERS[key].get(lang, ()):
            if sp not in out:
                out.append(sp)
    return tuple(out)


# -- dates in the UI language ------------------------------------------------------------------
MONTHS: dict[str, int] = {}
for _names in (
    # nl
    ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    # de
    ("jan", "feb", "mär", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"),
    (
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ),
    # fr
    ("janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"),
    (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    # es
    ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
    (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    # en
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
):
    for _i, _name in enumerate(_names, start=1):
        MONTHS.setdefault(unicodedata.normalize("NFC", _name), _i)
MONTHS["sep"] = 9  # "sep" and "sept" mean September in every language above

_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _parse(value: str) -> pd.Timestamp | None:
    """A day, a month name and a year, in any order, with a weekday word around them."""
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", value).casefold())
    if (
        len(tokens) > 1
        and not tokens[0].isdigit()
        and any(t in MONTHS for t in tokens[1:] if not t.isdigit())
    ):
        tokens = tokens[1:]  # a leading weekday ("mar." is Tuesday in French and Spanish)
    numbers = [int(t) for t in tokens if t.isdigit()]
    months = [MONTHS[t] for t in tokens if not t.isdigit() and t in MONTHS]
    if len(numbers) != 2 or len(months) != 1:
        return None
    day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
    if year < 1000:
        return None
    try:
        return pd.Timestamp(year=year, month=months[0], day=day)
    except ValueError:
        return None


def x_dates(frame: pd.DataFrame, column: str, file: str, formats: tuple[str, ...]) -> pd.Series:
    """Days written as the English UI writes them (`formats`) or in another UI language.

    A cell that is neither, or an empty one, raises RowInvalid naming the cell.
    """
    s = cleaned(frame[column])
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = s.notna() & out.isna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    cache: dict[str, pd.Timestamp | None] = {}
    for idx, value in s[s.notna() & out.isna()].items():
        text = str(value)
        if text not in cache:
            cache[text] = _parse(text)
        found = cache[text]
        if found is not None:
            out.at[idx] = found
    for bad, message in (
        (s.isna(), "the date is empty."),
        (s.notna() & out.isna(), "{value!r} is not a date in a known format."),
    ):
        if bad.any():
            idx = bad[bad].index[0]
            raise RowInvalid(
                file,
                file_row(frame, idx),
                column,
                message.format(value=frame.at[idx, column]),
            )
    return out.dt.normalize()
