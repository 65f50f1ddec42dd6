"""``brainwaste factsheet`` and ``--style`` on the command line: files written, one-line errors."""

from __future__ import annotations

import pytest

pytest.importorskip("pypdf")

from pypdf import PdfReader  # noqa: E402

from brainwaste.cli import main  # noqa: E402
from brainwaste.pums import synthetic  # noqa: E402


def _error(args, capsys, code=2) -> str:
    assert main(args) == code
    lines = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(lines)
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1 and lines[-1] == errors[0], lines
    return errors[0]


@pytest.fixture(scope="module")
def vt_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return synthetic.write_sample(out, states=["VT"])[0]


def test_factsheet_from_an_input_file(vt_zip, tmp_path, capsys):
    reports = tmp_path / "r"
    args = ["factsheet", "--input", str(vt_zip), "--state", "VT", "--reports-dir", str(reports),
            "--data-dir", str(tmp_path / "d")]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC DATA" in out  # a synthetic zip stays synthetic through --input
    pdf = reports / "factsheets" / "VT_2024_1yr_mpi.pdf"
    assert str(pdf) in out
    reader = PdfReader(str(pdf))
    assert len(reader.pages) <= 2
    assert all("SYNTHETIC DATA" in p.extract_text() for p in reader.pages)
    # no nation in a one-state run: no state-against-nation sentence or chart
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "national rate" not in text
    assert not (
        reports / "factsheets" / "VT_2024_1yr_mpi" / "figures" / "underutilization_by_state.png"
    ).exists()


def test_bad_style_file_names_the_key(vt_zip, tmp_path, capsys):
    bad = tmp_path / "style.toml"
    base = [
        "factsheet",
        "--input",
        str(vt_zip),
        "--state",
        "VT",
        "--reports-dir",
        str(tmp_path / "r"),
    ]
    bad.write_text('organization = "X"\npalette = ["#000000", "#FFFFFF"]\n')
    err = _error([*base, "--style", str(bad)], capsys)
    assert "palette: 2 colour(s) given" in err
    bad.write_text('organisation = "X"\n')
    assert "organisation: unknown key" in _error([*base, "--style", str(bad)], capsys)
    bad.write_text('palette = { us_born = "not-a-colour" }\n')
    assert "palette.us_born: 'not-a-colour' is not a colour" in _error(
        [*base, "--style", str(bad)], capsys
    )
    bad.write_text('logo = "missing.png"\n')
    assert "logo: no such file" in _error([*base, "--style", str(bad)], capsys)
    bad.write_text("organization = \n")
    assert "not valid TOML" in _error([*base, "--style", str(bad)], capsys)
    assert not (tmp_path / "r").exists()  # stopped before any work


def test_style_from_the_environment(vt_zip, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "style.toml"
    bad.write_text("footer = 3\n")
    monkeypatch.setenv("BRAINWASTE_STYLE", str(bad))
    err = _error(["figures", "--data-dir", str(tmp_path)], capsys)
    assert "footer: must be text" in err


def test_factsheet_needs_a_state(capsys, tmp_path):
    err = _error(["factsheet", "--sample", "--data-dir", str(tmp_path)], capsys)
    assert "--state MA" in err
