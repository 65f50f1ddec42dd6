"""scripts/compare_outputs.py: the check that a refactoring changed no number in any output."""

from __future__ import annotations

from openpyxl import Workbook

from tests.conftest import load_script

compare_outputs = load_script("scripts/compare_outputs.py")


def _run(root, share: float, note: str, rows: int = 2):
    """A made-up report run: one estimates CSV, one figure CSV, one workbook, one PNG and an input."""
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "raw").mkdir(parents=True)
    (root / "reports" / "figures").mkdir(parents=True)
    (root / "reports" / "tables").mkdir(parents=True)
    lines = ["state,share,note"] + [f"MA,{share},{note}"] * (rows - 1)
    (root / "data" / "processed" / "estimates_2024_1yr.csv").write_text("\n".join(lines) + "\n")
    (root / "data" / "raw" / "input.csv").write_text("never compared\n")
    (root / "reports" / "figures" / "rates.csv").write_text("x\n1\n")
    (root / "reports" / "figures" / "rates.png").write_bytes(note.encode())
    wb = Workbook()
    wb.active.title = "Estimates"
    wb.active.append(["state", "share"])
    wb.active.append(["MA", share])
    notes = wb.create_sheet("Notes")
    notes.append([f"unreliable: {note} 30 records"])
    wb.save(root / "reports" / "tables" / "brainwaste_tables.xlsx")


def _kept(tmp_path, name, share, note, rows=2):
    run, out = tmp_path / f"run_{name}", tmp_path / f"out_{name}"
    _run(run, share, note, rows)
    # kept as the `write` step keeps a case: one folder per case
    assert compare_outputs.collect(run, out / "sample") == 4  # 2 CSVs + 2 sheets, not the raw input
    return out


def test_identical_runs_compare_equal(tmp_path, capsys):
    a = _kept(tmp_path, "a", 0.25, "fewer than")
    b = _kept(tmp_path, "b", 0.25, "fewer than")
    assert compare_outputs.compare(a, b) == ([], [])
    assert compare_outputs.main(["compare", str(a), str(b)]) == 0
    assert "all 4 tables, figure CSVs and workbook sheets are identical" in capsys.readouterr().out


def test_a_changed_number_fails_in_the_csv_and_the_sheet(tmp_path, capsys):
    a = _kept(tmp_path, "a", 0.25, "fewer than")
    b = _kept(tmp_path, "b", 0.2500001, "fewer than")
    problems, wording = compare_outputs.compare(a, b)
    assert problems == [
        "differs: sample/data/processed/estimates_2024_1yr.csv (first at line 2)",
        "differs: sample/reports/tables/brainwaste_tables/sheet Estimates.csv (first at line 2)",
    ]
    assert wording == []
    assert compare_outputs.main(["compare", str(a), str(b)]) == 1


def test_reworded_text_is_told_apart_from_changed_numbers(tmp_path, capsys):
    a = _kept(tmp_path, "a", 0.25, "fewer than")
    b = _kept(tmp_path, "b", 0.25, "under")
    problems, wording = compare_outputs.compare(a, b)
    assert problems == []
    assert len(wording) == 2 and all(w.startswith("wording only:") for w in wording)
    assert compare_outputs.main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "note: sample/reports/figures/rates.png has other bytes" in out


def test_a_missing_row_is_a_difference(tmp_path):
    a = _kept(tmp_path, "a", 0.25, "fewer than", rows=3)
    b = _kept(tmp_path, "b", 0.25, "fewer than", rows=2)
    problems, _ = compare_outputs.compare(a, b)
    assert problems == ["differs: sample/data/processed/estimates_2024_1yr.csv (first at line 3)"]


def test_check_against_digests_names_each_kind_of_difference(tmp_path, capsys):
    a = _kept(tmp_path, "a", 0.25, "fewer than")
    digests = tmp_path / "digests.txt"
    assert compare_outputs.main(["digests", str(a), "--note", "made from run a"]) == 0
    digests.write_text(capsys.readouterr().out)
    assert digests.read_text().startswith("# made from run a\n")
    expected = compare_outputs.read_digests(digests)
    assert len(expected) == 4 and all(name.startswith("sample/") for name in expected)
    assert compare_outputs.check(expected, a) == []
    assert compare_outputs.main(["check", str(a), "--digests", str(digests)]) == 0

    changed = _kept(tmp_path, "b", 0.2500001, "fewer than")
    assert compare_outputs.check(expected, changed) == [
        "numbers differ: sample/data/processed/estimates_2024_1yr.csv",
        "numbers differ: sample/reports/tables/brainwaste_tables/sheet Estimates.csv",
    ]
    assert compare_outputs.main(["check", str(changed), "--digests", str(digests)]) == 1

    reworded = _kept(tmp_path, "c", 0.25, "under")
    assert compare_outputs.check(expected, reworded) == [
        "wording differs (numbers the same): sample/data/processed/estimates_2024_1yr.csv",
        "wording differs (numbers the same): sample/reports/tables/brainwaste_tables/sheet Notes.csv",
    ]

    (reworded / "sample" / "reports" / "figures" / "rates.csv").rename(
        reworded / "sample" / "reports" / "figures" / "rates_renamed.csv"
    )
    problems = compare_outputs.check(expected, reworded)
    assert "missing: sample/reports/figures/rates.csv" in problems
    assert "not in the digests: sample/reports/figures/rates_renamed.csv" in problems


def test_check_looks_only_at_the_cases_that_ran(tmp_path):
    """A case skipped for want of its official file is neither missing nor compared."""
    a = _kept(tmp_path, "a", 0.25, "fewer than")
    expected = compare_outputs.digests(a)
    expected["vt_2018/data/processed/estimates_2018_1yr.csv"] = ("0" * 64, "0" * 64)
    assert compare_outputs.check(expected, a) == []
