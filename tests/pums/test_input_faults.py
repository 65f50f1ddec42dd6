"""Whatever a user hands to ``--input``: the right numbers, or one clear line and exit 2.

Each case of a malformed file below checks what the user sees: the package's own error, one line
naming the file (not its directory), the column and the first offending records, under 200
characters, with no traceback and nothing half-written.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from brainwaste.atomic import remove_stale_temp_files, write_atomic
from brainwaste.cli import main
from brainwaste.errors import BrainwasteError, SchemaError
from brainwaste.pums.readers import read_persons
from brainwaste.pums.validate import person_keys
from brainwaste.report import thin_numbers_note

# Every case on both ways of reading a CSV (the compiled pre-scan and pyarrow's full parse).
pytestmark = pytest.mark.usefixtures("reading_path")

HEADER = ["RT", "SERIALNO", "SPORDER", "PUMA", "STATE", "ADJINC", "PWGTP", "AGEP", "CIT",
          "NATIVITY", "YOEP", "ENG", "SCHL", "FOD1P", "ESR", "OCCP", "WAGP", "PERNP"]  # fmt: skip
REPS = [f"PWGTP{r}" for r in range(1, 81)]

# serial, sporder, age, nativity, yoep, schl, fod1p, esr, occp, pwgtp, pwgtp1
PEOPLE = [
    ("2024GQ0000007", 1, 58, "2", "1990", "22", "6107", "1", "3603", 60, 50),  # arrived at 24
    ("2024HU0000001", 1, 40, "1", "", "21", "6107", "1", "3255", 100, 120),  # RN: high
    ("2024HU0000001", 2, 50, "1", "", "22", "6108", "1", "4720", 50, 50),  # cashier: low
    ("2024HU0000002", 1, 45, "2", "1995", "21", "6107", "1", "4720", 80, 60),  # arrived at 16
    ("2024HU0000003", 1, 55, "2", "2010", "21", "6107", "3", "3255", 70, 70),  # at 41: unemployed
    ("2024HU0000004", 1, 30, "1", "", "19", "", "1", "4720", 90, 90),  # no degree
]


def person_csv(people=PEOPLE, header=HEADER, reps=REPS, edit=None, eol="\n") -> bytes:
    rows = []
    for serial, sp, age, nat, yoep, schl, fod, esr, occp, w, r1 in people:
        row = {"RT": "P", "SERIALNO": serial, "SPORDER": str(sp), "PUMA": "00100",
               "STATE": "25", "ADJINC": "1015250", "PWGTP": str(w), "AGEP": str(age),
               "CIT": "1" if nat == "1" else "4", "NATIVITY": nat, "YOEP": yoep,
               "ENG": "" if nat == "1" else "1", "SCHL": schl, "FOD1P": fod, "ESR": esr,
               "OCCP": occp, "WAGP": "40000", "PERNP": "40000"}  # fmt: skip
        row.update({c: str(w) for c in REPS})
        row["PWGTP1"] = str(r1)
        rows.append(row)
    if edit is not None:
        edit(rows)
    cols = header + reps
    lines = [",".join(cols)] + [",".join(str(r.get(c, "")) for c in cols) for r in rows]
    return (eol.join(lines) + eol).encode()


def zip_bytes(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def refused(tmp_path, path, capsys, *extra) -> str:
    """Run `estimate --input` on `path`; return its one-line error (and check the line)."""
    data = tmp_path / "out"
    code = main(["estimate", "--input", str(path), "--data-dir", str(data), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert len(lines) == 1, err
    message = lines[0].split(": error: ", 1)[1]
    assert len(message) <= 200, message
    assert str(path.parent) not in message  # the file's name, not its directory
    assert "download it again" not in message
    assert not (data / "processed").exists() or not any((data / "processed").iterdir())
    return message


def estimates(path, *extra) -> pd.DataFrame:
    data = Path(path).parent / f"out_{Path(path).name}"
    assert main(["estimate", "--input", str(path), "--data-dir", str(data), *extra]) == 0
    return pd.read_csv(data / "processed" / "estimates_2024_1yr.csv")


@pytest.fixture
def good(tmp_path):
    p = tmp_path / "psam_p25.csv"
    p.write_bytes(person_csv())
    return p


def write(tmp_path, data: bytes, name="psam_p25.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def row_edit(serial_sp, **values):
    def edit(rows):
        for r in rows:
            if (r["SERIALNO"], r["SPORDER"]) == serial_sp:
                r.update(values)

    return edit


# -- 1. any bytes: a clean refusal, never a traceback ---------------------------------------------


def test_gzip_csv_is_read_like_the_plain_file(tmp_path, good):
    gz = write(tmp_path, gzip.compress(good.read_bytes()), "extract.csv.gz")
    pd.testing.assert_frame_equal(estimates(gz), estimates(good))


def test_random_bytes(tmp_path, capsys):
    data = bytes(range(256)) * 20
    msg = refused(tmp_path, write(tmp_path, data, "x.csv"), capsys)
    assert msg == "x.csv is a binary file, not a CSV: give a PUMS person csv, zip or parquet"


def test_utf16_csv(tmp_path, good, capsys):
    p = write(tmp_path, good.read_text().encode("utf-16"), "u16.csv")
    assert (
        refused(tmp_path, p, capsys)
        == "u16.csv is UTF-16 text: save it as CSV in UTF-8 and try again"
    )


def test_latin1_header(tmp_path, good, capsys):
    p = write(tmp_path, b"SERIALNO,\xe9t\xe9\n" + good.read_bytes(), "l1.csv")
    assert "is not UTF-8 text" in refused(tmp_path, p, capsys)


def test_directory(tmp_path, capsys):
    d = tmp_path / "pums"
    d.mkdir()
    assert refused(tmp_path, d, capsys).startswith("pums is a directory: give the person file")


def test_empty_file_and_html_page(tmp_path, capsys):
    assert refused(tmp_path, write(tmp_path, b"", "e.csv"), capsys).startswith("e.csv is empty")
    html = write(tmp_path, b"<!DOCTYPE html><html>Not found</html>", "h.csv")
    assert "is an HTML/XML page" in refused(tmp_path, html, capsys)


def test_excel_workbook(tmp_path, good, capsys):
    p = tmp_path / "extract.xlsx"
    pd.read_csv(good, dtype=str).to_excel(p, index=False) if _has_openpyxl() else p.write_bytes(
        zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
    )
    assert refused(tmp_path, p, capsys).startswith("extract.xlsx is an Excel workbook")


def _has_openpyxl() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def test_zip_without_person_csv(tmp_path, capsys):
    p = write(tmp_path, zip_bytes({"notes.txt": b"hello"}), "mine.zip")
    msg = refused(tmp_path, p, capsys)
    assert msg.startswith("mine.zip holds no PUMS person CSV") and "notes.txt" in msg


def _flag(data: bytes, local_offset: int, central_offset: int, **fields) -> bytes:
    """Patch the local and central headers of the first member of a zip."""
    b = bytearray(data)
    for name, value in fields.items():
        local, central, fmt = {
            "flags": (6, 8, "<H"), "method": (8, 10, "<H"),
            "csize": (18, 20, "<I"), "usize": (22, 24, "<I"),
        }[name]  # fmt: skip
        struct.pack_into(fmt, b, local_offset + local, value)
        struct.pack_into(fmt, b, central_offset + central, value)
    return bytes(b)


def patched_zip(csv: bytes, **fields) -> bytes:
    data = zip_bytes({"psam_p25.csv": csv})
    return _flag(data, 0, data.rfind(b"PK\x01\x02"), **fields)


def test_encrypted_member(tmp_path, good, capsys):
    p = write(tmp_path, patched_zip(good.read_bytes(), flags=0x1), "csv_pma.zip")
    msg = refused(tmp_path, p, capsys)
    assert (
        msg
        == "csv_pma.zip:psam_p25.csv is encrypted: extract it with its password, then give the CSV"
    )


def test_deflate64_member(tmp_path, good, capsys):
    p = write(tmp_path, patched_zip(good.read_bytes(), method=9), "csv_pma.zip")
    assert "is compressed with Deflate64, which Python cannot read" in refused(tmp_path, p, capsys)


def big_csv(n_copies: int = 3000) -> bytes:
    """The people repeated with distinct serials (a few MB): parsing takes several blocks."""
    people = [
        (f"2024HU{i * 10 + j:07d}", *p[1:]) for i in range(n_copies) for j, p in enumerate(PEOPLE)
    ]
    return person_csv(people)


def cut_member(csv: bytes) -> bytes:
    """A zip whose member's compressed stream ends at half its length (headers say so)."""
    data = zip_bytes({"psam_p25.csv": csv})
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename)
    half = info.compress_size // 2
    out = bytearray(data[: start + half] + data[start + info.compress_size :])
    central = out.rfind(b"PK\x01\x02")
    struct.pack_into("<I", out, central + 20, half)
    struct.pack_into("<I", out, info.header_offset + 18, half)
    end = out.rfind(b"PK\x05\x06")
    struct.pack_into("<I", out, end + 16, central)
    return bytes(out)


def test_truncated_member(tmp_path, capsys):
    p = write(tmp_path, cut_member(big_csv(300)), "csv_pma.zip")
    msg = refused(tmp_path, p, capsys)
    assert msg.startswith("csv_pma.zip:psam_p25.csv is truncated or damaged")
    assert "replace it with a complete copy" in msg


def test_member_header_claims_more_bytes_than_the_stream_has(tmp_path, capsys):
    """The member's data cut to half while its headers still claim the full size."""
    data = zip_bytes({"psam_p25.csv": big_csv(300)})
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename)
    half = info.compress_size // 2
    out = bytearray(data[: start + half] + data[start + info.compress_size :])
    end = out.rfind(b"PK\x05\x06")
    struct.pack_into("<I", out, end + 16, out.rfind(b"PK\x01\x02"))
    p = write(tmp_path, bytes(out), "csv_pma.zip")
    assert "truncated or damaged" in refused(tmp_path, p, capsys)


def test_truncated_zip_file(tmp_path, capsys):
    data = zip_bytes({"psam_p25.csv": big_csv(50)})
    p = write(tmp_path, data[: len(data) // 2], "csv_pma.zip")
    assert refused(tmp_path, p, capsys).startswith("csv_pma.zip is a truncated or damaged zip")


def test_truncated_member_never_aborts_the_process(tmp_path):
    """The streaming CSV reader is closed on the error path: an exit that leaves its read-ahead
    thread running aborts with 'terminate called without an active exception' (exit 134)."""
    p = write(tmp_path, cut_member(big_csv(20000)), "csv_pma.zip")
    cmd = [sys.executable, "-m", "brainwaste", "estimate", "--input", str(p),
           "--data-dir", str(tmp_path / "d")]  # fmt: skip
    for _ in range(6):
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert run.returncode == 2, run.stderr
        assert "terminate called" not in run.stderr and "Traceback" not in run.stderr


def test_semicolons_and_ragged_lines(tmp_path, good, capsys):
    text = good.read_text()
    p = write(tmp_path, text.replace(",", ";").encode(), "semi.csv")
    assert (
        refused(tmp_path, p, capsys)
        == "semi.csv is not comma-separated: save it as CSV with commas"
    )
    lines = text.splitlines()
    lines[3] = lines[3].rsplit(",", 5)[0]
    p = write(tmp_path, ("\n".join(lines) + "\n").encode(), "ragged.csv")
    msg = refused(tmp_path, p, capsys)
    assert msg.startswith("ragged.csv: a line has 93 fields where the header has 98")


# -- 3. bad records: refused with file, column, first records and their number -------------------


def test_duplicated_person_rows(tmp_path, capsys):
    people = PEOPLE[:3] + [PEOPLE[2]] + PEOPLE[3:]  # in the file's order: the sorted fast path
    msg = refused(tmp_path, write(tmp_path, person_csv(people)), capsys)
    assert msg == (
        "psam_p25.csv: person key (SERIALNO, SPORDER) (2024HU0000001, 2) appears more than once; "
        "1 repeated record(s): remove the repeated rows"
    )
    people = PEOPLE + [PEOPLE[0], PEOPLE[4]]  # repeats out of order: the sorting path
    msg = refused(tmp_path, write(tmp_path, person_csv(people)), capsys)
    assert "(2024GQ0000007, 1) appears more than once; 2 repeated record(s)" in msg


def test_person_keys_follow_the_census_sort_order():
    import pyarrow as pa

    serials = ["21", "2017000000001", "2017999999999", "2018GQ0000001", "2018HU0000001",
               "2019GQ0000001"]  # fmt: skip
    keys = person_keys(pa.table({"SERIALNO": serials, "SPORDER": pa.array([1] * 6, pa.int32())}))
    assert list(keys) == sorted(keys) and len(set(keys)) == 6
    # a batch of one form only gives each record the key it has in a mixed batch
    for part in (slice(0, 3), slice(3, 6), slice(1, 2), slice(4, 5)):
        one_form = pa.table(
            {"SERIALNO": serials[part], "SPORDER": pa.array([1] * len(serials[part]), pa.int32())}
        )
        assert list(person_keys(one_form)) == list(keys[part])
    expected = [21, 2017000000001, 2017999999999]  # the number itself, then HU/GQ above all
    assert [k // 100 for k in keys[:3]] == expected
    assert keys[3] // 100 == 2 * 10**13 + 2018 * 10**8 + 1  # GQ: 0 before the seven digits
    assert keys[4] // 100 == 2 * 10**13 + 2018 * 10**8 + 10**7 + 1  # HU: 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"PWGTP": "-40"}, "column PWGTP is negative"),
        ({"PWGTP": ""}, "column PWGTP is blank"),
        ({"PWGTP17": ""}, "column PWGTP17 is blank"),
        ({"SCHL": "25"}, "column SCHL has codes not in the PUMS data dictionary"),
        ({"FOD1P": "610"}, "column FOD1P has codes not in the PUMS data dictionary"),
        ({"FOD1P": "61070"}, "column FOD1P has codes not in the PUMS data dictionary"),
        ({"ESR": "7"}, "column ESR has codes not in the PUMS data dictionary"),
        ({"NATIVITY": "3"}, "column NATIVITY has codes not in the PUMS data dictionary"),
        ({"NATIVITY": ""}, "column NATIVITY is blank"),
        ({"AGEP": "120"}, "column AGEP is outside 0-99"),
        ({"AGEP": ""}, "column AGEP is blank"),
        ({"YOEP": "2031"}, "column YOEP is after the survey year"),
        ({"OCCP": "1234"}, "column OCCP has codes not in the PUMS data dictionary"),
    ],
)
def test_bad_values_are_refused_with_their_records(tmp_path, capsys, values, expected):
    p = write(tmp_path, person_csv(edit=row_edit(("2024HU0000002", "1"), **values)))
    msg = refused(tmp_path, p, capsys)
    assert msg == f"psam_p25.csv: {expected}: (SERIALNO, SPORDER) (2024HU0000002, 1); 1 record"


def test_non_numeric_weight_names_value_and_records(tmp_path, capsys):
    def edit(rows):
        for r in rows[1:4]:
            r["PWGTP"] = "1O0"

    msg = refused(tmp_path, write(tmp_path, person_csv(edit=edit)), capsys)
    assert msg == (
        "psam_p25.csv: column PWGTP is not numeric ('1O0'): (SERIALNO, SPORDER) "
        "(2024HU0000001, 1), (2024HU0000001, 2), (2024HU0000002, 1); 3 records"
    )


def test_bytes_that_are_not_utf8_in_a_code(tmp_path, capsys):
    data = person_csv().replace(b",3255,", b",32\xe95,", 1)
    msg = refused(tmp_path, write(tmp_path, data), capsys)
    assert msg.startswith("psam_p25.csv: column OCCP has bytes that are not UTF-8 text")
    assert msg.endswith("(2024HU0000001, 1); 1 record")


def test_partial_replicate_weights(tmp_path, capsys):
    reps = [c for c in REPS if c != "PWGTP17"]
    msg = refused(tmp_path, write(tmp_path, person_csv(reps=reps)), capsys)
    assert msg == (
        "psam_p25.csv: 1 of the 80 replicate weights are missing (PWGTP17): give all of "
        "PWGTP1-PWGTP80 for SEs, or none of them"
    )


def test_records_of_another_year_than_asked(tmp_path, good, capsys):
    msg = refused(tmp_path, good, capsys, "--year", "2023", "--period", "1")
    assert msg.startswith("psam_p25.csv: SERIALNO year 2024 is outside the 2023 1-year file")
    older = write(tmp_path, good.read_bytes().replace(b",2024", b",2023"), "psam_p25_2023.csv")
    msg = refused(tmp_path, older, capsys, "--year", "2024")
    assert msg == (
        "psam_p25_2023.csv: every record is from survey year 2023, not 2024: give --year 2023 or "
        "the 2024 file"
    )


def test_2010_occupation_code_in_a_2024_file(tmp_path, capsys):
    p = write(tmp_path, person_csv(edit=row_edit(("2024HU0000002", "1"), OCCP="3600")))
    msg = refused(tmp_path, p, capsys)
    assert msg.startswith("psam_p25.csv: OCCP 3600 is not a 2018 Census occupation code")
    assert "check --year" in msg and "convert_occp" not in msg


def test_foreign_born_without_year_of_entry_is_a_warning(tmp_path, good, capsys):
    p = write(tmp_path, person_csv(edit=row_edit(("2024HU0000002", "1"), YOEP="")))
    data = tmp_path / "d"
    assert main(["estimate", "--input", str(p), "--data-dir", str(data)]) == 0
    captured = capsys.readouterr()
    warning = "psam_p25.csv: 1 foreign-born record(s) without YOEP, left out of the immigrant split"
    assert captured.err.count(warning) == 1 and warning not in captured.out
    meta = json.loads((data / "processed" / "estimates_2024_1yr.meta.json").read_text())
    assert meta["warnings"] == [warning]


def test_messages_name_the_file_not_a_long_temp_path(tmp_path, capsys):
    deep = tmp_path / ("t" * 60) / "tmpabcdefgh12345678" / ("x" * 60)
    deep.mkdir(parents=True)
    p = write(deep, person_csv(edit=row_edit(("2024HU0000002", "1"), SCHL="99")))
    msg = refused(deep, p, capsys)
    assert msg.startswith("psam_p25.csv: column SCHL") and "tmpabcdefgh" not in msg


def test_every_refusal_is_a_package_error(tmp_path):
    p = write(tmp_path, person_csv(edit=row_edit(("2024HU0000002", "1"), PWGTP="-1")))
    with pytest.raises(SchemaError):
        read_persons(p)
    with pytest.raises(BrainwasteError):
        read_persons(write(tmp_path, b"\x00\x01" * 400, "bin.csv"))


def test_valid_variants_give_the_same_numbers(tmp_path, good):
    reference = estimates(good)
    df = pd.read_csv(good, dtype=str, keep_default_na=False)
    crlf = write(tmp_path, person_csv(eol="\r\n"), "crlf.csv")
    bom = write(tmp_path, b"\xef\xbb\xbf" + good.read_bytes(), "bom.csv")
    shuffled = tmp_path / "shuffled.csv"
    df.sample(frac=1, random_state=3)[list(reversed(df.columns))].assign(EXTRA="x").to_csv(
        shuffled, index=False
    )
    lower = tmp_path / "lower.csv"
    df.rename(columns=str.lower).to_csv(lower, index=False)
    for path in (crlf, bom, shuffled, lower):
        pd.testing.assert_frame_equal(estimates(path), reference, check_like=True)


# -- 5. temp files of killed runs ------------------------------------------------------------------


def test_temp_files_of_killed_runs_are_removed_at_the_next_write(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    dead = _dead_pid()
    stale = figures / f".chart.png.tmp{dead}"
    stale.write_bytes(b"half")
    cache = figures / f"csv_pma.0123456789.persons.tmp{dead}"
    cache.write_bytes(b"half")
    running = figures / f".other.png.tmp{os.getppid()}"  # a live process: a report still going
    running.write_bytes(b"busy")
    write_atomic(figures / "chart.png", lambda t: t.write_bytes(b"png"))
    assert not stale.exists() and not cache.exists() and running.exists()
    assert (figures / "chart.png").read_bytes() == b"png"
    assert remove_stale_temp_files(figures) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- thin numbers ----------------------------------------------------------------------------------


def test_thin_numbers_note_once_with_the_remedy(capsys):
    rows = []
    for st, reliable in (("VT", [False, False, True]), ("MA", [True, True, False])):
        for i, ok in enumerate(reliable):
            rows.append({"state": st, "population": "immigrant_foreign_educated",
                         "outcome": f"o{i}", "breakdown": "none", "reliable": ok,
                         "n_unweighted": 12})  # fmt: skip
    rows.append({"state": "VT", "population": "us_born", "outcome": "o", "breakdown": "none",
                 "reliable": False, "n_unweighted": 12})  # fmt: skip
    t = pd.DataFrame(rows)
    note = thin_numbers_note(t, 1)
    assert note == (
        "thin numbers: most foreign-educated estimates for VT are unreliable (fewer than 30 "
        "sample records or a CV above 30%); --period 5 has about five times the records, or "
        "pool 1-year files (e.g. --year 2022-2024)"
    )
    assert "5-year file is the largest" in thin_numbers_note(t, 5)
    assert thin_numbers_note(t[t.state == "MA"], 1) is None
    # no foreign-educated record anywhere: the input has no split (no YOEP), not thin numbers
    assert thin_numbers_note(t.assign(n_unweighted=0), 1) is None


def test_thin_numbers_in_the_cli_summary_and_metadata(tmp_path, capsys):
    data = tmp_path / "d"
    assert main(["estimate", "--sample", "--states", "VT", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.count("thin numbers: most foreign-educated estimates for VT") == 1
    assert "--period 5 has about five times the records" in out
    meta = json.loads((data / "processed" / "estimates_2024_1yr.meta.json").read_text())
    assert sum("thin numbers" in n for n in meta["notes"]) == 1


# -- a file that pools several 1-year files ----------------------------------------------------------


def pooled_csv(years=(2023, 2024)) -> bytes:
    """The same people in each year's file (serials carry the year; a year of entry as many
    years earlier, so that everyone's age at arrival is that of the 2024 file)."""
    people = [
        (
            s.replace("2024", str(y), 1),
            sp,
            age,
            nat,
            str(int(yoep) - 2024 + y) if yoep else "",
            *rest,
        )
        for y in years
        for s, sp, age, nat, yoep, *rest in PEOPLE
    ]
    return person_csv(people)


def test_input_pooling_several_years(tmp_path, good, capsys):
    one = estimates(good)
    p = write(tmp_path, pooled_csv(), "pooled.csv")
    data = tmp_path / "d"
    args = ["estimate", "--input", str(p), "--year", "2023-2024", "--period", "1"]
    assert main([*args, "--data-dir", str(data)]) == 0
    two = pd.read_csv(data / "processed" / "estimates_2023-2024_1yr.csv")
    # the same people twice at half weight: the counts and shares of one year, twice the records
    pd.testing.assert_series_equal(two["count"], one["count"])
    pd.testing.assert_series_equal(two["share"], one["share"])
    assert (two["n_unweighted"] == 2 * one["n_unweighted"]).all()
    meta = json.loads((data / "processed" / "estimates_2023-2024_1yr.meta.json").read_text())
    assert meta["pooled_years"] == [2023, 2024]
    assert any("2 1-year files pooled" in n for n in meta["notes"])


def test_input_pool_must_hold_the_years_asked(tmp_path, capsys):
    p = write(tmp_path, pooled_csv(), "pooled.csv")
    msg = refused(tmp_path, p, capsys, "--year", "2022,2024", "--period", "1")
    assert "not of the pooled years 2022, 2024" in msg
    msg = refused(tmp_path, p, capsys, "--year", "2024", "--period", "1")
    assert msg.startswith("pooled.csv: SERIALNO year 2023 is outside the 2024 1-year file")
    wide = write(tmp_path, pooled_csv((2012, 2024)), "wide.csv")
    msg = refused(tmp_path, wide, capsys)
    assert msg.startswith("wide.csv holds survey years 2012-2024, more than a 5-year file")
