"""The report notebooks: stored without outputs, parameterised for papermill, calling the library
only; nbval fails on a failing cell; the renderer executes them for other parameters and refuses
bad ones. Also the library functions added for them (degree-field occupations, input checksum,
display tables, validation summaries).

The notebooks themselves are executed by nbval in ``make test`` (``pytest tests notebooks
--nbval-lax``), not here.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from brainwaste import notebooks, report, summaries, validation
from brainwaste.errors import ApiKeyError, InputError
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [
    "01-massachusetts-commission", "02-state-comparison", "03-methods-and-validation", "04-trends",
]  # fmt: skip


def _run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


# -- stored notebooks -----------------------------------------------------------------------------


def test_the_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs_and_parameters_first(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "code"
    assert "parameters" in first.metadata.get("tags", [])
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has stored outputs"
            assert cell.execution_count is None, f"{path.name}: a code cell has an execution count"
        assert not set(cell.metadata) & set(notebooks.RUN_METADATA), cell.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "papermill" not in nb.metadata  # a rendered notebook, not the source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_complete_and_runs_offline(path):
    import papermill

    # papermill must see every parameter: a comment it cannot parse hides the name from it
    defaults = notebooks.notebook_defaults(path)
    names = notebooks.parameter_names(defaults)
    assert list(papermill.inspect_notebook(path)) == list(names)
    assert defaults["source"] == "sample" and defaults.get("input_path") is None
    assert defaults["data_dir"] == "../data"
    assert defaults["reports_dir"] == f"../reports/notebooks/{path.stem}"
    notebooks.parameters_class(defaults)(**defaults)  # valid as stored


_LOGIC = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While,
    ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.If, ast.IfExp,
)  # fmt: skip


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_only_call_the_library(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, _LOGIC), (
                f"{path.name}: {type(node).__name__} in a cell; analysis logic belongs in the "
                f"package:\n{cell.source}"
            )
            if isinstance(node, ast.ImportFrom | ast.Import):
                mods = [node.module] if isinstance(node, ast.ImportFrom) else []
                mods += [a.name for a in node.names] if isinstance(node, ast.Import) else []
                assert all(m.split(".")[0] in ("brainwaste", "pandas") for m in mods), mods


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_warn_that_synthetic_numbers_are_illustrations(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "SYNTHETIC" in text
    assert "never quote" in text.lower()


# -- nbval ----------------------------------------------------------------------------------------


def _tiny_notebook(path: Path, source: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)


def test_nbval_fails_on_a_failing_cell_and_passes_otherwise(tmp_path):
    _tiny_notebook(tmp_path / "bad.ipynb", 'raise RuntimeError("cell failed on purpose")')
    _tiny_notebook(tmp_path / "good.ipynb", "print(x + 1)")
    args = ["-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "-q"]
    bad = _run([*args, "bad.ipynb"], tmp_path)
    good = _run([*args, "good.ipynb"], tmp_path)
    # exit 1 = tests failed (a missing nbval plugin would give 4, a usage error, instead)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "RuntimeError" in bad.stdout and "cell failed on purpose" in bad.stdout
    assert good.returncode == 0, good.stdout + good.stderr
    assert "2 passed" in good.stdout


# -- the renderer ---------------------------------------------------------------------------------


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_renderer_runs_a_notebook_for_another_state(tmp_path):
    done = _run(
        ["-m", "brainwaste.notebooks", "--only", "01", "-p", "states", "NY",
         "-p", "data_dir", str(tmp_path / "data"), "--reports-dir", str(tmp_path / "reports")],
        ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "reports" / "notebooks" / "01-massachusetts-commission.ipynb"
    assert sorted(p.name for p in out.parent.glob("*.ipynb")) == [out.name]  # only 01
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'states = "NY"' in injected[0].source
    text = _outputs_text(nb)
    assert "New York (NY)" in text
    assert "Focus: New York" in text
    assert "SYNTHETIC" in text
    assert "Massachusetts" not in text  # every number is about the state asked for
    # the run description comes first, checksum included
    first = next(o for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout")
    assert first["text"].startswith("data year:       2024 (1-year file)\nprofile:         mpi")
    assert "input checksum:  sha256 " in first["text"]
    figures = tmp_path / "reports" / "notebooks" / out.stem / "figures"
    for name in ("outcomes_by_group_ny", "immigrant_share_health_workers_ny",
                 "occupations_immigrant_foreign_educated_nursing_ny",
                 "occupations_immigrant_foreign_educated_medicine_premed_ny"):  # fmt: skip
        for suffix in ("png", "svg", "pdf", "alt.txt", "csv"):
            assert (figures / f"{name}.{suffix}").is_file(), f"{name}.{suffix}"
    assert "SYNTHETIC DATA" in (figures / "outcomes_by_group_ny.alt.txt").read_text()

    # clearing the rendered notebook gives back the stored one (cells, sources, no outputs)
    assert notebooks.clear_outputs(out) is True
    cleared = nbformat.read(out, as_version=4)
    stored = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert [(c.cell_type, c.source) for c in cleared.cells] == [
        (c.cell_type, c.source) for c in stored.cells
    ]
    assert all(c.outputs == [] for c in cleared.cells if c.cell_type == "code")
    assert "papermill" not in cleared.metadata
    assert notebooks.clear_outputs(out) is False  # idempotent


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-p", "year", "2031"], "outside the supported survey years 2012-2024"),
        (["-p", "year", "2023"], "the synthetic sample is the 2024 1-year file"),
        (["-p", "period", "3"], "use 1 (1-year file) or 5"),
        (["-p", "source", "web"], "'web' is not one of sample, files, api"),
        (["-p", "states", "ZZ"], "unknown state 'ZZ'"),
        (["-p", "profile", "strict"], "unknown profile 'strict'"),
        (["-p", "colour", "red"], "unknown notebook parameter"),
        (["-p", "reports_dir", "x"], "use --reports-dir"),
        (["-p", "input_path", "/no/such.zip", "-p", "source", "files"], "no such file"),
        (["-p", "year", "2022-2024", "-p", "period", "5", "-p", "source", "files"], "pooled"),
        (["--only", "09"], "no such notebook"),
        (["-p", "year", "2020", "-p", "source", "files"], "no 2020 1-year PUMS"),
        (
            [
                "--only",
                "04",
                "-p",
                "years",
                "2019,2022",
                "-p",
                "period",
                "5",
                "-p",
                "source",
                "files",
            ],
            "overlap",
        ),
        (["--only", "04", "-p", "years", "2012,2016"], "synthetic sample has no 2012"),
        (["--only", "04", "-p", "years", "2020"], "no survey year with a 1-year file"),
    ],
)
def test_renderer_refuses_bad_parameters_before_running(argv, message, tmp_path, capsys):
    code = notebooks.main([*argv, "--reports-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "notebooks").exists()  # nothing ran


def test_parameters_for_real_files(tmp_path, monkeypatch):
    p = notebooks.Parameters(year="2022-2024", period=1, states="MA", source="files")
    assert p.year == [2022, 2023, 2024]
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    with pytest.raises(ApiKeyError, match="source 'api' needs a key in CENSUS_API_KEY"):
        notebooks.Parameters(year=2023, period=5, states="MA,NY", source="api")
    monkeypatch.setenv("CENSUS_API_KEY", "k")
    p = notebooks.Parameters(year="2023", period="5", states="MA,NY", source="api")
    assert (p.year, p.period) == (2023, 5)
    with pytest.raises(InputError, match="use it with source 'files'"):
        notebooks.Parameters(input_path=str(tmp_path))


def test_prepare_uses_each_notebooks_defaults_and_absolute_dirs(tmp_path):
    by_name = {
        p.stem: notebooks.prepare(p, {"profile": "broad"}, tmp_path, tmp_path / "d")
        for p in NOTEBOOKS
    }
    assert by_name[NAMES[0]]["states"] == "MA"
    assert by_name[NAMES[1]]["states"] == "all"
    for name, params in by_name.items():
        assert params["profile"] == "broad"
        assert params["reports_dir"] == str((tmp_path / name).resolve())
        assert params["data_dir"] == str((tmp_path / "d").resolve())


# -- library functions the notebooks use ----------------------------------------------------------


def test_inputs_checksum_is_of_the_sorted_file_lines():
    a = {"path": "/x/csv_pma.zip", "bytes": 10, "sha256": "aa"}
    b = {"path": "/y/csv_pny.zip", "bytes": 20, "sha256": "bb"}
    expected = hashlib.sha256(b"aa 10 csv_pma.zip\nbb 20 csv_pny.zip\n").hexdigest()
    assert report.inputs_checksum([a, b]) == expected
    assert report.inputs_checksum([b, {**a, "path": "elsewhere/csv_pma.zip"}]) == expected
    assert report.inputs_checksum([]) is None


@pytest.fixture(scope="module")
def ma_sample(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    return report.load_dataset(sample=True, states="MA", data_dir=data, progress=False)


def test_occupations_by_degree_field_add_up_to_all_fields(ma_sample):
    whole = report.occupations_for(ma_sample)
    fields = pd.concat(
        [report.occupations_for(ma_sample, f) for f in ("nursing", "medicine_premed",
                                                        "pharmacy", "other_health")]
    )  # fmt: skip
    assert set(fields["degree_field"]) == {"nursing", "medicine_premed", "pharmacy", "other_health"}
    key = ["state", "population", "occp2018"]
    summed = fields.groupby(key)["count"].sum()
    pd.testing.assert_series_equal(
        summed.sort_index(), whole.set_index(key)["count"].sort_index(), check_names=False
    )
    nursing = fields[fields["degree_field"] == "nursing"]
    share = nursing.groupby("population")["share_of_employed"].sum()
    np.testing.assert_allclose(share.to_numpy(), 1.0)
    with pytest.raises(InputError, match="unknown degree field 'law'"):
        report.occupations_for(ma_sample, "law")


def test_sample_population_matches_its_calibration(ma_sample):
    ref = validation.reference_population(ma_sample)
    assert ref["reference"].tolist() == [7136171.0]  # the 2024 MA extract's sum of PWGTP
    t = validation.population_totals(ma_sample, ref)
    row = t.loc[("Massachusetts", "Total population")]
    total = float(row["Sum of PWGTP"].replace(",", ""))
    assert abs(total - 7136171) / 7136171 < 1e-4


def test_display_formats():
    assert summaries.format_share(0.2345, 0.0512, True) == "23.4% (±5.1)"
    assert summaries.format_share(0.2345, 0.0512, False) == "23.4% (±5.1)†"
    assert summaries.format_share(0.2345) == "23.4%"
    assert summaries.format_share(np.nan, 0.1, True) == "n/a"
    assert summaries.format_count(12345.4, 2100.6, True) == "12,345 (±2,101)"


def test_se_check_summary_reads_the_committed_cross_check():
    check = validation.read_se_check(ROOT / "docs" / "validation" / "se_check_2018.csv")
    s = validation.se_check_summary(check)
    assert s.loc["All", "statistics"] == 92
    assert s.loc["All", "agree to 6 significant digits"] == 92
    assert s.loc["Population totals (all records)", "statistics"] == 12
    totals = validation.control_totals(check)
    assert totals.loc["Vermont", "Sum of PWGTP (brainwaste)"] == "626,299"
    assert totals.loc["Wyoming", "SE (R survey)"] == "0.0"


def test_stored_notebooks_hold_no_machine_paths():
    # the stored notebooks must not carry machine-specific paths or outputs
    for path in NOTEBOOKS:
        raw = json.loads(path.read_text())
        assert str(ROOT) not in json.dumps(raw)
