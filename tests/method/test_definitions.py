"""Health-occupation outcomes and the definition profiles, on a tiny hand-made PUMS file.

Every number asserted below was worked out by hand from the rows of `PEOPLE` (Massachusetts,
2024, 2018 occupation codes). Replicate weights equal PWGTP except replicate 1.
"""

from __future__ import annotations

import math

import pytest

from brainwaste.errors import ProfileError, SchemaError
from brainwaste.estimate.outcomes import OUTCOMES, estimate_outcomes
from brainwaste.method.classify import classify, universe_prefilter
from brainwaste.method.profile import load_profile, packaged_profiles
from brainwaste.pums.readers import read_persons
from brainwaste.pums.schema import REPLICATE_WEIGHTS

HEADER = ["RT", "SERIALNO", "SPORDER", "ST", "PUMA", "ADJINC", "PWGTP", "AGEP", "SEX", "CIT",
          "NATIVITY", "YOEP", "POBP", "ENG", "SCHL", "FOD1P", "FOD2P", "ESR", "OCCP", "SOCP",
          "WKHP", "WAGP", "PERNP"]  # fmt: skip

#  age, nativity, yoep, fod1, esr, occp, wkhp, pwgtp, rep1
PEOPLE = [
    (40, "1", "", "6107", "1", "3255", 40, 100, 100),  # 1 U.S.-born RN: high, health
    (50, "1", "", "6108", "1", "4720", 40, 50, 50),  # 2 U.S.-born cashier: low, outside health
    (30, "1", "", "6107", "3", "3603", "", 30, 30),  # 3 U.S.-born unemployed
    (45, "2", "2010", "6107", "1", "3603", 20, 80, 60),  # 4 foreign-ed. nursing asst.: middle, PT
    (50, "2", "2005", "6100", "1", "1021", 40, 70, 70),  # 5 foreign-ed. software dev.: outside
    (60, "2", "1990", "6100", "6", "", "", 40, 40),  # 6 foreign-educated (arrived 26): NILF
    (35, "2", "2000", "6106", "1", "3090", 50, 60, 60),  # 7 U.S.-educated physician, full time
    (40, "1", "", "2100", "1", "1021", 40, 90, 90),  # 8 U.S.-born, computer degree: high
    (40, "2", "2010", "5200", "1", "4720", 30, 20, 20),  # 9 foreign-ed., psychology: cashier
]


def tiny_csv(people=PEOPLE, wkhp: bool = True) -> str:
    header = [h for h in HEADER if wkhp or h != "WKHP"]
    lines = [",".join(header + list(REPLICATE_WEIGHTS))]
    for i, (age, nat, yoep, fod, esr, occp, hours, w, r1) in enumerate(people, start=1):
        values = {
            "RT": "P", "SERIALNO": f"2024HU{i:07d}", "SPORDER": "1", "ST": "25", "PUMA": "00100",
            "ADJINC": "1000000", "PWGTP": str(w), "AGEP": str(age), "SEX": "2",
            "CIT": "1" if nat == "1" else "4", "NATIVITY": nat, "YOEP": yoep,
            "POBP": "036" if nat == "1" else "210", "ENG": "" if nat == "1" else "1",
            "SCHL": "21", "FOD1P": fod, "FOD2P": "", "ESR": esr, "OCCP": occp, "SOCP": "",
            "WKHP": str(hours), "WAGP": "50000", "PERNP": "50000",
        }  # fmt: skip
        reps = [str(r1)] + [str(w)] * 79
        lines.append(",".join([values[h] for h in header] + reps))
    return "\n".join(lines) + "\n"


def estimates(tmp_path, profile: str, **kw):
    path = tmp_path / "psam_p25.csv"
    path.write_text(tiny_csv(**kw))
    prof = load_profile(profile)
    persons = read_persons(path, prefilter=universe_prefilter(prof))
    return estimate_outcomes(classify(persons.frame, prof), prof, year=2024, period=1)


def row(t, pop, outcome):
    return t[(t.population == pop) & (t.outcome == outcome)].iloc[0]


def se1(d: float) -> float:
    """SE when only replicate 1 differs from the full-sample estimate, by d."""
    return math.sqrt(4 / 80 * d * d)


def test_health_occupation_outcomes_split_the_employed(tmp_path):
    t = estimates(tmp_path, "mpi")
    assert list(t["outcome"].unique()) == list(OUTCOMES)
    # U.S.-born (records 1-3): RN 100 in health, cashier 50 outside; labor force 180
    assert row(t, "us_born", "employed_health_occupation")["count"] == 100
    assert row(t, "us_born", "employed_outside_health")["count"] == 50
    assert row(t, "us_born", "employed_health_occupation")["share"] == pytest.approx(100 / 180)
    # immigrants (4-7): nursing assistant 80 and physician 60 in health, developer 70 outside
    r = row(t, "immigrant", "employed_health_occupation")
    assert r["count"] == 140 and r["n_unweighted"] == 2
    assert r["count_se"] == pytest.approx(se1(120 - 140))  # replicate 1: 60 + 60
    assert r["share"] == pytest.approx(140 / 210)
    assert r["share_se"] == pytest.approx(se1(120 / 190 - 140 / 210))
    assert row(t, "immigrant_foreign_educated", "employed_outside_health")["count"] == 70
    assert row(t, "immigrant_us_educated", "employed_health_occupation")["count"] == 60
    # the split adds up to the employed, and the existing rows are untouched
    for pop in ("us_born", "immigrant", "immigrant_foreign_educated"):
        employed = sum(
            row(t, pop, o)["count"]
            for o in ("employed_high_skill", "employed_middle_skill", "employed_low_skill")
        )
        split = sum(
            row(t, pop, o)["count"]
            for o in ("employed_health_occupation", "employed_outside_health")
        )
        assert split == employed
    assert row(t, "us_born", "underutilized")["count"] == 80
    assert row(t, "immigrant", "underutilized")["count"] == 0


def test_outside_field_profile(tmp_path):
    t = estimates(tmp_path, "outside_field")
    # U.S.-born: cashier 50 + unemployed 30, over the labor force 180
    assert row(t, "us_born", "underutilized")["share"] == pytest.approx(80 / 180)
    # foreign-educated: developer 70 of a labor force of 80 + 70
    r = row(t, "immigrant_foreign_educated", "underutilized")
    assert r["count"] == 70 and r["share"] == pytest.approx(70 / 150)
    assert r["share_se"] == pytest.approx(se1(70 / 130 - 70 / 150))
    assert row(t, "immigrant", "underutilized")["share"] == pytest.approx(70 / 210)


def test_commission_profile(tmp_path):
    t = estimates(tmp_path, "commission")
    # U.S.-born: cashier 50 + unemployed 30 over all 180 civilians (the RN works full time)
    assert row(t, "us_born", "underutilized")["share"] == pytest.approx(80 / 180)
    # immigrants: developer 70 + NILF 40 + part-time nursing assistant 80; the full-time
    # physician is not counted; rate over all 250 civilians
    r = row(t, "immigrant", "underutilized")
    assert r["count"] == 190 and r["share"] == pytest.approx(190 / 250)
    assert r["share_se"] == pytest.approx(se1(170 / 230 - 190 / 250))
    fe = row(t, "immigrant_foreign_educated", "underutilized")
    assert fe["share"] == pytest.approx(190 / 190)
    assert row(t, "immigrant_us_educated", "underutilized")["count"] == 0
    # the other rows keep their own denominators
    assert row(t, "immigrant", "unemployed")["share"] == 0
    assert row(t, "immigrant", "employed_outside_health")["share"] == pytest.approx(70 / 210)


def test_commission_needs_usual_hours(tmp_path):
    with pytest.raises(SchemaError, match="WKHP"):
        estimates(tmp_path, "commission", wkhp=False)
    # other profiles do without
    t = estimates(tmp_path, "outside_field", wkhp=False)
    assert row(t, "immigrant", "underutilized")["count"] == 70


def test_untapped_talent_takes_every_field(tmp_path):
    t = estimates(tmp_path, "untapped_talent")
    # adds the computer-degree developer (U.S.-born, high) and the psychology cashier (low)
    assert row(t, "us_born", "total")["count"] == 270
    assert row(t, "us_born", "underutilized")["share"] == pytest.approx(80 / 270)
    assert row(t, "immigrant_foreign_educated", "underutilized")["count"] == 20
    assert row(t, "immigrant", "underutilized")["share"] == pytest.approx(20 / 230)


def test_support_low_moves_aides_to_low(tmp_path):
    t = estimates(tmp_path, "support_low")
    # the nursing assistant (BLS: postsecondary nondegree award, middle) counts as low-skilled
    assert row(t, "immigrant_foreign_educated", "employed_low_skill")["count"] == 80
    assert row(t, "immigrant_foreign_educated", "employed_middle_skill")["count"] == 0
    assert row(t, "immigrant", "underutilized")["share"] == pytest.approx(80 / 210)
    # practitioners keep their tier
    assert row(t, "immigrant_us_educated", "employed_high_skill")["count"] == 60
    mpi = estimates(tmp_path, "mpi")
    assert row(mpi, "immigrant_foreign_educated", "employed_middle_skill")["count"] == 80


def test_new_profiles_are_packaged_with_their_settings():
    assert {"outside_field", "commission", "untapped_talent", "support_low"} <= set(
        packaged_profiles()
    )
    c = load_profile("commission")
    assert c.rate_denominator == "total"
    assert set(c.underutilized) == {
        "employed_outside_health", "employed_health_part_time", "unemployed", "not_in_labor_force"
    }  # fmt: skip
    assert load_profile("untapped_talent").degree_set == "all"
    assert load_profile("support_low").health_support_low
    mpi = load_profile("mpi")
    assert (mpi.rate_denominator, mpi.mixed_codes, mpi.forgone_earnings) == (
        "labor_force", "majority", "skill_matched"
    )  # fmt: skip
    assert mpi.settings()["rate_denominator"] == "labor_force"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('rate_denominator = "employed"', "rate_denominator"),
        ('mixed_codes = "split"', "'majority' or 'apportion'"),
        ('forgone_earnings = "census"', "forgone_earnings"),
        ('underutilized = ["employed_outside_field"]', "employed_outside_health"),
        ('degree_set = "every"', "'all'"),
        ('health_support_low = "yes"', "true or false"),
    ],
)
def test_unknown_values_are_refused_by_name(tmp_path, line, message):
    f = tmp_path / "mine.toml"
    f.write_text(f'name = "mine"\ndescription = "x"\nbase = "mpi"\n{line}\n')
    with pytest.raises(ProfileError, match=message):
        load_profile(str(f))
