"""The words of the media-type uplift: every sentence and note `uplift` shows, built from the
numbers its eligibility check and its fit computed (those two build no text).

The vocabularies (PLURAL, PER, WORDS, CONTROLS) stay in `uplift`, beside METRICS; they are
read here when a sentence is built. `Explanation` and `explain` (why per exposure and totals
disagree) live here too; `uplift` re-exports every public name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialdesk.catalogue.platforms import platform_name
from socialdesk.estimates import Estimate
from socialdesk.phrases import Cap, Join, Num, Phrase

if TYPE_CHECKING:
    from socialdesk.visual.uplift import Eligibility, TimeEstimate, TimeModel, UpliftResult

LEVEL = 0.95  # the same as uplift.LEVEL (not imported: uplift imports this module)

# the fitting methods `uplift._fit` reports, by code
METHODS = {
    "nb2": Phrase("negative binomial (NB2)"),
    "quasi-poisson": Phrase("quasi-Poisson (the negative binomial did not converge)"),
}


# -- formatting ------------------------------------------------------------------------------
def fmt_ratio(value: float) -> str:
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_interval(est: Estimate) -> str:
    """ "2.3× (1.9–2.8)", in the precision of the value (a Phrase: Dutch writes 2,3×)."""
    if not est.ok or est.low is None or est.high is None or est.value is None:
        return "–"
    if est.value >= 10:
        spec = ".0f"
    elif est.value >= 1:
        spec = ".1f"
    else:
        spec = ".2f"
    return Phrase(
        "%(value)s× (%(low)s–%(high)s)",
        value=Num(est.value, spec),
        low=Num(est.low, spec),
        high=Num(est.high, spec),
    )


def plural(media_type: str) -> str:
    from socialdesk.visual.uplift import PLURAL

    return PLURAL.get(media_type) or Phrase("%(type)s posts", type=media_type)


def word(name: str) -> str:
    """A metric or exposure name in a sentence (translated when shown)."""
    from socialdesk.visual.uplift import WORDS

    return WORDS.get(name, name)


def control(name: str) -> str:
    from socialdesk.visual.uplift import CONTROLS

    return CONTROLS.get(name, name)


def method(code: str) -> str:
    """The name of a fitting method `uplift._fit` reports."""
    return METHODS.get(code, code)


def _where(scope: str, platform: str | None) -> str:
    if scope == "pooled":
        return Phrase("across all accounts")
    if scope == "platform":
        return Phrase("across the %(platform)s accounts", platform=platform_name(platform or ""))
    return (
        Phrase("on this %(platform)s account", platform=platform_name(platform))
        if platform
        else Phrase("on this account")
    )


def _lead(basis: str, exposure: str) -> str:
    from socialdesk.visual.uplift import PER

    if basis == "per_exposure":
        return PER.get(exposure) or Phrase("Per unit of %(exposure)s", exposure=word(exposure))
    if basis == "exposure":
        return Phrase("In distribution")
    return Phrase("In total")


# -- one type against the reference ------------------------------------------------------------
def sentence(
    media_type: str,
    reference: str,
    est: Estimate,
    *,
    metric: str,
    basis: str,
    exposure: str,
    scope: str,
    platform: str | None,
    comparisons: int,
    clear: bool,
) -> str:
    if not est.ok:
        return Phrase("%(types)s: %(reason)s.", types=Cap(plural(media_type)), reason=est.method)
    what = exposure if basis == "exposure" else metric
    text = Phrase(
        "%(lead)s, %(types)s get %(ratio)s the %(what)s of %(reference)s %(where)s.",
        lead=_lead(basis, exposure),
        types=plural(media_type),
        ratio=fmt_interval(est),
        what=word(what),
        reference=plural(reference),
        where=_where(scope, platform),
    )
    if not clear and comparisons > 1:
        text = Phrase(
            "%(sentence)s Not clearly different from %(reference)s after correcting "
            "for %(n)s comparisons.",
            sentence=text,
            reference=plural(reference),
            n=comparisons,
        )
    elif not clear:
        text = Phrase(
            "%(sentence)s Not clearly different from %(reference)s.",
            sentence=text,
            reference=plural(reference),
        )
    return text


def not_enough(n: int, reason: str, level: float = LEVEL) -> Estimate:
    """Estimate.not_enough with its method a Phrase ("not enough data: …", translatable)."""
    return Estimate(
        value=None,
        low=None,
        high=None,
        level=level,
        n=n,
        method=Phrase("not enough data: %(reason)s", reason=reason),
    )


def too_few_estimate(media_type: str, n: int) -> Estimate:
    """No estimate for a type with fewer than MIN_TYPE_POSTS posts."""
    from socialdesk.visual.uplift import MIN_TYPE_POSTS

    return not_enough(
        n,
        Phrase(
            "%(n)s %(types)s, at least %(min)s needed",
            n=n,
            types=plural(media_type),
            min=MIN_TYPE_POSTS,
        ),
    )


def too_few_sentence(media_type: str, n: int) -> str:
    from socialdesk.visual.uplift import MIN_TYPE_POSTS

    return Phrase(
        "%(types)s: not enough data (%(n)s posts, at least %(min)s needed).",
        types=Cap(plural(media_type)),
        n=n,
        min=MIN_TYPE_POSTS,
    )


def too_few_for_time_estimate(posts: int, least: int, n: int) -> Estimate:
    """No estimate when the posts (`posts` in the fit, `n` of the type) cannot afford a time
    control that follows steps and seasons (`uplift.FLEXIBLE_TIME`): `least` posts would."""
    return Estimate(
        value=None,
        low=None,
        high=None,
        level=LEVEL,
        n=n,
        method=Phrase("not enough data: %(n)s posts, at least %(min)s needed", n=posts, min=least),
    )


def apart_estimate(media_type: str, reference: str, n: int) -> Estimate:
    """No estimate for a type never posted in the reference's period."""
    return not_enough(
        n,
        Phrase(
            "%(types)s and %(reference)s were never posted in the same period, "
            "so their difference cannot be told from a change over time",
            types=plural(media_type),
            reference=plural(reference),
        ),
    )


def apart_sentence(media_type: str, reference: str) -> str:
    return Phrase(
        "%(types)s and %(reference)s never overlap in time: no comparison.",
        types=Cap(plural(media_type)),
        reference=plural(reference),
    )


def wald(method_code: str, df: int) -> str:
    """The method of a fitted ratio's Estimate."""
    return Phrase("%(method)s, Wald interval (t, %(df)s df)", method=method(method_code), df=df)


# -- time: which control was chosen, and ratios that depend on it ------------------------------
def time_label(code: str, columns: int) -> str:
    """A time control with its size: "quarter effects (23 periods)", "spline in time (6 df)",
    "spline in time and yearly season (8 df)" (the spline's and the harmonics' together),
    "yearly season and linear trend" (one sine/cosine pair and a trend: `uplift._cycle`)."""
    if code in ("quarter", "month"):
        return Phrase("%(control)s (%(n)s periods)", control=control(code), n=columns + 1)
    if code == "cycle":  # one sine/cosine pair, and a linear trend when it has 3 columns
        return Phrase("yearly season and linear trend") if columns >= 3 else control(code)
    if code in ("spline", "season"):
        return Phrase("%(control)s (%(n)s df)", control=control(code), n=columns)
    return control(code)


def time_choice(models: Sequence[TimeModel]) -> str | None:
    """The chosen time control and what it was chosen over ("quarter effects (23 periods),
    the lowest AIC of: linear trend, spline in time (6 df)")."""
    chosen = next((m for m in models if m.chosen), None)
    if chosen is None:
        return None
    label = time_label(chosen.time, chosen.columns)
    others = [m for m in models if not m.chosen]
    if not others or chosen.aic is None:
        return label
    return Phrase(
        "%(control)s, the lowest AIC of: %(others)s",
        control=label,
        others=Join.of(time_label(m.time, m.columns) for m in others),
    )


def time_notes(models: Sequence[TimeModel], merged: str | None) -> list[str]:
    """Say when the posts afforded only a linear trend, and how sparse periods were merged."""
    notes: list[str] = []
    if len(models) == 1 and models[0].time == "trend":
        notes.append(
            Phrase(
                "too few posts for period effects or a spline in time: time is controlled "
                "by a linear trend only, which misses steps and seasons"
            )
        )
    if merged is not None:
        notes.append(merged)
    return notes


def period_note(unit: str, periods: int, calendar: int, least: int) -> str:
    """Sparse quarters or months merged with their neighbours."""
    return Phrase(
        "%(units)s with fewer than %(least)s posts are merged with the next: %(periods)s "
        "periods instead of %(calendar)s",
        units=Cap(Phrase("quarters") if unit == "quarter" else Phrase("months")),
        least=least,
        periods=periods,
        calendar=calendar,
    )


def not_robust(text: str, under: Sequence[TimeEstimate], chosen: str | None) -> str:
    """A ratio's sentence, and that its verdict depends on how time is modelled."""
    others = Join.of(
        Phrase(
            "%(control)s: %(ratio)s",
            control=control(e.time),
            ratio=fmt_interval(
                Estimate(value=e.value, low=e.low, high=e.high, level=LEVEL, n=0, method="")
            ),
        )
        for e in under
        if e.considered and e.time != chosen
    )
    return Phrase(
        "%(sentence)s Not robust: this depends on how time is modelled (%(others)s); "
        "don't act on it yet.",
        sentence=text,
        others=others,
    )


# -- notes and the method of one fit -----------------------------------------------------------
def exposure_notes(exposures: Mapping[str, str], name: str) -> list[str]:
    """A note when the exposure differs per platform (`exposures`: platform -> exposure)."""
    if name != "mixed":
        return []
    label = Join.of(
        (
            Phrase(
                "%(exposure)s (%(platforms)s)",
                exposure=word(k),
                platforms=", ".join(p for p, n in exposures.items() if n == k),
            )
            for k in sorted(set(exposures.values()))
        ),
        "; ",
    )
    return [Phrase("the exposure differs per platform: %(list)s", list=label)]


def eligibility_notes(el: Eligibility, *, metric: str, basis: str, exposure: str) -> list[str]:
    """What the eligibility check left out, and comparisons that lean on the trend."""
    notes: list[str] = []
    if el.without_type:
        notes.append(
            Phrase(
                "%(n)s posts without a media type (the export does not say) are left out",
                n=el.without_type,
            )
        )
    if el.without_values:
        what = (
            Phrase("%(metric)s or %(exposure)s", metric=word(metric), exposure=word(exposure))
            if basis == "per_exposure"
            else (word(exposure) if basis == "exposure" else word(metric))
        )
        notes.append(
            Phrase("%(n)s posts without %(what)s are left out", n=el.without_values, what=what)
        )
    for t, inside in el.partly:
        notes.append(
            Phrase(
                "only %(share)s of the %(types)s fall in the period of the "
                "%(reference)s: that ratio leans on the time control",
                share=Num(inside, ".0%"),
                types=plural(t),
                reference=plural(el.reference or ""),
            )
        )
    return notes


def why_not(el: Eligibility) -> str:
    """Why a group gets no fit (`el.why_not` says which check stopped it)."""
    from socialdesk.visual.uplift import MIN_POSTS, MIN_TYPE_POSTS

    if el.why_not == "no exposure":
        return Phrase(
            "not enough data: no exposure column (reach, impressions, views "
            "or followers) for these posts"
        )
    if el.why_not == "no type":
        return Phrase(
            "not enough data: no media type has %(min)s posts or more", min=MIN_TYPE_POSTS
        )
    if el.why_not == "reference":
        return Phrase(
            "not enough data: %(n)s %(types)s as the reference, at least %(min)s needed",
            n=el.counts.get(el.reference or "", 0),
            types=plural(str(el.reference)),
            min=MIN_TYPE_POSTS,
        )
    if el.why_not == "one type":
        return Phrase("not enough data: only one media type has enough posts to compare")
    if el.why_not == "posts":
        return Phrase(
            "not enough data: %(n)s posts, at least %(min)s needed",
            n=len(el.posts),
            min=MIN_POSTS,
        )
    return Phrase("not enough data: no media type to compare with the reference")


def design_notes(skipped: Sequence[str], topics: str | None) -> list[str]:
    """The notes of the controls: how topics were found, and controls the posts could not
    afford (`topics` is None when the topic control is not in the model)."""
    notes: list[str] = []
    if topics is not None:
        notes.append(topics)
    if skipped:
        notes.append(
            Phrase(
                "too few posts to also control for: %(controls)s",
                controls=Join.of(control(c) for c in skipped),
            )
        )
    return notes


def described(
    method_code: str,
    *,
    metric: str,
    basis: str,
    exposure: str,
    controls: Sequence[str],
    comparisons: int,
    time: str | None = None,
) -> str:
    """The `method` of a fitted UpliftResult: model, outcome, offset, controls (the time
    control as `time_choice` names it), correction."""
    from socialdesk.visual.uplift import TIME_CONTROLS

    outcome = word(exposure if basis == "exposure" else metric)
    listed = (
        Join.of(time if time is not None and c in TIME_CONTROLS else control(c) for c in controls)
        if controls
        else Phrase("none")
    )
    if basis == "per_exposure":
        return Phrase(
            "%(method)s; outcome %(outcome)s, offset log(%(exposure)s); controls: "
            "%(controls)s; Holm correction over %(n)s comparison(s)",
            method=method(method_code),
            outcome=outcome,
            exposure=word(exposure),
            controls=listed,
            n=comparisons,
        )
    return Phrase(
        "%(method)s; outcome %(outcome)s; controls: %(controls)s; Holm correction over "
        "%(n)s comparison(s)",
        method=method(method_code),
        outcome=outcome,
        controls=listed,
        n=comparisons,
    )


# -- why per-exposure and totals disagree -------------------------------------------------------
@dataclass(frozen=True)
class Explanation:
    media_type: str
    per_exposure: Estimate
    distribution: Estimate
    total: Estimate
    sentence: str
    # False when the ratio in total or in distribution changes its verdict under another
    # reasonable time control (`TypeEffect.robust` of those fits); the sentence then says so
    robust: bool = True
    total_clear: bool = False  # the ratio in total is clearly different (Holm, its own fit)


def explain(
    per_exposure: UpliftResult, total: UpliftResult, distribution: UpliftResult
) -> tuple[Explanation, ...]:
    """Per type: how the ratio per person reached and the ratio of reach combine into the
    ratio in totals (log total ≈ log per exposure + log exposure)."""

    def by_type(r: UpliftResult) -> dict[str, Estimate]:
        return {e.media_type: e.ratio for e in r.effects}

    pe, di, to = by_type(per_exposure), by_type(distribution), by_type(total)
    clear_total = {e.media_type: e.clear for e in total.effects}
    steady: dict[str, bool] = {}  # type -> robust in total and in distribution
    for r in (total, distribution):
        for e in r.effects:
            steady[e.media_type] = steady.get(e.media_type, True) and e.robust
    ref = per_exposure.reference
    exp = per_exposure.exposure
    out = []
    for t in pe:
        if not (pe[t].ok and t in di and di[t].ok and t in to and to[t].ok):
            continue
        b = di[t].value or 0
        people, one = {
            "reach": (Phrase("people"), Phrase("person reached")),
            "impressions": (Phrase("impressions"), Phrase("impression")),
            "views": (Phrase("views"), Phrase("view")),
        }.get(exp, (word(exp), Phrase("unit of %(exposure)s", exposure=word(exp))))
        text = Phrase(
            "%(types)s reach %(distribution)s as many %(people)s as %(reference)s and "
            "get %(ratio)s the %(metric)s per %(one)s; in total that makes %(total)s.",
            types=Cap(plural(t)),
            distribution=fmt_interval(di[t]),
            people=people,
            reference=plural(ref) if ref else Phrase("the reference"),
            ratio=fmt_interval(pe[t]),
            metric=word(per_exposure.metric),
            one=one,
            total=fmt_interval(to[t]),
        )
        pe_lo, pe_hi = pe[t].low or 0, pe[t].high or 0
        to_lo, to_hi = to[t].low or 0, to[t].high or 0
        if (pe_hi < 1 < to_lo) or (to_hi < 1 < pe_lo):
            text = Phrase(
                "%(sentence)s Per person and in total point in opposite directions: "
                "the difference in totals comes from distribution (how many see the "
                "post), not from how people respond to it.",
                sentence=text,
            )
        elif b > 1.5 or b < 1 / 1.5:
            text = Phrase(
                "%(sentence)s A good part of the difference in totals is distribution.",
                sentence=text,
            )
        robust = steady.get(t, True)
        if not robust:
            text = Phrase(
                "%(sentence)s Not robust: in total or in distribution this depends on how "
                "time is modelled; don't act on it yet.",
                sentence=text,
            )
        out.append(
            Explanation(
                media_type=t,
                per_exposure=pe[t],
                distribution=di[t],
                total=to[t],
                sentence=text,
                robust=robust,
                total_clear=clear_total.get(t, False),
            )
        )
    return tuple(out)
