"""The command line: help that teaches, and one-line errors with a non-zero exit for bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from brainwaste.cli import main

SUBCOMMANDS = ["sample", "fetch", "estimate", "figures", "report", "check", "profiles", "factsheet"]


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_has_help(sub, capsys):
    with pytest.raises(SystemExit) as exc:
        main([sub, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: brainwaste " + sub)
    if sub in ("fetch", "estimate", "report"):
        assert "--year" in out and "--states" in out


def test_top_level_help_lists_commands_and_examples(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for sub in SUBCOMMANDS:
        assert sub in out
    assert "brainwaste report --sample" in out and "CENSUS_API_KEY" in out


def run_error(args, capsys, code=2):
    assert main(args) == code
    lines = capsys.readouterr().err.strip().splitlines()
    # progress lines may come first; the error is one line, last, with no traceback
    assert "Traceback" not in "\n".join(lines)
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1 and lines[-1] == errors[0], lines
    return errors[0]


def test_unknown_state(capsys, tmp_path):
    err = run_error(
        [
            "fetch",
            "--year",
            "2023",
            "--period",
            "1",
            "--states",
            "MA,XX",
            "--data-dir",
            str(tmp_path),
        ],
        capsys,
    )
    assert "unknown state 'XX'" in err


def test_2020_one_year_is_refused_with_the_reason(capsys, tmp_path):
    err = run_error(
        ["fetch", "--year", "2020", "--period", "1", "--states", "MA", "--data-dir", str(tmp_path)],
        capsys,
    )
    assert "2020" in err and "experimental" in err


def test_bad_year_and_period_are_argparse_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fetch", "--year", "1999", "--period", "1", "--states", "MA"])
    assert exc.value.code == 2
    assert "outside the supported survey years" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fetch", "--year", "2023", "--period", "3", "--states", "MA"])
    assert "period must be 1" in capsys.readouterr().err


def test_unreachable_server(capsys, tmp_path, monkeypatch):
    from brainwaste.acquire import http

    monkeypatch.setattr(http, "TRIES", 1)
    err = run_error(
        ["fetch", "--year", "2023", "--period", "1", "--states", "VT", "--data-dir", str(tmp_path),
         "--base-url", "http://nonexistent.invalid/pums", "--no-progress"],
        capsys, code=3,
    )  # fmt: skip
    assert "could not reach nonexistent.invalid" in err
    assert not list(tmp_path.rglob("*.zip"))  # nothing half-written


def test_missing_input_and_not_a_person_file(capsys, tmp_path):
    err = run_error(
        ["estimate", "--input", str(tmp_path / "nope.csv"), "--data-dir", str(tmp_path)], capsys
    )
    assert "no such file" in err
    h = tmp_path / "psam_h25.csv"
    h.write_text("RT,SERIALNO,DIVISION,PUMA,REGION,ST,NP,TEN\nH,2024HU0000001,1,00100,1,25,2,1\n")
    err = run_error(["estimate", "--input", str(h), "--data-dir", str(tmp_path)], capsys)
    assert "housing file" in err
    assert (
        not list((tmp_path / "processed").glob("*")) if (tmp_path / "processed").exists() else True
    )


def test_profiles(capsys, tmp_path):
    err = run_error(["estimate", "--input", "x.csv", "--profile", "nonesuch"], capsys)
    assert "unknown profile 'nonesuch'" in err and "mpi" in err
    bad = tmp_path / "mine.toml"
    bad.write_text('name = "mine"\ndescription = "x"\nbase = "mpi"\nmin_agee = 30\n')
    err = run_error(["estimate", "--input", "x.csv", "--profile", str(bad)], capsys)
    assert "unknown key(s) min_agee" in err
    bad.write_text('name = "mine"\ndescription = "x"\nbase = "mpi"\nskill_scheme = "soc"\n')
    err = run_error(["estimate", "--input", "x.csv", "--profile", str(bad)], capsys)
    assert "skill_scheme" in err and "onet" in err


def test_api_without_key(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    monkeypatch.setenv("BRAINWASTE_API_URL", "http://127.0.0.1:9/data")
    err = run_error(
        ["estimate", "--year", "2023", "--period", "1", "--states", "VT", "--source", "api", "--data-dir", str(tmp_path)],
        capsys, code=3,
    )  # fmt: skip
    assert "CENSUS_API_KEY" in err


def test_figures_without_estimates(capsys, tmp_path):
    err = run_error(
        ["figures", "--data-dir", str(tmp_path), "--reports-dir", str(tmp_path / "r")], capsys
    )
    assert "run 'brainwaste estimate'" in err


def test_module_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "brainwaste", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("brainwaste ")


def test_profiles_lists_every_packaged_profile(capsys):
    assert main(["profiles"]) in (0, None)
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.strip().splitlines()]
    for name in ("mpi", "outside_field", "commission", "untapped_talent", "support_low"):
        assert name in names
    assert "over all civilians 25-64" in out
