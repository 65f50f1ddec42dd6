"""The Python examples of docs/api.md and the README run as written, and give the numbers the
command line and the independent R check give.

The Census server is replaced by a local one (pytest-httpserver) serving the official 2018
Vermont person zip vendored with the tests (tests/conftest.py), so the real-data example downloads
through the package's own downloader without network.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import brainwaste
from brainwaste.cli import main
from tests.conftest import ROOT, shared_file

VT_2018 = "acs_pums_2018_1yr_person_small_states/csv_pvt.zip"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(path: Path) -> list[str]:
    blocks = BLOCK.findall(path.read_text(encoding="utf-8"))
    assert blocks, f"no python example in {path}"
    return blocks


def run_examples(path: Path) -> dict:
    namespace: dict = {"__name__": "__main__"}
    for i, code in enumerate(python_blocks(path), start=1):
        exec(compile(code, f"{path.name}, python block {i}", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def sample_data_dir(tmp_path_factory) -> Path:
    """One data directory for the module, so the synthetic sample is written once."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def workspace(tmp_path, monkeypatch, sample_data_dir, httpserver) -> Path:
    httpserver.expect_request("/2018/1-Year/csv_pvt.zip").respond_with_data(
        shared_file(VT_2018).read_bytes(), content_type="application/zip"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRAINWASTE_DATA_DIR", str(sample_data_dir))
    monkeypatch.setenv("BRAINWASTE_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("BRAINWASTE_PUMS_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


def r_check(statistic: str) -> pd.Series:
    t = pd.read_csv(ROOT / "docs" / "validation" / "se_check_2018.csv")
    return t[(t["state"] == "VT") & (t["statistic"] == statistic)].iloc[0]


def test_api_page_examples_run_on_the_official_vermont_file(workspace, sample_data_dir, capsys):
    ns = run_examples(ROOT / "docs" / "api.md")
    out = capsys.readouterr().out
    # the synthetic block says what it is
    assert "SYNTHETIC" in out and ns["ds"].synthetic
    assert set(ns["rates"]["population"]) >= {"us_born", "immigrant"}
    # the official block: numbers the R survey package computed independently
    vt = ns["vt"]
    assert not vt.synthetic and vt.year == 2018 and vt.persons.n_records_read == 6_436
    est = ns["est"].set_index(["state", "population", "outcome"])
    row = est.loc[("VT", "immigrant", "total")]
    ref = r_check("count:immigrant:total")
    assert row["count"] == ref["r_estimate"] == 1_739
    assert row["count_se"] == pytest.approx(ref["r_se"], rel=1e-9)
    # write() and figures() left the contract outputs
    processed = sample_data_dir / "processed"
    meta = json.loads((processed / "estimates_2018_1yr.meta.json").read_text())
    assert meta["year"] == 2018 and meta["synthetic"] is False and meta["records_read"] == 6_436
    written = pd.read_csv(processed / "estimates_2018_1yr.csv")
    assert written["count"].sum() == pytest.approx(ns["est"]["count"].sum())
    paths = [Path(p) for p in ns["paths"]]
    assert any(p.name == "brainwaste_tables.xlsx" for p in paths)
    assert all(p.exists() for p in paths)
    # the input= block read the downloaded copy under every profile
    counts = {n: t.set_index(["state", "population", "outcome"]).loc[("VT", "immigrant", "total"), "count"]
              for n, t in ns["by_profile"].items()}  # fmt: skip
    assert counts["mpi"] == 1_739 and counts["broad"] >= counts["mpi"]


def test_the_api_and_the_command_line_give_the_same_table(workspace, tmp_path):
    vt = shared_file(VT_2018)
    ds = brainwaste.load(input=vt, progress=False)
    api = brainwaste.estimate(ds)
    assert main(["estimate", "--input", str(vt), "--data-dir", str(tmp_path / "cli")]) == 0
    cli = pd.read_parquet(tmp_path / "cli" / "processed" / "estimates_2018_1yr.parquet")
    pd.testing.assert_frame_equal(api.reset_index(drop=True), cli, check_dtype=False)


def test_readme_python_example_runs(workspace, capsys):
    ns = run_examples(ROOT / "README.md")
    est = ns["est"]
    assert est["synthetic"].all() and set(est["state"]) == {"MA"}
    assert "underutilized" in set(est["outcome"])
    assert "share_moe90" in capsys.readouterr().out


def test_load_refuses_what_it_cannot_do(tmp_path):
    from brainwaste.errors import InputError

    with pytest.raises(InputError, match="files, api, sample"):
        brainwaste.load(source="web")
    with pytest.raises(InputError, match="leave source as 'files'"):
        brainwaste.load(input=tmp_path / "x.zip", source="api")


def test_public_names_and_subpackages_coexist():
    assert callable(brainwaste.estimate) and callable(brainwaste.figures)
    from brainwaste import report
    from brainwaste.estimate import replicate

    assert hasattr(replicate, "standard_error") and hasattr(report, "load_dataset")
    for name in brainwaste.__all__:
        obj = getattr(brainwaste, name)
        if callable(obj) and name != "Dataset":
            assert obj.__doc__ and obj.__annotations__.get("return"), name


def test_reading_and_estimating_import_no_plotting_or_http():
    """The public names load when first used: a program that reads, classifies and estimates
    imports neither matplotlib nor requests, and the functions named like subpackages stay
    functions whichever is imported first."""
    code = (
        "import sys\n"
        "import brainwaste.estimate.outcomes, brainwaste.method.classify, brainwaste.pums.readers\n"
        "import brainwaste.figures.style, brainwaste.trend\n"
        "assert 'requests' not in sys.modules, 'requests'\n"
        "import brainwaste\n"
        "from brainwaste import estimate, trend\n"
        "assert callable(estimate) and callable(trend) and callable(brainwaste.figures)\n"
        "assert brainwaste.estimate is estimate and brainwaste.trend is trend\n"
        "from brainwaste.estimate import replicate\n"
        "assert brainwaste.estimate is estimate and replicate.Z90 == 1.645\n"
        "assert 'load' in dir(brainwaste) and brainwaste.Dataset.__name__ == 'Dataset'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    plain = "import sys, brainwaste.pums.readers, brainwaste.estimate.outcomes\n"
    plain += "import brainwaste.method.classify\nassert 'matplotlib' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", plain], check=True)
