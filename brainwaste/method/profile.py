"""Definition profiles: every choice of the method that a user may change, as a TOML file.

The packaged profiles live in ``brainwaste/method/profiles/``; a user may pass the path of
their own file. A profile may name a ``base`` profile and override some of its settings.
Unknown keys and invalid values are refused with an error that names them.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from importlib import resources
from pathlib import Path

from ..errors import ProfileError

#: What a profile may count as underutilized (any of them; they may overlap, a person counts once):
#: the skill tiers of the job, the health-occupation split of the employed, unemployment, being
#: out of the labor force, and part-time work (usual hours WKHP < 35) in a health occupation.
OUTCOMES_UNDERUTILIZABLE = (
    "employed_low_skill",
    "employed_middle_skill",
    "employed_outside_health",
    "employed_health_part_time",
    "unemployed",
    "not_in_labor_force",
)
EDUCATION_CODES = {"20", "21", "22", "23", "24"}  # associate's .. doctorate (SCHL)
#: Degree sets: the MPI health set, the broad health set, or any field of degree.
DEGREE_SETS = ("core", "broad", "all")
#: Denominators of the underutilization rate: the civilian labor force, or all civilians.
RATE_DENOMINATORS = ("labor_force", "total")
#: Occupation codes whose employment is split among tiers: the tier with most employment
#: (``majority``), or each tier with its employment share as a fraction of the weight.
MIXED_CODES = ("majority", "apportion")
#: Forgone earnings: gaps to skill-matched (high-tier) earnings of every underutilized person
#: (``skill_matched``), or MPI's: low-skilled workers only, against middle- or high-skilled workers.
FORGONE_EARNINGS = ("skill_matched", "mpi")


@dataclass(frozen=True)
class Profile:
    """One set of definitions. Every output records `name` (and the file's settings)."""

    name: str
    description: str
    min_age: int = 25
    max_age: int | None = None
    education_codes: tuple[str, ...] = ("21", "22", "23", "24")
    degree_set: str = "core"
    use_second_degree: bool = True
    foreign_educated_arrival_age: int = 25
    skill_scheme: str = "bls"
    underutilized: tuple[str, ...] = ("employed_low_skill", "unemployed")
    rate_denominator: str = "labor_force"
    health_support_low: bool = False
    mixed_codes: str = "majority"
    forgone_earnings: str = "skill_matched"

    def settings(self) -> dict:
        """The profile as a plain dict (for metadata files and workbook README sheets)."""
        d = asdict(self)
        d["education_codes"] = list(self.education_codes)
        d["underutilized"] = list(self.underutilized)
        return d


_FIELDS = {f.name: f for f in fields(Profile)}


def _validate(raw: dict, where: str) -> Profile:
    unknown = sorted(set(raw) - set(_FIELDS) - {"base"})
    if unknown:
        raise ProfileError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_FIELDS))}"
        )
    for key in ("name", "description"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ProfileError(f"{where}: '{key}' must be a non-empty string")
    vals = dict(raw)
    vals.pop("base", None)

    def bad(key: str, why: str) -> ProfileError:
        return ProfileError(f"{where}: invalid value for '{key}' ({vals.get(key)!r}): {why}")

    for key in ("min_age", "foreign_educated_arrival_age"):
        v = vals.get(key, _FIELDS[key].default)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 99:
            raise bad(key, "a whole number of years from 0 to 99")
    if vals.get("max_age") is not None:
        v = vals["max_age"]
        if not isinstance(v, int) or isinstance(v, bool) or v < vals.get("min_age", 25):
            raise bad("max_age", "a whole number of years not below min_age")
    if "education_codes" in vals:
        v = vals["education_codes"]
        if not isinstance(v, list) or not v or not set(map(str, v)) <= EDUCATION_CODES:
            raise bad("education_codes", f"a list of SCHL codes from {sorted(EDUCATION_CODES)}")
        vals["education_codes"] = tuple(str(c) for c in v)
    if vals.get("degree_set", "core") not in DEGREE_SETS:
        raise bad("degree_set", "'core', 'broad' or 'all' (any field of degree)")
    for key in ("use_second_degree", "health_support_low"):
        if not isinstance(vals.get(key, _FIELDS[key].default), bool):
            raise bad(key, "true or false")
    if vals.get("skill_scheme", "bls") not in ("bls", "onet"):
        raise bad("skill_scheme", "'bls' (BLS typical entry education) or 'onet' (Job Zones)")
    if "underutilized" in vals:
        v = vals["underutilized"]
        if not isinstance(v, list) or not v or not set(v) <= set(OUTCOMES_UNDERUTILIZABLE):
            raise bad("underutilized", f"a list drawn from {list(OUTCOMES_UNDERUTILIZABLE)}")
        vals["underutilized"] = tuple(v)
    for key, allowed in (
        ("rate_denominator", RATE_DENOMINATORS),
        ("mixed_codes", MIXED_CODES),
        ("forgone_earnings", FORGONE_EARNINGS),
    ):
        if vals.get(key, _FIELDS[key].default) not in allowed:
            raise bad(key, " or ".join(repr(a) for a in allowed))
    return Profile(**vals)


def packaged_profiles() -> list[str]:
    """Names of the profiles that ship with the package."""
    root = resources.files("brainwaste.method.profiles")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def _load_raw(spec: str, seen: tuple[str, ...] = ()) -> tuple[dict, str]:
    path = Path(spec)
    if spec.endswith(".toml") or path.exists():
        if not path.exists():
            raise ProfileError(f"profile file {spec} does not exist")
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        res = resources.files("brainwaste.method.profiles").joinpath(f"{spec}.toml")
        if not res.is_file():
            raise ProfileError(
                f"unknown profile {spec!r}: use one of {', '.join(packaged_profiles())} "
                "or the path of a .toml file"
            )
        text, where = res.read_text(encoding="utf-8"), f"profile {spec}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}: not valid TOML ({exc})") from None
    base = raw.get("base")
    if base is not None:
        if not isinstance(base, str) or base in seen:
            raise ProfileError(f"{where}: invalid 'base' {base!r}")
        parent, _ = _load_raw(base, (*seen, base))
        parent.pop("base", None)
        raw = {**parent, **raw}
    return raw, where


def load_profile(spec: str | Profile = "mpi") -> Profile:
    """A packaged profile by name (``mpi``, ``broad``...) or a user's TOML file by path."""
    if isinstance(spec, Profile):
        return spec
    raw, where = _load_raw(str(spec))
    return _validate(raw, where)
