"""The words of the ads analyses, built from the numbers they computed (their checks and fits
build no text): the budget plan (why a campaign is left out, why it moves, the plan's notes)
the fatigue checks (why an ad is not checked, the evidence beside a flag) and the creative
tests (the verdict, the peeking warning).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from socialdesk.catalogue.words import result_type_word
from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

if TYPE_CHECKING:
    from socialdesk.ads.budget import Exclusion, Optimum
    from socialdesk.ads.creative_tests import Decision
    from socialdesk.ads.fatigue import AdDays
    from socialdesk.ads.response_curves import ResponseCurve


# -- campaigns left out ------------------------------------------------------------------------
def excluded(x: Exclusion) -> str:
    """Why a campaign is not in the plan."""
    from socialdesk.ads.budget import ACTIVE_WITHIN_DAYS

    if x.why == "stopped":
        return Phrase("not running in the last %(days)s days of data", days=ACTIVE_WITHIN_DAYS)
    if x.why == "currency":
        return Phrase(
            "spends %(currency)s, not %(chosen)s; currencies are not mixed",
            currency=x.found,
            chosen=x.chosen,
        )
    if x.why == "no value":
        return Phrase(
            "no value was given for its results (%(type)s)", type=result_type_word(x.found or "")
        )
    return Phrase(
        "its results (%(type)s) are not %(chosen)s; give a value per result type "
        "to weigh them together",
        type=result_type_word(x.found or ""),
        chosen=result_type_word(x.chosen or ""),
    )


# -- the plan's notes and methods --------------------------------------------------------------
def nothing_to_allocate() -> str:
    return Phrase("no running campaign to allocate to")


def plan_notes(opt: Optimum, unscored: Sequence[str]) -> list[str]:
    """The total against recent spend, what could not be placed, and campaigns left out of
    the expected totals."""
    notes: list[str] = []
    if opt.scaled:
        notes.append(
            Phrase(
                "the total is %(total)s a day against %(recent)s spent a day recently; the current "
                "split is scaled to it.",
                total=Num(opt.daily_total, ",.2f"),
                recent=Num(opt.recent, ",.2f"),
            )
        )
    if opt.limited == "over":
        notes.append(
            Phrase(
                "%(amount)s of the total cannot be placed: the campaigns never spent that much "
                "a day (or the move limit holds them), and their curves are not extrapolated "
                "beyond the spend seen.",
                amount=Num(opt.unallocated, ",.0f"),
            )
        )
    elif opt.limited == "under":
        notes.append(
            Phrase(
                "the total is below what the move limits allow; every campaign "
                "is cut to its lower limit and the rest is left unspent."
            )
        )
    if unscored:
        notes.append(
            Phrase(
                "expected totals leave out %(campaigns)s (no curve, or a budget "
                "outside the spend seen).",
                campaigns=", ".join(unscored),
            )
        )
    return notes


def period_method(method: str, days: int) -> str:
    """The method of a daily prediction scaled to the period."""
    return Phrase("%(method)s, x %(days)s days", method=method, days=days)


def no_curve_method() -> str:
    return Phrase("not enough data: no campaign with a fitted curve")


def sum_method(objective: str) -> str:
    what = Phrase("results") if objective != "value" else Phrase("value")
    return Phrase("sum of Hill curves (%(what)s)", what=what)


def gain_method() -> str:
    return Phrase("difference of Hill curves, delta method")


# -- why a campaign moves ----------------------------------------------------------------------
def reasons(
    c: ResponseCurve,
    i: int,
    cur: np.ndarray,
    rec: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    margins: Mapping[int, float],
    max_change: float | None,
) -> list[str]:
    """Why campaign `i` (curve `c`) gets `rec[i]` a day against `cur[i]` now, inside
    [lo[i], hi[i]]; `margins` are the optimised campaigns' last-euro returns."""
    if not c.ok:
        return [
            Phrase("kept at its current share: no response curve (%(reason)s)", reason=c.reason)
        ]
    if i not in margins:
        return [
            Phrase("kept at its current share: the move limit and the spend seen leave no room")
        ]
    out: list[str] = []
    change = rec[i] - cur[i]
    top, k = float(np.exp(c.theta[0])), float(np.exp(c.theta[1]))  # type: ignore[index]
    seen_bend = k <= c.spend_max
    here = float(c.slope(np.array([rec[i]]))[0])
    others = [m for j, m in margins.items() if j != i]
    unit = result_type_word(c.result_type) if c.result_type else Phrase("results")
    if abs(change) < 0.02 * cur[i]:
        return [Phrase("about right where it is: its last euro buys about as much as elsewhere")]
    if change < 0 and cur[i] > c.spend_max + 1e-6:
        return [
            Phrase(
                "cut to %(amount)s a day, the most it spent on any day: what more would "
                "buy is unknown (the curve is not extrapolated)",
                amount=Num(c.spend_max, ",.2f"),
            )
        ]
    if change > 0 and cur[i] < c.spend_min - 1e-6 and rec[i] <= c.spend_min + 1e-6:
        return [
            Phrase(
                "raised to %(amount)s a day, the least it spent on any day: below that "
                "its curve is unknown",
                amount=Num(c.spend_min, ",.2f"),
            )
        ]
    if change > 0:
        out += _rising(c, rec[i], top, k, seen_bend, here, unit)
    else:
        out += _flattening(c, cur[i], top, k, seen_bend, here, others)
    out += _held(c, change, rec[i], lo[i], hi[i], max_change)
    return out


def _rising(
    c: ResponseCurve, rec: float, top: float, k: float, seen_bend: bool, here: float, unit: str
) -> list[str]:
    out: list[str] = []
    if seen_bend:
        share = float(c.mean(np.array([rec]))[0]) / top
        if rec < k:
            out.append(
                Phrase(
                    "below its saturation point: at %(amount)s a day it delivers "
                    "%(share)s of the most it can",
                    amount=Num(rec, ",.2f"),
                    share=Num(share, ".0%"),
                )
            )
        else:
            out.append(
                Phrase(
                    "still rising: at %(amount)s a day it delivers %(share)s of the most it can",
                    amount=Num(rec, ",.2f"),
                    share=Num(share, ".0%"),
                )
            )
    else:
        out.append(Phrase("no saturation within the spend seen"))
    out.append(
        Phrase(
            "an extra 1 a day still buys %(more)s %(unit)s a day",
            more=Num(here, ".3g"),
            unit=unit,
        )
    )
    return out


def _flattening(
    c: ResponseCurve,
    cur: float,
    top: float,
    k: float,
    seen_bend: bool,
    here: float,
    others: Sequence[float],
) -> list[str]:
    out: list[str] = []
    if seen_bend and cur >= k:
        share = float(c.mean(np.array([cur]))[0]) / top
        out.append(
            Phrase(
                "past its saturation point: at %(amount)s a day it already "
                "delivers %(share)s of the most it can (half of it at about "
                "%(half)s a day)",
                amount=Num(cur, ",.2f"),
                share=Num(share, ".0%"),
                half=Num(k, ",.0f"),
            )
        )
    else:
        out.append(Phrase("its returns flatten as spend rises"))
    if others and max(others) > here:
        out.append(
            Phrase(
                "the same money buys more elsewhere (last euro: %(there)s against %(here)s here)",
                there=Num(max(others), ".3g"),
                here=Num(here, ".3g"),
            )
        )
    return out


def _held(
    c: ResponseCurve, change: float, rec: float, lo: float, hi: float, max_change: float | None
) -> list[str]:
    """The limit that holds a campaign, when it ends at one."""
    out: list[str] = []
    if change > 0 and rec >= hi - 1e-6:
        if hi >= c.spend_max - 1e-6:
            out.append(
                Phrase(
                    "held at %(amount)s a day, the most it spent on any day: beyond "
                    "that the curve is unknown",
                    amount=Num(c.spend_max, ",.2f"),
                )
            )
        elif max_change is not None:
            out.append(
                Phrase(
                    "held at the +%(limit)s move limit (larger edits restart the learning phase)",
                    limit=Num(max_change, ".0%"),
                )
            )
    if change < 0 and rec <= lo + 1e-6:
        if lo <= c.spend_min + 1e-6:
            out.append(
                Phrase(
                    "held at %(amount)s a day, the least it spent on any day",
                    amount=Num(c.spend_min, ",.2f"),
                )
            )
        elif max_change is not None:
            out.append(Phrase("held at the -%(limit)s move limit", limit=Num(max_change, ".0%")))
    return out


# -- fatigue -----------------------------------------------------------------------------------
def fatigue_reason(a: AdDays) -> str:
    """Why an ad's fatigue is not checked (`a.why_not` names the check that stopped it)."""
    from socialdesk.ads.fatigue import MIN_DAYS, MIN_EVENTS

    if a.why_not == "no frequency":
        return Phrase("no days with a frequency (Meta exports give one)")
    if a.stage == "fit":
        if a.why_not == "events":
            return Phrase("more events than exposures on some days")
        if a.why_not == "error":
            return Phrase("the model could not be fitted (%(error)s)", error=a.error)
        return Phrase("the model could not be fitted (no spread)")
    if a.why_not == "days":
        return Phrase(
            "%(n)s days with a frequency, at least %(min)s needed", n=a.days, min=MIN_DAYS
        )
    if a.why_not == "events":
        return Phrase(
            "%(n)s events, at least %(min)s needed", n=Num(a.events, ".0f"), min=MIN_EVENTS
        )
    return Phrase(
        "frequency hardly varied (%(low)s to %(high)s)",
        low=Num(a.frequency_low or 0.0, ".2f"),
        high=Num(a.frequency_high or 0.0, ".2f"),
    )


def no_frequency() -> Estimate:
    return Estimate(
        value=None,
        low=None,
        high=None,
        level=0.95,
        n=0,
        method=Phrase("not enough data: no frequency in the export"),
    )


def fatigue_not_enough(n: int, reason: str) -> Estimate:
    return Estimate(
        value=None,
        low=None,
        high=None,
        level=0.95,
        n=n,
        method=Phrase("not enough data: %(reason)s", reason=reason),
    )


def fatigue_evidence(
    a: AdDays,
    odds: Estimate,
    p_adj: float | None,
    flagged: bool,
    m: int,
    metric: str,
    *,
    reason: str | None,
) -> str:
    """The evidence beside a fatigue check: the rates by frequency, the slope, the p-value
    after Holm over the `m` ads checked; or why it is not checked."""
    if reason:
        return Phrase("not checked: %(reason)s", reason=reason)
    name = "CTR" if metric == "ctr" else Phrase("conversion rate")
    lo, hi = a.rate_low, a.rate_high
    assert lo is not None and hi is not None
    values = {
        "name": name,
        "low": Num(lo.value, ".2%"),  # type: ignore[arg-type]
        "f_low": Num(a.frequency_low, ".2f"),  # type: ignore[arg-type]
        "high": Num(hi.value, ".2%"),  # type: ignore[arg-type]
        "f_high": Num(a.frequency_high, ".2f"),  # type: ignore[arg-type]
        "days": a.days,
        "odds": Num(odds.value, ".2f"),  # type: ignore[arg-type]
        "odds_low": Num(odds.low, ".2f"),  # type: ignore[arg-type]
        "odds_high": Num(odds.high, ".2f"),  # type: ignore[arg-type]
        "p": Num(p_adj, ".3g"),  # type: ignore[arg-type]
        "m": m,
    }
    if lo.ok and hi.ok and lo.value:
        text = Phrase(
            "%(name)s %(low)s at frequency %(f_low)s and %(high)s at %(f_high)s "
            "(%(change)s) over %(days)s days; odds x%(odds)s per doubling of frequency "
            "(95%% CI %(odds_low)s-%(odds_high)s), p = %(p)s after Holm over %(m)s ads",
            change=Num(hi.value / lo.value - 1, "+.0%"),  # type: ignore[operator]
            **values,
        )
    else:
        text = Phrase(
            "%(name)s %(low)s at frequency %(f_low)s and %(high)s at %(f_high)s over "
            "%(days)s days; odds x%(odds)s per doubling of frequency (95%% CI "
            "%(odds_low)s-%(odds_high)s), p = %(p)s after Holm over %(m)s ads",
            **values,
        )
    if flagged:
        return Phrase(
            "fatigue: %(evidence)s. Refresh the creative or widen the audience.", evidence=text
        )
    return Phrase("no sign of fatigue: %(evidence)s", evidence=text)


# -- creative tests ----------------------------------------------------------------------------
def _count(value: float | None) -> str | Num:
    return "?" if value is None else Num(value, ",.0f")


def _unit(metric: str) -> str:
    return {
        "ctr": Phrase("impressions"),
        "conversion_rate": Phrase("link clicks"),
        "cpa": Phrase("spend"),
    }[metric]


def peeking_warning(d: Decision, metric: str) -> str | None:
    """The warning against deciding a running test before its planned sample is in."""
    if not (d.running and not d.reached):
        return None
    return Phrase(
        "this test is still running and has not reached its planned sample (%(needed)s "
        "%(unit)s per variant; the smallest has %(smallest)s). Looking now and stopping at "
        "the first significant result inflates false positives (daily looks over 30 days: "
        "about 28%% instead of 5%%). Decide when the sample is in.",
        needed=_count(d.needed),
        unit=_unit(metric),
        smallest=_count(d.smallest),
    )


def verdict(d: Decision, metric: str, min_lift: float) -> str:
    """What a creative or audience test decides, in a sentence."""
    lift = (
        Phrase("+%(lift)s over %(second)s", lift=Num(d.lift, ".1%"), second=d.second)
        if d.lift is not None
        else None
    )
    if d.winner and lift:
        return Phrase(
            "%(winner)s wins (%(lift)s): better than every other variant after the Holm correction",
            winner=d.winner,
            lift=lift,
        )
    if d.winner:
        return Phrase(
            "%(winner)s wins: better than every other variant after the Holm correction",
            winner=d.winner,
        )
    if d.beats_all and lift:
        return Phrase(
            "%(leader)s leads significantly (%(lift)s), but the planned sample is "
            "not reached yet: not a decision",
            leader=d.leader,
            lift=lift,
        )
    if d.beats_all:
        return Phrase(
            "%(leader)s leads significantly, but the planned sample is not reached "
            "yet: not a decision",
            leader=d.leader,
        )
    if d.needed is None:
        return Phrase("not enough data: no events yet")
    if d.reached:
        return Phrase(
            "no variant is better by %(lift)s or more: the sample is large enough to have seen it",
            lift=Num(min_lift, ".0%"),
        )
    return Phrase(
        "no decision yet: about %(more)s more %(unit)s per variant are needed",
        more=_count(max(d.needed - d.smallest, 0)),
        unit=_unit(metric),
    )
