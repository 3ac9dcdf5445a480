"""Media-type uplift: what a photo, a video, a reel or a link does for engagement, on the
workspace's own posts, with its uncertainty.

The model (statsmodels' negative binomial regression, NB2, dispersion estimated):

    log E[metric] = log(exposure) + media type + controls

- basis "per_exposure": the exposure is an offset, so the ratios are per person reached (per
  impression, per view, or per follower when nothing else exists): how people respond.
- basis "total": no offset: the ratios are in totals, what a post of that type brings in all.
- basis "exposure": the metric is the exposure itself: how far each type is distributed.
  Total ≈ per exposure × exposure, which is why the first two can disagree (`explain`).
- controls, as far as the number of posts allows (about one parameter per MIN_POSTS_PER_PARAM
  posts): paid or not, trend (time), account size (log followers), the account (pooled
  scopes), hour block, weekend, topics from hashtags, language.

Ratios are against a reference type, with 95% Wald intervals on the log scale (quantile of
Student's t with the residual degrees of freedom, which keeps small accounts honest), and
Holm-adjusted p-values over the comparisons of one fit. A type with fewer than
MIN_TYPE_POSTS posts gets no estimate and its posts stay out of the fit; a type whose posts
never overlap in time with the reference's gets none either (trend and type could not be told
apart).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from socialdesk.catalogue.platforms import platform_name
from socialdesk.estimates import Estimate
from socialdesk.phrases import Cap, Join, Num, Phrase
from socialdesk.visual import features as F

MIN_TYPE_POSTS = 10
MIN_POSTS = 30
MIN_POSTS_PER_PARAM = 8
LEVEL = 0.95
BASES = ("per_exposure", "total", "exposure")
METRICS = (
    "interactions",
    "engagements",
    "reactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "video_views",
)
PLURAL = {
    "photo": Phrase("photos"),
    "video": Phrase("videos"),
    "reel": Phrase("reels"),
    "carousel": Phrase("carousels"),
    "link": Phrase("link posts"),
    "text": Phrase("text posts"),
    "story": Phrase("stories"),
    "other": Phrase("other posts"),
}
PER = {
    "reach": Phrase("Per person reached"),
    "impressions": Phrase("Per impression"),
    "views": Phrase("Per view"),
    "followers": Phrase("Per follower"),
    "mixed": Phrase("Per unit of each platform's exposure (reach, impressions or views)"),
}
# what a count is of, in a sentence (the metric names of METRICS and the exposures)
WORDS = {
    "interactions": Phrase("interactions"),
    "engagements": Phrase("engagements"),
    "reactions": Phrase("reactions"),
    "likes": Phrase("likes"),
    "comments": Phrase("comments"),
    "shares": Phrase("shares"),
    "saves": Phrase("saves"),
    "clicks": Phrase("clicks"),
    "link_clicks": Phrase("link_clicks"),
    "video_views": Phrase("video_views"),
    "reach": Phrase("reach"),
    "impressions": Phrase("impressions"),
    "views": Phrase("views"),
    "followers": Phrase("followers"),
    "mixed": Phrase("mixed"),
    "none": Phrase("none"),
}
# the controls of the model, as `method` and the notes name them
CONTROLS = {
    "account": Phrase("account"),
    "paid": Phrase("paid"),
    "trend": Phrase("trend"),
    "account size": Phrase("account size"),
    "hour": Phrase("hour"),
    "weekend": Phrase("weekend"),
    "topic": Phrase("topic"),
    "language": Phrase("language"),
}


@dataclass(frozen=True)
class TypeEffect:
    """One media type against the reference type."""

    media_type: str
    posts: int
    ratio: Estimate  # rate ratio vs the reference, 95% interval
    p_value: float | None
    p_adjusted: float | None  # Holm, over the types of this fit
    clear: bool  # adjusted p < 1 - level
    sentence: str


@dataclass(frozen=True)
class RawFigures:
    """What the posts of one type show before any model: medians."""

    media_type: str
    posts: int
    median_metric: float | None
    median_exposure: float | None
    median_per_1000: float | None  # metric per 1000 exposure


@dataclass(frozen=True)
class UpliftResult:
    scope: str  # "account", "platform" or "pooled"
    platform: str | None
    account: str | None
    metric: str
    basis: str
    exposure: str  # what the offset (or, basis "exposure", the outcome) is; "none" for totals
    reference: str | None
    posts: int  # posts in the fit
    effects: tuple[TypeEffect, ...]
    raw: tuple[RawFigures, ...]
    controls: tuple[str, ...]
    method: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    dispersion: float | None = None

    @property
    def ok(self) -> bool:
        return any(e.ratio.ok for e in self.effects)

    @property
    def exposure_word(self) -> str:
        """The exposure's name to show (translated when shown)."""
        return word(self.exposure)

    @property
    def label(self) -> str:
        if self.scope == "pooled":
            return "all accounts"
        if self.scope == "platform":
            return f"all {self.platform} accounts"
        return f"{self.platform} · {self.account}"


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
    return PLURAL.get(media_type) or Phrase("%(type)s posts", type=media_type)


def word(name: str) -> str:
    """A metric or exposure name in a sentence (translated when shown)."""
    return WORDS.get(name, name)


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
    if basis == "per_exposure":
        return PER.get(exposure) or Phrase("Per unit of %(exposure)s", exposure=word(exposure))
    if basis == "exposure":
        return Phrase("In distribution")
    return Phrase("In total")


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
        None, None, None, level, n, Phrase("not enough data: %(reason)s", reason=reason)
    )


# -- preparing ---------------------------------------------------------------------------------
def prepare(posts: pd.DataFrame, followers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The posts of `queries.posts()` with followers and timing added."""
    out = posts.copy()
    out["followers"] = F.followers_at_post(
        out,
        followers
        if followers is not None
        else pd.DataFrame(columns=["account_id", "date", "followers"]),
    )
    t = F.timing(out)
    for c in t.columns:
        out[c] = t[c]
    return out


def _exposures(frame: pd.DataFrame, basis: str) -> tuple[pd.Series, str, list[str]]:
    """The exposure per post, chosen per platform (pooled fits mix platforms)."""
    notes: list[str] = []
    if basis == "total":
        return pd.Series(np.nan, index=frame.index), "none", notes
    out = pd.Series(np.nan, index=frame.index, dtype="float64")
    names: dict[str, str] = {}
    for platform, g in frame.groupby("platform", sort=True):
        cols = g if basis == "per_exposure" else g.drop(columns=["followers"], errors="ignore")
        values, name = F.exposure_of(cols, str(platform))
        out.loc[g.index] = values
        names[str(platform)] = name
    kinds = sorted(set(names.values()))
    if len(kinds) == 1:
        return out, kinds[0], notes
    label = Join.of(
        (
            Phrase(
                "%(exposure)s (%(platforms)s)",
                exposure=word(k),
                platforms=", ".join(p for p, n in names.items() if n == k),
            )
            for k in kinds
        ),
        "; ",
    )
    notes.append(Phrase("the exposure differs per platform: %(list)s", list=label))
    return out, "mixed", notes


def _not_enough_type(media_type: str, n: int) -> Estimate:
    return not_enough(
        n,
        Phrase(
            "%(n)s %(types)s, at least %(min)s needed",
            n=n,
            types=plural(media_type),
            min=MIN_TYPE_POSTS,
        ),
    )


@dataclass
class _Design:
    X: pd.DataFrame
    controls: list[str]
    notes: list[str]


def _controls(g: pd.DataFrame, n_types: int, basis: str, exposure: str) -> _Design:
    """Control columns in order of importance, as many as the posts allow."""
    n = len(g)
    budget = max(0, n // MIN_POSTS_PER_PARAM - n_types)  # the intercept and types come first
    blocks: list[tuple[str, pd.DataFrame]] = []
    notes: list[str] = []
    if g["account_id"].nunique() > 1:
        acc = pd.get_dummies(
            g["account_id"].astype(str), prefix="account", drop_first=True, dtype=float
        )
        blocks.append(("account", acc))
        budget += acc.shape[1]  # always in: accounts are not comparable without it
    paid = pd.to_numeric(g["is_paid"].map({True: 1.0, False: 0.0}), errors="coerce")
    if paid.notna().mean() >= 0.8 and paid.fillna(0).nunique() > 1:
        blocks.append(("paid", pd.DataFrame({"paid": paid.fillna(0.0)})))
    trend = g["trend"]
    if trend.notna().mean() >= 0.8 and trend.std() > 0:
        trend = trend.fillna(trend.median())
        blocks.append(("trend", pd.DataFrame({"trend": trend - trend.mean()})))
    if exposure != "followers":
        logf = np.log(g["followers"].where(g["followers"] > 0))
        if logf.notna().mean() >= 0.8 and logf.std() > 0.01:
            logf = logf.fillna(logf.median())
            blocks.append(("account size", pd.DataFrame({"log_followers": logf - logf.mean()})))
    hour = g["hour"]
    if hour.notna().mean() >= 0.8:
        hb = F.hour_block(hour.fillna(hour.median()))
        if hb.nunique() > 1:
            ref = hb.value_counts().index[0]
            d = pd.get_dummies(hb, prefix="hour", dtype=float).drop(columns=f"hour_{ref}")
            blocks.append(("hour", d))
    wd = g["weekday"]
    if wd.notna().mean() >= 0.8:
        weekend = (wd.fillna(0) >= 5).astype(float)
        if weekend.nunique() > 1:
            blocks.append(("weekend", pd.DataFrame({"weekend": weekend})))
    tops, how = F.topics(g)
    if not tops.empty:
        blocks.append(("topic", tops))
    if "language" in g:
        lang = g["language"].where(g["language"].notna())
        if lang.notna().mean() >= 0.8:
            top = lang.value_counts()
            if len(top) > 1 and top.iloc[1] >= MIN_TYPE_POSTS:
                blocks.append(
                    (
                        "language",
                        pd.DataFrame({"other_language": (lang != top.index[0]).astype(float)}),
                    )
                )
    used: list[str] = []
    parts: list[pd.DataFrame] = []
    skipped: list[str] = []
    for name, block in blocks:
        block = block.loc[:, block.std() > 0] if len(block) > 1 else block
        if block.shape[1] == 0:
            continue
        if block.shape[1] <= budget:
            parts.append(block)
            used.append(name)
            budget -= block.shape[1]
        else:
            skipped.append(name)
    if "topic" in used:
        notes.append(how)
    if skipped:
        notes.append(
            Phrase(
                "too few posts to also control for: %(controls)s",
                controls=Join.of(CONTROLS.get(c, c) for c in skipped),
            )
        )
    X = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=g.index)
    return _Design(X.astype(float), used, notes)


def _full_rank(X: pd.DataFrame, keep: int) -> pd.DataFrame:
    """Drop control columns (never the first `keep`) that make the design rank deficient."""
    cols = list(X.columns)
    out = cols[:keep]
    for c in cols[keep:]:
        trial = X[[*out, c]].to_numpy()
        if np.linalg.matrix_rank(trial) == len(out) + 1:
            out.append(c)
    return X[out]


def _fit(
    y: np.ndarray, X: pd.DataFrame, offset: np.ndarray | None
) -> tuple[pd.Series, pd.DataFrame, float | None, int, str]:
    """(params, covariance, dispersion alpha, residual df, method) of an NB2 regression."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        pois = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
        mu = pois.mu
        # moment start for alpha: Var = mu + alpha mu^2
        alpha0 = max(1e-3, float(np.mean(((y - mu) ** 2 - y) / np.maximum(mu, 1e-9) ** 2)))
        start = np.append(pois.params.to_numpy(), alpha0)  # alpha on its own scale
        nb = sm.NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
        for optimiser in ("newton", "bfgs"):
            try:
                res = nb.fit(start_params=start, method=optimiser, maxiter=500, disp=0)
                cov = res.cov_params()
            except (ValueError, np.linalg.LinAlgError):
                continue
            converged = bool(res.mle_retvals.get("converged", False))
            finite = (
                np.all(np.isfinite(res.params.to_numpy()))
                and np.all(np.isfinite(np.diag(cov.to_numpy())))
                and np.all(np.diag(cov.to_numpy()) >= 0)
            )
            if converged and finite:
                params = res.params.drop("alpha")
                cov = cov.drop(index="alpha", columns="alpha")
                alpha = float(res.params["alpha"])
                return (
                    params,
                    cov,
                    alpha,
                    int(len(y) - X.shape[1] - 1),
                    Phrase("negative binomial (NB2)"),
                )
        # fall back to quasi-Poisson: Poisson means, Pearson-scaled variance
        q = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
        return (
            q.params,
            q.cov_params(),
            None,
            int(q.df_resid),
            Phrase("quasi-Poisson (the negative binomial did not converge)"),
        )


def _raw(g: pd.DataFrame, y: pd.Series, exposure: pd.Series) -> list[RawFigures]:
    out = []
    for media_type, idx in g.groupby("media_type", sort=True).groups.items():
        yy, ee = y.loc[idx], exposure.loc[idx]
        rate = (yy / ee * 1000).where(ee > 0)

        def med(s: pd.Series) -> float | None:
            s = s.dropna()
            return float(s.median()) if len(s) else None

        out.append(RawFigures(str(media_type), len(idx), med(yy), med(ee), med(rate)))
    return sorted(out, key=lambda r: -r.posts)


def uplift(
    frame: pd.DataFrame,
    *,
    metric: str = "interactions",
    basis: str = "per_exposure",
    reference: str | None = None,
    scope: str = "account",
    level: float = LEVEL,
) -> UpliftResult:
    """The media-type ratios for the posts in `frame` (rows of `prepare()`), fitted as one
    group: one account (scope "account"), or several with an account effect."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)} (got {basis!r})")
    platforms = sorted(frame["platform"].dropna().unique())
    platform = platforms[0] if len(platforms) == 1 else None
    accounts = sorted(frame["account"].dropna().unique())
    account = accounts[0] if len(accounts) == 1 and scope == "account" else None
    notes: list[str] = []

    exposure, exp_name, exp_notes = _exposures(frame, basis)
    notes += exp_notes
    y = exposure.copy() if basis == "exposure" else F.metric_values(frame, metric)
    raw_exposure = exposure if basis != "total" else _exposures(frame, "per_exposure")[0]

    def empty(
        note: str, reference: str | None = None, effects: Sequence[TypeEffect] = ()
    ) -> UpliftResult:
        return UpliftResult(
            scope,
            platform,
            account,
            metric,
            basis,
            exp_name,
            reference,
            0,
            tuple(effects),
            tuple(_raw(g, y, raw_exposure)),
            (),
            "",
            (*notes, note),
        )

    g = frame[frame["media_type"].notna()]
    missing_type = len(frame) - len(g)
    if missing_type:
        notes.append(
            Phrase(
                "%(n)s posts without a media type (the export does not say) are left out",
                n=missing_type,
            )
        )
    if basis != "total" and exp_name == "none":
        return empty(
            Phrase(
                "not enough data: no exposure column (reach, impressions, views "
                "or followers) for these posts"
            )
        )
    keep = y.loc[g.index].notna() & (y.loc[g.index] >= 0)
    if basis != "total":
        keep &= exposure.loc[g.index] > 0
    dropped = int((~keep).sum())
    if dropped:
        what = (
            Phrase("%(metric)s or %(exposure)s", metric=word(metric), exposure=word(exp_name))
            if basis == "per_exposure"
            else (word(exp_name) if basis == "exposure" else word(metric))
        )
        notes.append(Phrase("%(n)s posts without %(what)s are left out", n=dropped, what=what))
    g = g[keep]
    counts = g["media_type"].value_counts()
    usable = [t for t, c in counts.items() if c >= MIN_TYPE_POSTS]
    short = {str(t): int(c) for t, c in counts.items() if c < MIN_TYPE_POSTS}
    if reference is None:
        reference = str(usable[0]) if usable else None
    effects_short = [
        TypeEffect(
            t,
            c,
            _not_enough_type(t, c),
            None,
            None,
            False,
            Phrase(
                "%(types)s: not enough data (%(n)s posts, at least %(min)s needed).",
                types=Cap(plural(t)),
                n=c,
                min=MIN_TYPE_POSTS,
            ),
        )
        for t, c in short.items()
        if t != reference
    ]
    if reference is None:
        return empty(
            Phrase("not enough data: no media type has %(min)s posts or more", min=MIN_TYPE_POSTS),
            reference,
            effects_short,
        )
    if reference not in usable:
        n_ref = int(counts.get(reference, 0))
        return empty(
            Phrase(
                "not enough data: %(n)s %(types)s as the reference, at least %(min)s needed",
                n=n_ref,
                types=plural(str(reference)),
                min=MIN_TYPE_POSTS,
            ),
            reference,
            effects_short,
        )
    if len(usable) < 2:
        return empty(
            Phrase("not enough data: only one media type has enough posts to compare"),
            reference,
            effects_short,
        )
    g = g[g["media_type"].isin(usable)]
    if len(g) < MIN_POSTS:
        return empty(
            Phrase(
                "not enough data: %(n)s posts, at least %(min)s needed", n=len(g), min=MIN_POSTS
            ),
            reference,
            effects_short,
        )

    # types whose posts never overlap in time with the reference's
    overlap_out: list[TypeEffect] = []
    t_ref = g.loc[g["media_type"] == reference, "trend"].dropna()
    if len(t_ref):
        lo, hi = t_ref.min(), t_ref.max()
        for t in [u for u in usable if u != reference]:
            tt = g.loc[g["media_type"] == t, "trend"].dropna()
            if not len(tt):
                continue
            inside = float(((tt >= lo) & (tt <= hi)).mean())
            if inside == 0.0:
                n_t = int(counts[t])
                overlap_out.append(
                    TypeEffect(
                        str(t),
                        n_t,
                        not_enough(
                            n_t,
                            Phrase(
                                "%(types)s and %(reference)s were never posted in the same period, "
                                "so their difference cannot be told from a change over time",
                                types=plural(str(t)),
                                reference=plural(reference),
                            ),
                        ),
                        None,
                        None,
                        False,
                        Phrase(
                            "%(types)s and %(reference)s never overlap in time: no comparison.",
                            types=Cap(plural(str(t))),
                            reference=plural(reference),
                        ),
                    )
                )
            elif inside < 0.5:
                notes.append(
                    Phrase(
                        "only %(share)s of the %(types)s fall in the period of the "
                        "%(reference)s: that ratio leans on the trend control",
                        share=Num(inside, ".0%"),
                        types=plural(str(t)),
                        reference=plural(reference),
                    )
                )
    out_types = {e.media_type for e in overlap_out}
    g = g[~g["media_type"].isin(out_types)]
    types = [t for t in usable if t != reference and t not in out_types]
    if not types:
        return empty(
            Phrase("not enough data: no media type to compare with the reference"),
            reference,
            [*effects_short, *overlap_out],
        )

    yy = y.loc[g.index].to_numpy(dtype=float)
    if basis == "exposure":
        yy = np.round(yy)
    offset = None if basis != "per_exposure" else np.log(exposure.loc[g.index].to_numpy(float))
    media = pd.DataFrame(
        {f"type_{t}": (g["media_type"] == t).astype(float) for t in types}, index=g.index
    )
    design = _controls(g, len(types) + 1, basis, exp_name)
    notes += design.notes
    X = pd.concat([pd.DataFrame({"const": 1.0}, index=g.index), media, design.X], axis=1)
    X = _full_rank(X, 1 + len(types))
    params, cov, alpha, df, method = _fit(yy, X, offset)

    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    q = float(stats.t.ppf(0.5 + level / 2, max(df, 1)))
    pvals, ests = [], []
    for t in types:
        b = float(params[f"type_{t}"])
        se = float(math.sqrt(max(cov.loc[f"type_{t}", f"type_{t}"], 0.0)))
        ests.append(
            Estimate(
                math.exp(b),
                math.exp(b - q * se),
                math.exp(b + q * se),
                level,
                int(counts[t]),
                Phrase("%(method)s, Wald interval (t, %(df)s df)", method=method, df=df),
            )
        )
        pvals.append(float(2 * stats.t.sf(abs(b / se), max(df, 1))) if se > 0 else 1.0)
    adjusted = multipletests(pvals, alpha=1 - level, method="holm")[1] if pvals else []
    effects = []
    for t, est, p, pa in zip(types, ests, pvals, adjusted, strict=True):
        clear = bool(pa < 1 - level)
        effects.append(
            TypeEffect(
                str(t),
                int(counts[t]),
                est,
                p,
                float(pa),
                clear,
                sentence(
                    str(t),
                    reference,
                    est,
                    metric=metric,
                    basis=basis,
                    exposure=exp_name,
                    scope=scope,
                    platform=platform,
                    comparisons=len(types),
                    clear=clear,
                ),
            )
        )
    effects += [*overlap_out, *effects_short]
    controls = tuple(design.controls)
    outcome = word(exp_name if basis == "exposure" else metric)
    listed = Join.of(CONTROLS.get(c, c) for c in controls) if controls else Phrase("none")
    described = (
        Phrase(
            "%(method)s; outcome %(outcome)s, offset log(%(exposure)s); controls: "
            "%(controls)s; Holm correction over %(n)s comparison(s)",
            method=method,
            outcome=outcome,
            exposure=word(exp_name),
            controls=listed,
            n=len(types),
        )
        if basis == "per_exposure"
        else Phrase(
            "%(method)s; outcome %(outcome)s; controls: %(controls)s; Holm correction over "
            "%(n)s comparison(s)",
            method=method,
            outcome=outcome,
            controls=listed,
            n=len(types),
        )
    )
    return UpliftResult(
        scope,
        platform,
        account,
        metric,
        basis,
        exp_name,
        reference,
        len(g),
        tuple(effects),
        tuple(_raw(frame.loc[frame["media_type"].notna()], y, raw_exposure)),
        controls,
        described,
        tuple(notes),
        alpha,
    )


def uplift_all(
    frame: pd.DataFrame,
    *,
    metric: str = "interactions",
    basis: str = "per_exposure",
    reference: str | None = None,
    level: float = LEVEL,
) -> list[UpliftResult]:
    """Every account on its own, every platform with more than one account, and all posts
    pooled (with an account effect) when there is more than one account."""
    out: list[UpliftResult] = []
    for _acc, g in frame.groupby("account_id", sort=True):
        out.append(
            uplift(g, metric=metric, basis=basis, reference=reference, scope="account", level=level)
        )
    for _platform, g in frame.groupby("platform", sort=True):
        if g["account_id"].nunique() > 1:
            out.append(
                uplift(
                    g,
                    metric=metric,
                    basis=basis,
                    reference=reference,
                    scope="platform",
                    level=level,
                )
            )
    if frame["account_id"].nunique() > 1:
        out.append(
            uplift(
                frame, metric=metric, basis=basis, reference=reference, scope="pooled", level=level
            )
        )
    return out


# -- why per-exposure and totals disagree -------------------------------------------------------
@dataclass(frozen=True)
class Explanation:
    media_type: str
    per_exposure: Estimate
    distribution: Estimate
    total: Estimate
    sentence: str


def explain(
    per_exposure: UpliftResult, total: UpliftResult, distribution: UpliftResult
) -> tuple[Explanation, ...]:
    """Per type: how the ratio per person reached and the ratio of reach combine into the
    ratio in totals (log total ≈ log per exposure + log exposure)."""

    def by_type(r: UpliftResult) -> dict[str, Estimate]:
        return {e.media_type: e.ratio for e in r.effects}

    pe, di, to = by_type(per_exposure), by_type(distribution), by_type(total)
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
        out.append(Explanation(t, pe[t], di[t], to[t], text))
    return tuple(out)
