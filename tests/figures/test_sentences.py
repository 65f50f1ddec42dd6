"""The wording rule of quotable sentences, on hand-made estimates tables.

"Higher"/"lower" only when the 90% interval of the difference, sqrt(MOE_a^2 + MOE_b^2) wide,
excludes zero; "about 1 in N" only when 1/N is inside the 90% interval of the share.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from brainwaste import sentences
from brainwaste.sentences import Estimate


def _table(rows: dict[tuple[str, str, str], tuple]) -> pd.DataFrame:
    """(state, population, outcome) -> (share, share_moe90, count, count_moe90, reliable)."""
    out = []
    for (st, pop, outcome), (share, smoe, count, cmoe, ok) in rows.items():
        out.append(
            {"state": st, "population": pop, "outcome": outcome, "breakdown": "none",
             "category": None, "share": share, "share_moe90": smoe, "count": count,
             "count_moe90": cmoe, "reliable": ok}
        )  # fmt: skip
    return pd.DataFrame(out)


def _ma(foreign_share: float, foreign_moe: float, with_nation: bool = False) -> pd.DataFrame:
    rows = {
        ("MA", "us_born", "total"): (1.0, 0.0, 139_012, 4_012, True),
        ("MA", "immigrant", "total"): (1.0, 0.0, 41_730, 2_149, True),
        ("MA", "immigrant_us_educated", "total"): (1.0, 0.0, 21_310, 1_600, True),
        ("MA", "immigrant_foreign_educated", "total"): (1.0, 0.0, 20_420, 1_260, True),
        ("MA", "us_born", "underutilized"): (0.13, 0.01, 16_004, 1_502, True),
        ("MA", "immigrant_us_educated", "underutilized"): (0.15, 0.03, 2_701, 757, True),
        ("MA", "immigrant_foreign_educated", "underutilized"): (
            foreign_share, foreign_moe, 4_351, 777, True),
        ("MA", "immigrant_foreign_educated", "employed_low_skill"): (0.21, 0.04, 3_600, 700, True),
        ("MA", "immigrant_foreign_educated", "unemployed"): (0.03, 0.02, 540, 300, False),
    }  # fmt: skip
    if with_nation:
        rows[("US", "immigrant_foreign_educated", "underutilized")] = (
            0.20,
            0.005,
            158_857,
            9_000,
            True,
        )
    return _table(rows)


def test_difference_verdicts_by_hand():
    # 0.24 - 0.13 = 0.11; MOE of the difference sqrt(0.04^2 + 0.01^2) = 0.04123: excludes zero
    d = sentences.difference(Estimate(0.24, 0.04), Estimate(0.13, 0.01))
    assert d.diff == pytest.approx(0.11)
    assert d.moe == pytest.approx(math.sqrt(0.0017))
    assert d.verdict == "higher"
    # 0.16 - 0.13 = 0.03 < 0.04123: the interval (-0.011, 0.071) holds zero
    assert sentences.difference(Estimate(0.16, 0.04), Estimate(0.13, 0.01)).verdict == (
        "not measurably different"
    )
    # each estimate's own interval excludes the other point, yet the difference's interval
    # (0.055 +- 0.0566) holds zero: the sentence must not say "higher"
    assert sentences.difference(Estimate(0.20, 0.04), Estimate(0.145, 0.04)).verdict == (
        "not measurably different"
    )
    assert sentences.difference(Estimate(0.05, 0.01), Estimate(0.13, 0.01)).verdict == "lower"
    assert sentences.difference(Estimate(0.30), Estimate(0.13)).verdict == "untested"


def test_no_verdict_when_an_estimate_is_unreliable():
    # a zero count has a replicate SE of zero: its MOE cannot support "lower"
    d = sentences.difference(Estimate(0.0, 0.0, reliable=False), Estimate(0.15, 0.09))
    assert d.verdict == "unreliable"
    t = _ma(0.0, 0.0)
    t.loc[t["population"] == "immigrant_foreign_educated", "reliable"] = False
    t.loc[
        (t["population"] == "immigrant_foreign_educated") & (t["outcome"] == "underutilized"),
        "count",
    ] = 0
    text = sentences.headline(t, "MA").text
    assert "lower" not in text
    assert text.endswith(
        "are unemployed, against that of the U.S.-born (13%, ±1 point; the sample is too small "
        "to tell whether they differ)."
    )
    found = sentences.key_findings(t, "MA")
    assert found[2].text.startswith("The sample has no immigrants educated abroad with a college")
    assert sentences.caution(t, "MA") is None  # 2 of the 6 main cells unreliable: not most
    t["reliable"] = False
    assert sentences.caution(t, "MA").text.startswith("Read with care: most of the main estimates")


def test_headline_says_higher_only_when_the_difference_is_measurable():
    higher = sentences.headline(_ma(0.24, 0.04), "MA")
    assert higher.text == (
        "In Massachusetts, about 1 in 4 (24%, ±4 points) of the immigrants educated abroad who "
        "hold a college health degree and are in the labor force work in low-skilled jobs or are "
        "unemployed, a rate higher than that of the U.S.-born (13%, ±1 point)."
    )
    same = sentences.headline(_ma(0.16, 0.04), "MA")
    assert "not measurably different from that of the U.S.-born (13%, ±1 point)" in same.text
    assert "higher" not in same.text
    # 1/6 = 16.7% is inside 12%-20%: the ratio is allowed
    assert same.text.startswith("In Massachusetts, about 1 in 6 (16%, ±4 points) of the")


def test_key_findings_of_a_hand_made_table():
    found = sentences.key_findings(_ma(0.24, 0.04, with_nation=True), "MA")
    texts = [f.text for f in found]
    assert texts[0] == (
        "Massachusetts has about 41,700 (±2,100) immigrants with a college health degree, about "
        "20,400 (±1,300) of them immigrants educated abroad, and about 139,000 (±4,000) U.S.-born "
        "holders of a college health degree."
    )
    assert texts[2] == (
        "That is about 4,400 (±800) immigrants educated abroad with a college health degree who "
        "work in low-skilled jobs or are unemployed."
    )
    # 0.15 against 0.13: difference 0.02, MOE sqrt(0.03^2 + 0.01^2) = 0.032
    assert texts[3] == (
        "Among immigrants educated in the U.S., the rate is about 1 in 7 (15%, ±3 points), not measurably "
        "different from that of the U.S.-born (13%, ±1 point)."
    )
    # unemployed is unreliable: no "1 in N", and the caveat
    assert texts[4] == (
        "Of the immigrants educated abroad in the labor force, about 1 in 5 (21%, ±4 points) work "
        "in low-skilled jobs and 3% (±2 points; unreliable estimate, read with care) are "
        "unemployed."
    )
    # 0.24 - 0.20 = 0.04 is inside sqrt(0.04^2 + 0.005^2) = 0.0403: not measurable
    assert texts[5] == (
        "The rate among immigrants educated abroad in Massachusetts, about 1 in 4 (24%, ±4 "
        "points), is not measurably different from the national rate (20.0%, ±0.5 points)."
    )
    assert [f.figure for f in found] == ["41,700", "24%", "4,400", "15%", "21%", "24% vs 20.0%"]
    assert found[1].cells == (("MA", "immigrant_foreign_educated", "underutilized"),
                              ("MA", "us_born", "underutilized"))  # fmt: skip


def test_wording_follows_the_profile():
    t = _ma(0.24, 0.04)
    settings = {"underutilized": ["employed_outside_health", "unemployed", "not_in_labor_force"],
                "rate_denominator": "total", "degree_set": "core"}  # fmt: skip
    text = sentences.headline(t, "MA", definition=settings).text
    assert (
        "immigrants educated abroad who hold a college health degree work outside health " in text
    )
    assert "occupations, are unemployed or are out of the labor force, a rate higher" in text
    assert "labor force work" not in text  # the rate is of all holders, not the labor force
    settings = {"degree_set": "all"}
    assert "who hold a college degree and are in the labor force work in low-skilled jobs" in (
        sentences.headline(t, "MA", definition=settings).text
    )


def test_synthetic_sentences_say_so():
    found = sentences.key_findings(_ma(0.24, 0.04), "MA", synthetic=True)
    assert found and all(f.text.startswith(sentences.SYNTHETIC_PREFIX) for f in found)


@pytest.mark.parametrize(
    ("share", "moe", "reliable", "words"),
    [
        (0.24, 0.04, True, "about 1 in 4 (24%, ±4 points)"),
        (0.24, 0.005, True, "24.0% (±0.5 points)"),  # 1/4 is outside 23.5%-24.5%
        (0.125, 0.01, True, "about 1 in 8 (13%, ±1 point)"),
        (0.60, 0.04, True, "60% (±4 points)"),  # 1/2 is outside 56%-64%
        (0.03, 0.02, True, "3% (±2 points)"),  # 1 in 33: rarer than 1 in 20
        (0.24, 0.10, False, "24% (±10 points; unreliable estimate, read with care)"),
        (0.24, math.nan, True, "24%"),  # no replicate weights: no MOE, no ratio
    ],
)
def test_one_in_n_only_where_the_moe_allows_the_rounding(share, moe, reliable, words):
    assert sentences.share_in_words(Estimate(share, moe, reliable)) == words


@pytest.mark.parametrize(
    ("count", "moe", "words"),
    [
        (41_730, 2_149, "about 41,700 (±2,100)"),
        (640.4, 258, "about 640 (±260)"),
        (1_491_234, 28_700, "about 1,491,000 (±29,000)"),
        (1_250, 12, "about 1,300 (±100)"),  # half away from zero; the MOE at least one unit
    ],
)
def test_counts_in_words(count, moe, words):
    assert sentences.count_in_words(Estimate(count, moe)) == words


def test_untested_comparison_without_margins():
    t = _ma(0.24, 0.04)
    t[["share_moe90", "count_moe90"]] = math.nan
    text = sentences.headline(t, "MA").text
    assert (
        "higher" not in text and "without margins of error the difference cannot be tested" in text
    )


def test_unsplit_input_still_gets_four_key_numbers():
    # an extract without YOEP: immigrants cannot be split by place of education
    t = _table(
        {
            ("MA", "us_born", "total"): (1.0, 0.0, 148_020, 3_000, True),
            ("MA", "immigrant", "total"): (1.0, 0.0, 38_412, 2_000, True),
            ("MA", "us_born", "underutilized"): (0.13, 0.01, 15_000, 1_400, True),
            ("MA", "immigrant", "underutilized"): (0.19, 0.02, 6_180, 700, True),
            ("MA", "immigrant", "employed_low_skill"): (0.18, 0.02, 5_800, 650, True),
            ("MA", "immigrant", "unemployed"): (0.012, 0.006, 380, 190, False),
            ("MA", "immigrant", "not_in_labor_force"): (0.16, 0.02, 6_100, 700, True),
        }
    )
    found = sentences.key_findings(t, "MA")
    assert len(found) == 5  # the headline and four key numbers
    assert found[-1].text == (
        "Besides, about 1 in 6 (16%, ±2 points) of all immigrants with a college health degree "
        "are not in the labor force."
    )
    assert found[1].text.startswith(
        "In Massachusetts, about 1 in 5 (19%, ±2 points) of the immigrants who"
    )
