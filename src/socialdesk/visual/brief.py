"""The designer brief: one page (Markdown and PDF, Dutch or English) with the objective, the
audience, the placements and their exact specs, what performed on this account (top posts
with their figures and thumbnails where the workspace has the image files, and the media-type
uplift), and do/don't points drawn from the account's own data, not from folklore.

Everything here is pure: `make_brief` takes frames and results, `to_markdown` and `write_pdf`
render them. Thumbnails are only shown for posts whose image file the workspace has (visual
media); the brief says so when there are none instead of drawing placeholders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from socialdesk.phrases import NumberFormats, Translate, say
from socialdesk.visual import features as F
from socialdesk.visual.media import FeatureResult
from socialdesk.visual.specs import Placement
from socialdesk.visual.uplift import MIN_POSTS, Explanation, UpliftResult

LANGS = ("nl", "en")
OBJECTIVES = {  # objective -> (metric, basis) used for "what performed"
    "awareness": ("interactions", "exposure"),
    "engagement": ("interactions", "per_exposure"),
    "traffic": ("link_clicks", "per_exposure"),
}
TOP_N = 5
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

T = {
    "title": {"en": "Designer brief", "nl": "Briefing voor de ontwerper"},
    "objective": {"en": "Objective", "nl": "Doel"},
    "audience": {"en": "Audience", "nl": "Doelgroep"},
    "platform": {"en": "Platform", "nl": "Platform"},
    "placements": {"en": "Placements and specs", "nl": "Plaatsingen en specificaties"},
    "performed": {"en": "What performed on this account", "nl": "Wat werkte op dit account"},
    "top": {"en": "Top posts", "nl": "Beste berichten"},
    "uplift": {"en": "Media types compared", "nl": "Mediatypen vergeleken"},
    "features": {"en": "Image features", "nl": "Beeldkenmerken"},
    "do": {"en": "Do", "nl": "Doen"},
    "dont": {"en": "Don't", "nl": "Niet doen"},
    "unclear": {"en": "No clear difference", "nl": "Geen duidelijk verschil"},
    "not_robust": {
        "en": "Wait before acting on {types} against {reference}: ",
        "nl": "Wacht nog met {types} tegenover {reference}: ",
    },
    "in_total": {
        "en": "{types} or {reference}: no clear difference {per}, but in total there is one: ",
        "nl": "{types} of {reference}: geen duidelijk verschil {per}, in totaal wel: ",
    },
    "sources": {"en": "Specs as of", "nl": "Specificaties per"},
    "no_thumbs": {
        "en": "No thumbnails: the workspace has no image files for these posts (add them with "
        "'socialdesk visual media FOLDER').",
        "nl": "Geen miniaturen: de werkruimte heeft geen beeldbestanden van deze berichten "
        "(voeg ze toe met 'socialdesk visual media MAP').",
    },
    "no_data": {
        "en": "Not enough data for do/don't points from this account yet",
        "nl": "Nog niet genoeg gegevens voor doe/niet-doen-punten van dit account",
    },
    "generated": {"en": "Made by socialdesk on", "nl": "Gemaakt door socialdesk op"},
    "safe": {"en": "keep free", "nl": "vrij houden"},
    "circle": {
        "en": "shown as a circle: keep the subject in the middle",
        "nl": "wordt rond getoond: onderwerp in het midden",
    },
}
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {  # table -> language -> headers
    "placements": {
        "en": ("placement", "px", "ratio", "max", "formats", "source"),
        "nl": ("plaatsing", "px", "verhouding", "max.", "formaten", "bron"),
    },
    "top": {
        "en": ("date", "type", "per 1000", "text"),
        "nl": ("datum", "type", "per 1000", "tekst"),
    },
}
PLURAL_NL = {
    "photo": "foto's",
    "video": "video's",
    "reel": "reels",
    "carousel": "carrousels",
    "link": "linkberichten",
    "text": "tekstberichten",
    "story": "stories",
    "other": "overige berichten",
}
PLURAL_EN = {
    "photo": "photos",
    "video": "videos",
    "reel": "reels",
    "carousel": "carousels",
    "link": "link posts",
    "text": "text posts",
    "story": "stories",
    "other": "other posts",
}
PER = {
    "en": {
        "reach": "per person reached",
        "impressions": "per impression",
        "views": "per view",
        "followers": "per follower",
    },
    "nl": {
        "reach": "per bereikte persoon",
        "impressions": "per vertoning",
        "views": "per weergave",
        "followers": "per volger",
    },
}
METRIC_NL = {
    "interactions": "interacties",
    "link_clicks": "linkklikken",
    "clicks": "klikken",
    "reach": "bereik",
    "impressions": "vertoningen",
    "views": "weergaven",
}


@dataclass(frozen=True)
class TopPost:
    published_at: str
    media_type: str
    text: str
    value: float
    exposure: float | None
    per_1000: float | None
    permalink: str | None
    thumbnail: str | None


@dataclass(frozen=True)
class Brief:
    lang: str
    objective: str
    audience: str
    platform: str
    account: str | None
    metric: str
    exposure: str
    placements: tuple[Placement, ...]
    top_posts: tuple[TopPost, ...]
    uplift_lines: tuple[str, ...]
    feature_lines: tuple[str, ...]
    dos: tuple[str, ...]
    donts: tuple[str, ...]
    unclear: tuple[str, ...]
    notes: tuple[str, ...]
    made_on: str


def _t(key: str, lang: str) -> str:
    return T[key][lang]


def _num(v: float, lang: str, places: int = 2) -> str:
    text = f"{v:,.{places}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def _ratio(est: object, lang: str) -> str:
    value, low, high = est.value, est.low, est.high  # type: ignore[attr-defined]
    places = 2 if value < 1 else 1
    return f"{_num(value, lang, places)}× ({_num(low, lang, places)}–{_num(high, lang, places)})"


def _plural(t: str, lang: str) -> str:
    return (PLURAL_NL if lang == "nl" else PLURAL_EN).get(t, t)


def _metric_name(metric: str, lang: str) -> str:
    return METRIC_NL.get(metric, metric) if lang == "nl" else metric.replace("_", " ")


def top_posts(
    frame: pd.DataFrame, media: pd.DataFrame, metric: str, basis: str, n: int = TOP_N
) -> tuple[TopPost, ...]:
    """The best posts: by exposure for awareness, else by `metric` per 1000 of exposure
    among posts that reached at least the lower quartile (so a tiny reach is no fluke win)."""
    g = frame.copy()
    g["_value"] = F.metric_values(g, metric)
    exposure, _name = F.exposure_of(g, str(g["platform"].iloc[0]) if len(g) else None)
    g["_exposure"] = exposure
    g = g[g["_value"].notna()]
    if basis == "exposure":
        g = g[g["_exposure"].notna()].sort_values("_exposure", ascending=False)
    else:
        g = g[g["_exposure"] > 0]
        if g.empty:
            return ()
        g = g[g["_exposure"] >= g["_exposure"].quantile(0.25)]
        g = g.assign(_rate=g["_value"] / g["_exposure"]).sort_values("_rate", ascending=False)
    thumbs = (
        {
            int(p): str(path)
            for p, path in zip(media["post_id"], media["path"], strict=True)
            if p is not None and p == p
        }
        if not media.empty
        else {}
    )
    out = []
    for _, r in g.head(n).iterrows():
        exp = r["_exposure"] if pd.notna(r["_exposure"]) else None
        text = " ".join(str(r.get("text") or r.get("title") or "").split())
        out.append(
            TopPost(
                r["published_at"].strftime("%Y-%m-%d") if pd.notna(r["published_at"]) else "",
                str(r["media_type"] or "?"),
                text[:90] + ("…" if len(text) > 90 else ""),
                float(r["_value"]),
                exp,
                (float(r["_value"]) / exp * 1000) if exp else None,
                r.get("permalink") if isinstance(r.get("permalink"), str) else None,
                thumbs.get(int(r["post_id"])),
            )
        )
    return tuple(out)


def make_brief(
    *,
    objective: str,
    audience: str,
    platform: str,
    lang: str,
    frame: pd.DataFrame,
    media: pd.DataFrame,
    uplift_result: UpliftResult | None,
    feature_result: FeatureResult | None,
    placements: tuple[Placement, ...],
    made_on: dt.date | None = None,
    explanations: Sequence[Explanation] = (),
    translate: Translate | None = None,
    fmt: NumberFormats | None = None,
) -> Brief:
    """The brief. Its media-type lines are the uplift's own sentences (`translate` and `fmt`,
    the face's gettext and number formats for `lang`, say them in the brief's language;
    without them they are English), with `explanations` (`uplift.explain`: how per exposure
    and in total combine) beside them, so the brief says what the uplift says: a do or don't
    carries its total-basis explanation when that points elsewhere, a comparison with no clear
    difference per exposure but a clear one in total says so (not "no clear difference"), and a
    comparison that depends on how time is modelled is no do or don't."""
    if lang not in LANGS:
        raise ValueError(f"lang must be nl or en (got {lang!r})")
    metric, basis = OBJECTIVES.get(objective.casefold(), ("interactions", "per_exposure"))
    if uplift_result is not None:
        metric = uplift_result.metric
        basis = uplift_result.basis
    notes: list[str] = []
    tops = top_posts(frame, media, metric, basis)
    if tops and not any(p.thumbnail for p in tops):
        notes.append(_t("no_thumbs", lang))
    uplift_lines: list[str] = []
    dos: list[str] = []
    donts: list[str] = []
    unclear: list[str] = []
    exposure = uplift_result.exposure if uplift_result is not None else "none"
    m = _metric_name(metric if basis != "exposure" else exposure, lang)
    if uplift_result is not None and uplift_result.reference:
        ref = _plural(uplift_result.reference, lang)
        explained = {x.media_type: x for x in explanations}
        for e in uplift_result.effects:
            if not e.ratio.ok:
                continue
            typ = _plural(e.media_type, lang)
            line = say(e.sentence, translate, fmt)
            x = explained.get(e.media_type)
            uplift_lines.append(line)
            if x is not None:
                uplift_lines.append(say(x.sentence, translate, fmt))
            if not e.robust:
                point = line
                if x is not None and _totals_differ(x, e.ratio.value or 1.0):
                    point += " " + say(x.sentence, translate, fmt)
                unclear.append(_t("not_robust", lang).format(types=typ, reference=ref) + point)
            elif e.clear:
                point = line
                if x is not None and _totals_differ(x, e.ratio.value or 1.0):
                    point += " " + say(x.sentence, translate, fmt)
                if (e.ratio.value or 0) > 1:
                    dos.append(
                        (f"Kies vaker voor {typ}: " if lang == "nl" else f"Favour {typ}: ") + point
                    )
                else:
                    donts.append(
                        (
                            f"Reken niet op {typ} voor {m}: "
                            if lang == "nl"
                            else f"Do not count on {typ} for {m}: "
                        )
                        + point
                    )
            elif x is not None and x.total_clear:
                # not clear per exposure, clear in total: the brief says both, as the uplift
                per = PER[lang].get(exposure) or ("per eenheid" if lang == "nl" else "per unit")
                unclear.append(
                    _t("in_total", lang).format(types=typ.capitalize(), reference=ref, per=per)
                    + say(x.sentence, translate, fmt)
                )
            else:
                unclear.append(
                    f"{typ.capitalize()} of {ref}: kies op inhoud, de cijfers "
                    "tonen geen duidelijk verschil."
                    if lang == "nl"
                    else f"{typ.capitalize()} or {ref}: choose on content, the "
                    "figures show no clear difference."
                )

    feature_lines: list[str] = []
    if feature_result is not None:
        for fe in feature_result.effects:
            if not fe.ratio.ok:
                continue
            feature_lines.append(fe.sentence)
            if fe.clear:
                (dos if (fe.ratio.value or 0) > 1 else donts).append(fe.sentence)
        if not feature_result.effects:
            notes.append(
                f"Nog geen beeldkenmerken: {feature_result.posts} berichten met een "
                f"geanalyseerd beeld, minstens {MIN_POSTS} nodig."
                if lang == "nl"
                else f"No image features yet: {feature_result.posts} posts with an analysed image, "
                f"at least {MIN_POSTS} needed."
            )
    for p in placements:
        dos.append(_spec_line(p, lang))
    if uplift_result is None or not uplift_result.ok:
        detail = uplift_result.notes[-1] if uplift_result and uplift_result.notes else ""
        notes.append(_t("no_data", lang) + (f" ({detail})." if detail else "."))
    account = uplift_result.account if uplift_result is not None else None
    return Brief(
        lang,
        objective,
        audience,
        platform,
        account,
        metric,
        exposure,
        placements,
        tops,
        tuple(uplift_lines),
        tuple(feature_lines),
        tuple(dos),
        tuple(donts),
        tuple(unclear),
        tuple(notes),
        (made_on or dt.date.today()).isoformat(),
    )


def _totals_differ(x: Explanation, value: float) -> bool:
    """Whether the ratio in totals does not clearly point the way of `value` (the ratio per
    exposure): it is not clear, or clear the other way."""
    low, high = x.total.low or 0.0, x.total.high or 0.0
    return not (low > 1 if value > 1 else high < 1)


def _spec_line(p: Placement, lang: str) -> str:
    mb = f"{p.max_mb:g} MB" if p.max_mb else ""
    ratios = p.ratio_text.replace(" to ", " tot ") if lang == "nl" else p.ratio_text
    base = (
        f"{p.name}: {p.width}×{p.height} px ({ratios}), "
        f"{'max.' if lang == 'nl' else 'at most'} {mb}, {'/'.join(p.formats)}"
    )
    s = p.safe
    if s.circle:
        base += f"; {_t('circle', lang)}"
    elif s.any:
        sides = [
            f"{name} {v:.0%}"
            for name, v in (
                ("boven" if lang == "nl" else "top", s.top),
                ("onder" if lang == "nl" else "bottom", s.bottom),
                ("links" if lang == "nl" else "left", s.left),
                ("rechts" if lang == "nl" else "right", s.right),
            )
            if v
        ]
        base += f"; {_t('safe', lang)}: {', '.join(sides)}"
    return ("Lever " if lang == "nl" else "Deliver ") + base + "."


# -- rendering ---------------------------------------------------------------------------------
def to_markdown(b: Brief) -> str:
    L = b.lang
    lines = [
        f"# {_t('title', L)}: {b.platform}",
        "",
        f"**{_t('objective', L)}:** {b.objective}  ",
        f"**{_t('audience', L)}:** {b.audience}  ",
        f"**{_t('platform', L)}:** {b.platform}" + (f" ({b.account})" if b.account else ""),
        "",
        f"## {_t('placements', L)}",
        "",
        "| " + " | ".join(HEADERS["placements"][L]) + " |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in b.placements:
        lines.append(
            f"| {p.name} | {p.width}×{p.height} | {p.ratio_text} | {p.max_mb:g} MB | "
            f"{', '.join(p.formats)} | {p.source} |"
        )
    if b.placements:
        lines += ["", f"_{_t('sources', L)} {b.placements[0].as_of}._"]
    lines += ["", f"## {_t('performed', L)}", "", f"### {_t('top', L)}", ""]
    if b.top_posts:
        date, kind, per, text_h = HEADERS["top"][L]
        lines += [
            f"| | {date} | {kind} | {_metric_name(b.metric, L)} | "
            f"{_metric_name(b.exposure, L)} | {per} | {text_h} |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for post in b.top_posts:
            thumb = f"![]({post.thumbnail})" if post.thumbnail else ""
            exp = _num(post.exposure, L, 0) if post.exposure else "–"
            rate = _num(post.per_1000, L, 1) if post.per_1000 else "–"
            text = post.text.replace("|", "/")
            lines.append(
                f"| {thumb} | {post.published_at} | {post.media_type} | "
                f"{_num(post.value, L, 0)} | {exp} | {rate} | {text} |"
            )
    for note in b.notes:
        lines += ["", f"> {note}"]
    if b.uplift_lines:
        lines += ["", f"### {_t('uplift', L)}", "", *(f"- {x}" for x in b.uplift_lines)]
    if b.feature_lines:
        lines += ["", f"### {_t('features', L)}", "", *(f"- {x}" for x in b.feature_lines)]
    lines += ["", f"## {_t('do', L)}", "", *(f"- {x}" for x in b.dos)]
    if b.donts:
        lines += ["", f"## {_t('dont', L)}", "", *(f"- {x}" for x in b.donts)]
    if b.unclear:
        lines += ["", f"## {_t('unclear', L)}", "", *(f"- {x}" for x in b.unclear)]
    lines += ["", f"_{_t('generated', L)} {b.made_on}._", ""]
    return "\n".join(lines)


def _font(pdf: object) -> tuple[str, bool]:
    for d in FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))  # type: ignore[attr-defined]
            pdf.add_font("DejaVu", "B", str(bold))  # type: ignore[attr-defined]
            return "DejaVu", True
    return "Helvetica", False


def _latin1(text: str) -> str:
    return (
        text.replace("–", "-")
        .replace("—", "-")
        .replace("…", "...")
        .replace("’", "'")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def write_pdf(b: Brief, path: Path) -> Path:
    """The brief as a PDF (fpdf2; DejaVu Sans when the system has it, else Helvetica)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    family, unicode_ok = _font(pdf)

    def txt(s: str) -> str:
        s = "".join(ch for ch in s if ord(ch) <= 0xFFFF)  # no emoji glyphs in the font
        return s if unicode_ok else _latin1(s)

    def heading(s: str, size: int = 12) -> None:
        pdf.ln(1.5)
        pdf.set_font(family, "B", size)
        pdf.multi_cell(0, size * 0.5, txt(s), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 8.5)

    def para(s: str) -> None:
        pdf.multi_cell(0, 4, txt(s), new_x="LMARGIN", new_y="NEXT")

    L = b.lang
    heading(f"{_t('title', L)}: {b.platform}", 15)
    para(
        f"{_t('objective', L)}: {b.objective}   ·   {_t('audience', L)}: {b.audience}"
        + (f"   ·   {b.account}" if b.account else "")
    )
    heading(_t("placements", L))
    for p in b.placements:
        para(f"- {_spec_line(p, L)} ({p.source})")
    if b.placements:
        para(f"{_t('sources', L)} {b.placements[0].as_of}.")
    heading(_t("performed", L))
    for post in b.top_posts:
        y0 = pdf.get_y()
        if post.thumbnail and Path(post.thumbnail).is_file():
            pdf.image(post.thumbnail, x=pdf.l_margin, y=y0, h=14)
            pdf.set_x(pdf.l_margin + 26)
        exp = f"{_num(post.exposure, L, 0)} {b.exposure}" if post.exposure else ""
        rate = f", {_num(post.per_1000, L, 1)} per 1000" if post.per_1000 else ""
        pdf.multi_cell(
            0,
            4,
            txt(
                f"{post.published_at} · {post.media_type} · "
                f"{_num(post.value, L, 0)} {_metric_name(b.metric, L)}"
                f" · {exp}{rate}\n{post.text}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        if post.thumbnail:
            pdf.set_y(max(pdf.get_y(), y0 + 15))
    for note in b.notes:
        para(note)
    if b.uplift_lines:
        heading(_t("uplift", L), 10)
        for x in b.uplift_lines:
            para(f"- {x}")
    if b.feature_lines:
        heading(_t("features", L), 10)
        for x in b.feature_lines:
            para(f"- {x}")
    for key, items in (("do", b.dos), ("dont", b.donts), ("unclear", b.unclear)):
        if items:
            heading(_t(key, L))
            for x in items:
                para(f"- {x}")
    pdf.ln(2)
    para(f"{_t('generated', L)} {b.made_on}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
