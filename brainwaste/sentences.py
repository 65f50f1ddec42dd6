"""Quotable sentences: the key findings of an estimates table, in words, with their MOEs.

The fact sheets, the notebooks and the gallery all quote findings through this module, so one
wording rule holds everywhere:

- every number comes with its 90% margin of error, and an estimate that fails the reliability
  standard says so;
- "about 1 in N" is written only when the rounding stays inside the 90% interval (|1/N - p| is
  at most the MOE) and N is between 2 and 20; otherwise the percentage alone;
- two rates are called "higher" or "lower" only when the 90% interval of their difference
  excludes zero; otherwise they are "not measurably different". The MOE of a difference is
  sqrt(MOE_a^2 + MOE_b^2) (Census Bureau, *Understanding and Using American Community Survey
  Data*, 2020, ch. 8), which ignores the covariance of the two estimates: for disjoint groups
  of one sample it is close to zero, and for a state against the nation, which contains it,
  it is positive, so the test errs on the side of "not measurably different".
- from the synthetic sample every sentence says it is an illustration, not a finding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .estimate.outcomes import RELIABILITY_SENTENCE
from .geography import NATION, place_name

#: Put before every sentence made from the synthetic sample.
SYNTHETIC_PREFIX = "[SYNTHETIC]"

#: Fewer key numbers than this (besides the headline) and the share out of the labor force is
#: added (inputs that cannot split immigrants by place of education, runs without the nation).
MIN_KEY_NUMBERS = 4

#: The largest N written as "about 1 in N" (rarer shares read better as a percentage).
MAX_ONE_IN = 20

#: What an unreliable estimate carries in a sentence.
UNRELIABLE_WORDS = "unreliable estimate, read with care"

#: How each group is named in running text.
GROUP_WORDS = {
    "us_born": "U.S.-born",
    "immigrant": "immigrants",
    "immigrant_us_educated": "immigrants educated in the U.S.",
    "immigrant_foreign_educated": "immigrants educated abroad",
}

#: The reliability standard in words (for boxes and footnotes).
RELIABILITY_RULE = RELIABILITY_SENTENCE


@dataclass(frozen=True)
class Estimate:
    """One number of the estimates table: value, 90% MOE (NaN without replicate weights) and
    the reliability flag."""

    value: float
    moe: float = math.nan
    reliable: bool = True

    @property
    def has_moe(self) -> bool:
        return not math.isnan(self.moe)


@dataclass(frozen=True)
class Difference:
    """a - b with its 90% MOE and the verdict the wording rule allows."""

    diff: float
    moe: float
    #: "higher", "lower", "not measurably different", "untested" (no MOE) or "unreliable"
    #: (either estimate fails the reliability standard).
    verdict: str


@dataclass(frozen=True)
class Finding:
    """A quotable sentence, the estimates it quotes (as (state, population, outcome)) and its
    key figure for a display tile (e.g. ``"29%"``)."""

    text: str
    cells: tuple[tuple[str, str, str], ...] = ()
    figure: str = ""
    #: A few words under the key figure on a tile (e.g. "underutilization rate").
    label: str = ""


#: What a person counted as underutilized does, by outcome, for "... work in low-skilled jobs
#: or are unemployed" (a profile may count other outcomes).
OUTCOME_WORDS = {
    "employed_low_skill": "work in low-skilled jobs",
    "employed_middle_skill": "work in middle-skilled jobs",
    "employed_outside_health": "work outside health occupations",
    "employed_health_part_time": "work part-time in a health occupation",
    "unemployed": "are unemployed",
    "not_in_labor_force": "are out of the labor force",
}

#: The default profile's definition of underutilized.
DEFAULT_UNDERUTILIZED = ("employed_low_skill", "unemployed")


def underutilized_words(outcomes=DEFAULT_UNDERUTILIZED) -> str:
    """``"work in low-skilled jobs or are unemployed"`` for a profile's underutilized outcomes."""
    words = [OUTCOME_WORDS.get(o, o.replace("_", " ")) for o in outcomes]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True)
class Definition:
    """What the sentences need to know of a definition profile to word its rate right."""

    underutilized: tuple[str, ...] = DEFAULT_UNDERUTILIZED
    #: True when the rate is a share of the labor force, False when of all holders.
    of_labor_force: bool = True
    #: "a college health degree", or "a college degree" for a profile of every field.
    degree: str = "a college health degree"

    @classmethod
    def of(cls, settings: dict | None) -> Definition:
        """From a profile's settings (``Profile.settings()``, or a run's ``meta["profile"]``)."""
        if not settings:
            return cls()
        return cls(
            tuple(settings.get("underutilized") or DEFAULT_UNDERUTILIZED),
            settings.get("rate_denominator", "labor_force") == "labor_force",
            "a college degree"
            if settings.get("degree_set") == "all"
            else "a college health degree",
        )

    @property
    def who(self) -> str:
        """The rate's universe after a group name: "who hold ... and are in the labor force"."""
        lf = " and are in the labor force" if self.of_labor_force else ""
        return f"who hold {self.degree}{lf}"


# -- numbers in words -----------------------------------------------------------------------------


def half_up(x: float, digits: int = 0) -> str:
    """`x` rounded half away from zero (12.5 -> "13", as readers round; Python's format rounds
    half to even)."""
    scale = 10**digits
    v = math.copysign(math.floor(abs(x) * scale + 0.5), x) / scale
    return f"{v:.{digits}f}"


def _pct(x: float, moe: float = math.nan) -> str:
    """A share as a percentage: whole percent, one decimal when the MOE is under one point."""
    digits = 1 if not math.isnan(moe) and 0 < moe < 0.01 else 0
    return f"{half_up(100 * x, digits)}%"


def _points(moe: float) -> str:
    digits = 1 if 0 < moe < 0.01 else 0
    text = half_up(100 * moe, digits)
    return f"±{text} point" + ("" if text == "1" else "s")


def one_in(share: Estimate) -> int | None:
    """N of "about 1 in N" when the wording rule allows it, else None."""
    if not share.reliable or not share.has_moe or not 0 < share.value < 1:
        return None
    n = round(1 / share.value)
    if not 2 <= n <= MAX_ONE_IN or abs(1 / n - share.value) > share.moe:
        return None
    return n


def _caveat(e: Estimate) -> str:
    return "" if e.reliable else f"; {UNRELIABLE_WORDS}"


def share_numbers(share: Estimate) -> str:
    """``"24%, ±4 points"`` (no MOE part without replicate weights), with the caveat."""
    moe = f", {_points(share.moe)}" if share.has_moe else ""
    return f"{_pct(share.value, share.moe)}{moe}{_caveat(share)}"


def share_in_words(share: Estimate) -> str:
    """``"about 1 in 4 (24%, ±4 points)"`` when the rule allows the ratio, else
    ``"24% (±4 points)"``."""
    n = one_in(share)
    if n is not None:
        return f"about 1 in {n} ({share_numbers(share)})"
    moe = (
        f" ({_points(share.moe)}{_caveat(share)})"
        if share.has_moe
        else (f" ({UNRELIABLE_WORDS})" if not share.reliable else "")
    )
    return f"{_pct(share.value, share.moe)}{moe}"


def count_unit(count: float) -> int:
    """The rounding unit of a count in text: 10 under 1,000; 100 under 100,000; else 1,000."""
    a = abs(count)
    return 10 if a < 1_000 else 100 if a < 100_000 else 1_000


def round_count(x: float, unit: int) -> int:
    """Round half away from zero to a multiple of `unit` (what a reader expects of 1,250)."""
    return int(math.copysign(math.floor(abs(x) / unit + 0.5) * unit, x))


def count_in_words(count: Estimate) -> str:
    """``"about 12,300 (±2,100)"``: count and MOE rounded to the same unit, the MOE to at least
    one unit."""
    unit = count_unit(count.value)
    text = f"about {round_count(count.value, unit):,}"
    if count.has_moe:
        moe = max(round_count(count.moe, unit), unit)
        text += f" (±{moe:,}{_caveat(count)})"
    elif not count.reliable:
        text += f" ({UNRELIABLE_WORDS})"
    return text


# -- comparing two estimates ----------------------------------------------------------------------


def difference(a: Estimate, b: Estimate) -> Difference:
    """a - b and whether the 90% interval of the difference excludes zero.

    No verdict ("unreliable") when either estimate fails the reliability standard: the MOE of a
    cell with few or no records understates its uncertainty (a zero count has a replicate SE of
    zero), so a difference would look measurable when it is not.
    """
    d = a.value - b.value
    if not (a.has_moe and b.has_moe):
        return Difference(d, math.nan, "untested")
    moe = math.hypot(a.moe, b.moe)
    if not (a.reliable and b.reliable):
        return Difference(d, moe, "unreliable")
    if d - moe > 0:
        verdict = "higher"
    elif d + moe < 0:
        verdict = "lower"
    else:
        verdict = "not measurably different"
    return Difference(d, moe, verdict)


def compared(a: Estimate, b: Estimate, b_phrase: str) -> str:
    """The clause that sets `a` against `b`, e.g. ``"higher than that of the U.S.-born (13%,
    ±1 point)"`` or ``"not measurably different from the national rate (28%, ±2 points)"``."""
    verdict = difference(a, b).verdict
    if verdict == "untested":
        return (
            f"against {b_phrase} ({share_numbers(b)}; without margins of error the difference "
            "cannot be tested)"
        )
    if verdict == "unreliable":
        return (
            f"against {b_phrase} ({share_numbers(b)}; the sample is too small to tell whether "
            "they differ)"
        )
    lead = {
        "higher": "higher than",
        "lower": "lower than",
        "not measurably different": "not measurably different from",
    }[verdict]
    return f"{lead} {b_phrase} ({share_numbers(b)})"


# -- findings of an estimates table ---------------------------------------------------------------


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def estimate_of(
    estimates: pd.DataFrame, place: str, population: str, outcome: str, value: str = "share"
) -> Estimate | None:
    """The `value` (``share`` or ``count``) of one cell of the estimates table, or None."""
    e = estimates[
        (estimates["state"] == place)
        & (estimates["population"] == population)
        & (estimates["outcome"] == outcome)
    ]
    if "breakdown" in e:
        e = e[e["breakdown"].fillna("none") == "none"]
    if e.empty or pd.isna(e[value].iloc[0]):
        return None
    r = e.iloc[0]
    moe = r.get(f"{value}_moe90", math.nan)
    reliable = r.get("reliable", True)
    return Estimate(
        float(r[value]),
        math.nan if pd.isna(moe) else float(moe),
        True if pd.isna(reliable) else bool(reliable),
    )


def lead_group(estimates: pd.DataFrame, place: str) -> str:
    """Immigrants educated abroad when the data split immigrants by place of education, else all
    immigrants."""
    e = estimates[
        (estimates["state"] == place) & (estimates["population"] == "immigrant_foreign_educated")
    ]
    return "immigrant_foreign_educated" if e["count"].notna().any() else "immigrant"


def _marked(text: str, synthetic: bool) -> str:
    return f"{SYNTHETIC_PREFIX} {text}" if synthetic else text


def headline(
    estimates: pd.DataFrame,
    place: str,
    synthetic: bool = False,
    definition: Definition | dict | None = None,
) -> Finding | None:
    """The one sentence a fact sheet leads with: the lead group's underutilization rate against
    the U.S.-born's, in the place (`definition`: the profile, or its settings, for the wording)."""
    d = definition if isinstance(definition, Definition) else Definition.of(definition)
    lead = lead_group(estimates, place)
    a = estimate_of(estimates, place, lead, "underutilized")
    b = estimate_of(estimates, place, "us_born", "underutilized")
    if a is None:
        return None
    text = (
        f"In {place_name(place, 'text')}, {share_in_words(a)} of the {GROUP_WORDS[lead]} "
        f"{d.who} {underutilized_words(d.underutilized)}"
    )
    if b is not None:
        tested = difference(a, b).verdict not in ("untested", "unreliable")
        text += f", {'a rate ' if tested else ''}{compared(a, b, 'that of the ' + GROUP_WORDS['us_born'])}"
    cells = ((place, lead, "underutilized"), (place, "us_born", "underutilized"))
    return Finding(
        _marked(text + ".", synthetic),
        cells if b is not None else cells[:1],
        _pct(a.value, a.moe),
        f"underutilization rate, {GROUP_WORDS[lead]}",
    )


def key_findings(
    estimates: pd.DataFrame,
    place: str,
    synthetic: bool = False,
    definition: Definition | dict | None = None,
) -> list[Finding]:
    """Five to seven sentences about one place (the headline among them), each number with its
    90% MOE.

    The holders of a health degree and how many of them were educated abroad; the lead group's
    underutilized and their rate against the U.S.-born's; U.S.-educated immigrants against the
    U.S.-born; the low-skilled and unemployed parts of the lead group's rate; and the place
    against the nation when the table has the nation; and, when that leaves fewer than
    :data:`MIN_KEY_NUMBERS` besides the headline, the share out of the labor force. Cells missing
    from the table are skipped.
    """
    d = definition if isinstance(definition, Definition) else Definition.of(definition)
    where = place_name(place, "text")
    lead = lead_group(estimates, place)
    lead_words = GROUP_WORDS[lead]
    out: list[Finding] = []

    def get(pop: str, outcome: str, value: str = "share", at: str = place) -> Estimate | None:
        return estimate_of(estimates, at, pop, outcome, value)

    born, imm = get("us_born", "total", "count"), get("immigrant", "total", "count")
    abroad = get(lead, "total", "count") if lead != "immigrant" else None
    if born is not None and imm is not None:
        text = (
            f"{_capital(where)} has {count_in_words(imm)} immigrants with {d.degree}"
            + (f", {count_in_words(abroad)} of them {lead_words}," if abroad is not None else "")
            + f" and {count_in_words(born)} U.S.-born holders of {d.degree}"
        )
        cells = [(place, "immigrant", "total"), (place, "us_born", "total")]
        if abroad is not None:
            cells.insert(1, (place, lead, "total"))
        out.append(
            Finding(
                _marked(text + ".", synthetic),
                tuple(cells),
                _count_figure(imm),
                f"immigrants with {d.degree.removeprefix('a ')}",
            )
        )

    h = headline(estimates, place, synthetic, d)
    if h is not None:
        out.append(h)

    count = get(lead, "underutilized", "count")
    if count is not None:
        text = (
            f"That is {count_in_words(count)} {lead_words} with {d.degree} who "
            f"{underutilized_words(d.underutilized)}"
            if count.value > 0
            else f"The sample has no {lead_words} with {d.degree} who "
            f"{underutilized_words(d.underutilized)} (a count of zero is not reliable)"
        )
        out.append(
            Finding(
                _marked(text + ".", synthetic),
                ((place, lead, "underutilized"),),
                _count_figure(count),
                f"underutilized {GROUP_WORDS[lead]}",
            )
        )

    if lead == "immigrant_foreign_educated":
        a = get("immigrant_us_educated", "underutilized")
        b = get("us_born", "underutilized")
        if a is not None and b is not None:
            text = (
                f"Among {GROUP_WORDS['immigrant_us_educated']}, the rate is {share_in_words(a)}, "
                f"{compared(a, b, 'that of the ' + GROUP_WORDS['us_born'])}"
            )
            cells = (
                (place, "immigrant_us_educated", "underutilized"),
                (place, "us_born", "underutilized"),
            )
            out.append(
                Finding(
                    _marked(text + ".", synthetic),
                    cells,
                    _pct(a.value, a.moe),
                    "underutilization rate, immigrants educated in the U.S.",
                )
            )

    low, unemployed = get(lead, "employed_low_skill"), get(lead, "unemployed")
    if low is not None and unemployed is not None:
        text = (
            f"Of the {lead_words} in the labor force, {share_in_words(low)} work in low-skilled "
            f"jobs and {share_in_words(unemployed)} are unemployed"
        )
        cells = ((place, lead, "employed_low_skill"), (place, lead, "unemployed"))
        out.append(
            Finding(
                _marked(text + ".", synthetic),
                cells,
                _pct(low.value, low.moe),
                f"in low-skilled jobs, {GROUP_WORDS[lead]}",
            )
        )

    if place != NATION:
        a, b = get(lead, "underutilized"), get(lead, "underutilized", at=NATION)
        if a is not None and b is not None:
            text = (
                f"The rate among {lead_words} in {where}, {share_in_words(a)}, is "
                f"{compared(a, b, 'the national rate')}"
            )
            cells = ((place, lead, "underutilized"), (NATION, lead, "underutilized"))
            figure = f"{_pct(a.value, a.moe)} vs {_pct(b.value, b.moe)}"
            out.append(
                Finding(
                    _marked(text + ".", synthetic),
                    cells,
                    figure,
                    f"{place if len(place) == 2 else where} against the nation",
                )
            )

    nilf = get(lead, "not_in_labor_force")
    if nilf is not None and len(out) < MIN_KEY_NUMBERS + 1:  # + 1: the headline is one of them
        text = (
            f"Besides, {share_in_words(nilf)} of all {lead_words} with {d.degree} are not in the "
            "labor force"
        )
        out.append(
            Finding(
                _marked(text + ".", synthetic),
                ((place, lead, "not_in_labor_force"),),
                _pct(nilf.value, nilf.moe),
                f"not in the labor force, {lead_words}",
            )
        )
    return out


def caution(estimates: pd.DataFrame, place: str, synthetic: bool = False) -> Finding | None:
    """A warning to print before the findings when most of the place's quoted group estimates
    (holders and underutilization rate of each group) fail the reliability standard."""
    groups = ("us_born", lead_group(estimates, place))
    if groups[1] == "immigrant_foreign_educated":
        groups = (*groups, "immigrant_us_educated")
    cells = [
        estimate_of(estimates, place, g, o, v)
        for g in groups
        for o, v in (("total", "count"), ("underutilized", "share"))
    ]
    cells = [c for c in cells if c is not None]
    bad = sum(not c.reliable for c in cells)
    if not cells or bad * 2 < len(cells):
        return None
    text = (
        f"Read with care: most of the main estimates for {place_name(place)} rest on too few "
        "sample records or are too imprecise to be reliable. A five-year file, or several "
        "one-year files pooled, gives more records."
    )
    return Finding(_marked(text, synthetic))


def _count_figure(count: Estimate) -> str:
    return f"{round_count(count.value, count_unit(count.value)):,}"


def as_text(findings: list[Finding]) -> str:
    """Findings as a bulleted list of plain text, one per line."""
    return "\n".join(f"- {f.text}" for f in findings)
