"""Pin the official test data: write the registry of every file of the shared data folder
(path, bytes, SHA-256, where to download it) and vendor the small set the tests carry.

The shared data folder (``--shared``, default ``../shared/data``) holds official Census, BLS and
O*NET files copied from public repositories (its SOURCES.md files say from where). This script

- writes ``tests/fixtures/registry.csv``: one row per data file with its size, SHA-256, how it
  is vendored (``raw``, ``xz`` or ``no``) and its addresses (the Census server where the agency
  publishes the file, then the repository copy at its commit, which is the same bytes by
  construction). ``make test-data`` fetches the ``no`` rows through
  :mod:`brainwaste.acquire.pinned`;
- packs the vendored files into ``tests/fixtures/official/`` as ``tests/official_data.py``
  reads them: ``raw`` (the file itself), ``texts`` (a member of one solid ``texts.tar.xz``),
  ``zip`` (an official Census zip as its headers, its CSV column by column in xz, and the
  members that do not re-deflate identically, rebuilt and checked byte for byte). The pinned
  SHA-256 is always that of the original file.

All four official 2018 state files (DE, NH, VT, WY), every data dictionary and the small
occupation tables fit under 5 MB this way; the 2024 extracts and the workbooks are fetched.

Usage: python scripts/pin_test_data.py [--shared DIR] [--check]
(--check: verify the registry and vendored files against the shared folder, write nothing).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import lzma
import shutil
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.official_data import zip_parts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REGISTRY = FIXTURES / "registry.csv"
VENDORED = FIXTURES / "official"
LIMIT = 5_000_000  # bytes of vendored files in all

CENSUS_PUMS = "https://www2.census.gov/programs-surveys/acs/data/pums"
CENSUS_DICT = "https://www2.census.gov/programs-surveys/acs/tech_docs/pums/data_dict"
RAW = "https://raw.githubusercontent.com"

#: Repository copies: folder (or file) prefix -> (repository, commit, path template).
REPOS = {
    "acs_pums_2018_1yr_person_small_states/": (
        "ziyizhang9/census_data", "fb307f798490fe8922e7ab2e08a2708b53e440be", "2018/1-Year/{name}"),
    "acs_pums_2024_1yr_person_subset/": (
        "mikesimonsen/acs-pums-explorer", "7e8dd60ede362c2d987a44215d0e4cde4cd444dd",
        "data/parquet/pums/{name}"),
    "pums_data_dictionaries/PUMS_Data_Dictionary_2022.txt": (
        "switchbox-data/rate-design-platform", "b38fa34f10158a965267e77d4d8b68c403362890",
        "context/docs/census_pums_acs1_2022_data_dict.txt"),
    "pums_data_dictionaries/PUMS_Data_Dictionary_2023.txt": (
        "switchbox-data/rate-design-platform", "b38fa34f10158a965267e77d4d8b68c403362890",
        "context/docs/census_pums_acs1_2023_data_dict.txt"),
    "pums_data_dictionaries/PUMS_Data_Dictionary_2024.txt": (
        "switchbox-data/rate-design-platform", "b38fa34f10158a965267e77d4d8b68c403362890",
        "context/docs/census_pums_acs1_2024_data_dict.txt"),
    "pums_data_dictionaries/PUMS_Data_Dictionary_2019-2023.txt": (
        "switchbox-data/rate-design-platform", "b38fa34f10158a965267e77d4d8b68c403362890",
        "context/docs/census_pums_acs5_2023_data_dict.txt"),
    "pums_data_dictionaries/ACS2024_PUMS_User_Guide.md": (
        "switchbox-data/rate-design-platform", "b38fa34f10158a965267e77d4d8b68c403362890",
        "context/docs/census_pums_acs1_2024_user_guide.md"),
    "pums_data_dictionaries/": (
        "ziyizhang9/census_data", "fb307f798490fe8922e7ab2e08a2708b53e440be", "{name}"),
    "pums_verification_estimates/": (
        "zcstanley/DATA2LIFT", "c1eb29cf94f6dfca166382f18587a0eabc48d7ad", "Tests/{name}"),
    "occupation_crosswalks/2018-occupation-code-list-and-crosswalk.xlsx": (
        "mdsmith808/ai_labor", "08f591cf04da6da3eb2088f719406e5f4e4a9ccb",
        "data/2018-occupation-code-list-and-crosswalk.xlsx"),
    "occupation_crosswalks/bls_ep_table_5_4_education_training_by_occupation_2024.xlsx": (
        "meshhi13/OccupationsAndSalary", "2c67169d15aee622610f53ed5f0e0c0a2266acc4",
        "data/education.xlsx"),
    "onet_29_3/": (
        "eugene-maina72/Phase_5_Capstone_Project-SmartPath",
        "e7515a8d5864bf83a34cb0434d8bf5c98d3129e0", "data/{name}"),
    "occupation_employment/occupation.xlsx": (
        "lkomenski/career-viability-dashboard", "6d3b1dd52f87238025faf0a0f7f413f64292b721",
        "data/occupation.xlsx"),
    "occupation_employment/national_M2024_dl.xlsx": (
        "jj-squared/AI_jobs_impact", "33fd992d4a8d55ee3fb72a9c69f5a5816b0b8cf1",
        "national_M2024_dl.xlsx"),
    "occupation_employment/soc_2010_to_2018_crosswalk.xlsx": (
        "dperez-epi/cps_laborforce_education", "1b8d3be5752dd8a8e2405a4cbb3a670f64ed902a",
        "input/soc_2010_to_2018_crosswalk.xlsx"),
    "occupation_employment/2010-occ-codes-with-crosswalk-from-2002-2011.xls": (
        "Thirdhuman/CPS_Variable_Names", "b2fe5e16eea758fe2def0451dd5e8f3eae735188",
        "2010-occ-codes-with-crosswalk-from-2002-2011.xls"),
}  # fmt: skip

#: Official zips rebuilt from their parts.
VENDOR_ZIP_FOLDERS = ("acs_pums_2018_1yr_person_small_states/",)
#: Vendored as they are (already compressed).
VENDOR_RAW: set[str] = set()
#: Text files in the solid archive: every data dictionary, and the tables made from the
#: publications (DERIVED: no public address, so they must travel with the tests).
VENDOR_TEXT_FOLDERS = ("pums_data_dictionaries/", "pums_verification_estimates/")
VENDOR_TEXT_SUFFIXES = (".csv", ".txt")
VENDOR_TEXT_FOLDERS_SUFFIXED = ("occupation_crosswalks/", "occupation_employment/", "onet_29_3/")
TEXTS = VENDORED / "texts.tar.xz"


SOURCES = FIXTURES / "SOURCES.md"

#: What each folder holds (from the SOURCES.md of the shared data folder).
FOLDERS = {
    "acs_pums_2018_1yr_person_small_states": "Census ACS 2018 1-year PUMS person files, official "
    "zips as published by the Census Bureau (psam_pNN.csv + ACS2018_PUMS_README.pdf), all 286 "
    "columns with the 80 replicate weights. Public domain.",
    "acs_pums_2024_1yr_person_subset": "DERIVED: ACS 2024 1-year PUMS person records, every row "
    "of the official Census zip, 38 columns, no replicate weights, made by that repository's "
    "pipeline/pums_ingest.py. Public-domain data.",
    "pums_data_dictionaries": "Census PUMS data dictionaries (CSV layout 2017-2021, TXT layout "
    "2022-2024) and a markdown transcription of the 2024 PUMS User Guide. Public domain.",
    "pums_verification_estimates": "Census 'PUMS Estimates for User Verification', 2017-2021 "
    "5-year. Public domain.",
    "occupation_crosswalks": "Census 2018 occupation code list and crosswalk; BLS Employment "
    "Projections Table 5.4 (education by occupation, 2024); the CSVs are DERIVED from those "
    "workbooks with values unchanged. Public domain.",
    "onet_29_3": "O*NET 29.3 database (May 2025), selected files. CC BY 4.0 (see Read Me.txt).",
    "occupation_employment": "BLS Employment Projections Table 1.2 and OEWS May 2024 national "
    "employment, BLS 2010-2018 SOC crosswalk, Census 2010 occupation code list; the CSVs are "
    "DERIVED (see that folder's SOURCES.md in the shared data). Public domain.",
}


#: DERIVED tables -> the publication (beside them) they were made from, values unchanged.
DERIVED_FROM = {
    "occupation_crosswalks/census_2018_occ_code_list.csv":
        "occupation_crosswalks/2018-occupation-code-list-and-crosswalk.xlsx",
    "occupation_crosswalks/bls_ep_table_5_4_education_training_by_occupation_2024.csv":
        "occupation_crosswalks/bls_ep_table_5_4_education_training_by_occupation_2024.xlsx",
    "occupation_employment/census_2010_occ_code_list.csv":
        "occupation_employment/2010-occ-codes-with-crosswalk-from-2002-2011.xls",
    "occupation_employment/ep_2024_employment.csv": "occupation_employment/occupation.xlsx",
    "occupation_employment/oews_national_2024_employment.csv":
        "occupation_employment/national_M2024_dl.xlsx",
    "occupation_employment/soc_2010_to_2018_crosswalk.csv":
        "occupation_employment/soc_2010_to_2018_crosswalk.xlsx",
}  # fmt: skip


def sources_text(rows: list[dict], size: int) -> str:
    vendored = [r for r in rows if r["vendored"] != "no"]
    lines = [
        "# Official test data: sources and checksums",
        "",
        "Written by `scripts/pin_test_data.py` from the shared data folder; do not edit by hand.",
        "",
        f"The tests read official Census, BLS and O*NET files. {len(vendored)} of the "
        f"{len(rows)} files travel with the repository under `official/` ({size:,} bytes in all); "
        "`make test-data` fetches the others into `fetched/` (git-ignored) through "
        "`brainwaste.acquire.pinned`, from a mirror (`make test-data MIRROR=DIR|URL` or "
        "`BRAINWASTE_TEST_DATA_MIRROR`), else from the addresses below, and keeps a file only "
        "when its SHA-256 is the one pinned here. Every row of `registry.csv` is one file.",
        "",
        "- **vendored**: `zip`: an official Census zip rebuilt byte for byte from "
        "`official/PATH.layout.json` (headers and central directory), its CSV stored column by "
        "column in `NAME.csv.cols.xz` and re-deflated with zlib (level 6, memory level 9: the "
        "settings that reproduce the Census bytes), and the members that do not re-deflate "
        "identically stored as their compressed bytes (`NAME.deflated`). `texts`: a member of "
        "`official/texts.tar.xz`, one solid xz archive of the text files. `raw`: the file "
        "itself. `no`: fetched on demand. The SHA-256 is always that of the original file; "
        "`tests/official_data.py` unpacks a copy and checks it before any test reads it.",
        "- **from**: the public repository and commit the copy was taken from (`git show "
        "COMMIT:PATH`), which `make test-data` downloads at that commit; for files the Census "
        "Bureau publishes unchanged, the Census address is tried first. The Census copies have "
        "not been compared byte for byte with these (no network where they were pinned): if one "
        "differs, its checksum is refused and the repository copy is used.",
        "- DERIVED files are tables made from a publication by whoever copied it (values "
        "unchanged); they have no public address, so they are vendored.",
        "",
        "## Folders",
        "",
    ]
    lines += [f"- `{folder}/`: {text}" for folder, text in FOLDERS.items()]
    lines += [
        "",
        "## Files",
        "",
        "| path | bytes | sha256 | vendored | from |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for r in rows:
        urls = r["urls"].split()
        repo = next((u for u in urls if u.startswith(RAW)), None)
        if repo:
            owner, name, commit, path = repo[len(RAW) + 1 :].split("/", 3)
            src = f"{owner}/{name} `{commit[:10]}` `{path.replace('%20', ' ')}`"
        elif r["path"] in DERIVED_FROM:
            src = f"DERIVED from `{DERIVED_FROM[r['path']]}` (values unchanged)"
        else:
            src = "DERIVED"
        if urls and urls[0].startswith("https://www2.census.gov"):
            src = f"[Census]({urls[0]}); {src}"
        lines.append(
            f"| `{r['path']}` | {r['bytes']:,} | `{r['sha256']}` | {r['vendored']} | {src} |"
        )
    return "\n".join(lines) + "\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vendoring(rel: str) -> str:
    if rel in VENDOR_RAW:
        return "raw"
    if rel.startswith(VENDOR_ZIP_FOLDERS) and rel.endswith(".zip"):
        return "zip"
    if rel.startswith(VENDOR_TEXT_FOLDERS) or (
        rel.startswith(VENDOR_TEXT_FOLDERS_SUFFIXED) and rel.endswith(VENDOR_TEXT_SUFFIXES)
    ):
        return "texts"
    return "no"


def addresses(rel: str) -> list[str]:
    """The Census address (where the agency publishes this very file), then the repository copy."""
    folder, name = rel.split("/", 1)
    urls = []
    if folder == "acs_pums_2018_1yr_person_small_states":
        urls.append(f"{CENSUS_PUMS}/2018/1-Year/{name}")
    if folder == "pums_data_dictionaries" and name.startswith("PUMS_Data_Dictionary_"):
        urls.append(f"{CENSUS_DICT}/{name}")
    for prefix in sorted(REPOS, key=len, reverse=True):
        if rel == prefix or (prefix.endswith("/") and rel.startswith(prefix)):
            repo, commit, template = REPOS[prefix]
            path = template.format(name=name).replace(" ", "%20")
            urls.append(f"{RAW}/{repo}/{commit}/{path}")
            break
    return urls


def data_files(shared: Path) -> list[str]:
    return sorted(
        p.relative_to(shared).as_posix()
        for p in shared.rglob("*")
        if p.is_file() and p.name != "SOURCES.md"
    )


def texts_archive(members: dict[str, bytes]) -> bytes:
    """One solid xz tar of the text files, the same bytes for the same files (no times, ids)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz", preset=9 | lzma.PRESET_EXTREME) as tar:
        for name in sorted(members):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(members[name]), 0, 0o644
            tar.addfile(info, io.BytesIO(members[name]))
    return buf.getvalue()


def build(shared: Path) -> tuple[list[dict], dict[Path, bytes]]:
    rows, vendored, texts = [], {}, {}
    for rel in data_files(shared):
        data = (shared / rel).read_bytes()
        how = vendoring(rel)
        urls = addresses(rel)
        if not urls and how == "no":
            raise SystemExit(f"{rel}: neither vendored nor downloadable; vendor it")
        rows.append(
            {
                "path": rel,
                "bytes": len(data),
                "sha256": sha256(data),
                "vendored": how,
                "urls": " ".join(urls),
            }
        )
        if how == "raw":
            vendored[VENDORED / rel] = data
        elif how == "texts":
            texts[rel] = data
        elif how == "zip":
            folder, name = (VENDORED / rel).parent, Path(rel).name
            layout, files = zip_parts(data, Path(name).stem)
            vendored[folder / f"{name}.layout.json"] = (
                json.dumps(layout, indent=1) + "\n"
            ).encode()
            vendored.update({folder / f: b for f, b in files.items()})
    vendored[TEXTS] = texts_archive(texts)
    total = sum(len(b) for b in vendored.values())
    if total > LIMIT:
        raise SystemExit(f"vendored files would take {total:,} bytes, over {LIMIT:,}")
    return rows, vendored


def registry_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, ["path", "bytes", "sha256", "vendored", "urls"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--check", action="store_true", help="verify only; write nothing")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(f"shared data folder not found: {args.shared} (use --shared DIR)", file=sys.stderr)
        return 2
    rows, vendored = build(args.shared)
    text = registry_text(rows)
    total = sum(len(b) for b in vendored.values())
    if args.check:
        bad = [] if REGISTRY.read_text(encoding="utf-8") == text else [str(REGISTRY)]
        bad += [str(p) for p, b in vendored.items() if not p.is_file() or p.read_bytes() != b]
        bad += [str(p) for p in VENDORED.rglob("*") if p.is_file() and p not in vendored]
        if not bad and SOURCES.read_text(encoding="utf-8") != sources_text(rows, total):
            bad.append(str(SOURCES))
        for b in bad:
            print(f"differs: {b}", file=sys.stderr)
        return 1 if bad else 0
    REGISTRY.write_text(text, encoding="utf-8")
    shutil.rmtree(VENDORED, ignore_errors=True)
    for path, data in vendored.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    SOURCES.write_text(sources_text(rows, total), encoding="utf-8")
    n = sum(r["vendored"] != "no" for r in rows)
    print(
        f"{len(rows)} files pinned in {REGISTRY.relative_to(ROOT)}; {n} vendored in "
        f"{len(vendored)} files, {total:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
