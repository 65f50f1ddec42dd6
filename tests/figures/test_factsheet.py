"""Fact sheets: two Letter pages of real text whose every number is the estimates table's.

The run is the synthetic sample for four states (MA, NY, VT, WY) plus their sum as ``US``. The
PDF's text is extracted with pypdf and every number in it is traced back to the estimates table
(rounded independently here, half up), to the run's metadata (year, profile settings, version) or
to the fixed constants of the method (90% MOE, 1.645, 80 replicate weights, the 30-record / 30%
CV reliability rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image

pytest.importorskip("pypdf")

from pypdf import PdfReader  # noqa: E402

from brainwaste import __version__, report  # noqa: E402
from brainwaste.factsheet import (  # noqa: E402
    SYNTHETIC_BANNER,
    write_factsheet,
    write_factsheets,
    years_available,
)
from brainwaste.figures import style  # noqa: E402
from brainwaste.method.classify import classify, universe_prefilter  # noqa: E402
from brainwaste.method.profile import load_profile  # noqa: E402
from brainwaste.pums import synthetic  # noqa: E402
from brainwaste.pums.readers import read_persons  # noqa: E402

STATES = ["MA", "NY", "VT", "WY"]
ORG = "Commonwealth Health Workforce Coalition"
FOOTER = "Prepared for the Commission on Foreign-Trained Medical Professionals"
PALETTE = ["#4D4D4D", "#1B9E77", "#7570B3", "#E7298A"]


@dataclass
class _WithNation(report.Dataset):
    @property
    def national(self) -> bool:
        return True


def _logo(path):
    im = Image.new("RGBA", (400, 160), (0, 90, 60, 255))
    im.paste((255, 200, 0, 255), (20, 20, 140, 140))
    im.save(path)
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("factsheet")
    prof = load_profile("mpi")
    zips = synthetic.write_sample(base / "raw", states=STATES)
    persons = read_persons(zips, prefilter=universe_prefilter(prof))
    classified = classify(persons.frame, prof, file_year=synthetic.DEFAULT_YEAR)
    ds = _WithNation(
        persons, classified, prof, synthetic.DEFAULT_YEAR, 1, STATES, True, "sample", []
    )
    tables = report.build_tables(ds, extras=True)
    meta = report.metadata(ds)
    plain = write_factsheet(tables, meta, "MA", base / "plain", house=style.DEFAULT_HOUSE)
    _logo(base / "logo.png")
    (base / "style.toml").write_text(
        f'organization = "{ORG}"\nlogo = "logo.png"\npalette = {PALETTE!r}\n'
        f'footer = "{FOOTER}"\n'.replace("'", '"')
    )
    styled = write_factsheet(tables, meta, "MA", base / "styled", house=base / "style.toml")
    return SimpleNamespace(base=base, tables=tables, meta=meta, plain=plain, styled=styled, ds=ds)


def _reader(path) -> PdfReader:
    return PdfReader(str(path))


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in _reader(path).pages)


def test_three_files_with_the_contract_names(run):
    names = [p.name for p in run.plain]
    assert names == ["MA_2024_1yr_mpi.pdf", "MA_2024_1yr_mpi.html", "MA_2024_1yr_mpi.md"]
    assert all(p.stat().st_size > 0 for p in run.plain)


def test_pdf_pages_banner_and_fonts(run):
    reader = _reader(run.plain[0])
    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == (612.0, 792.0)  # US Letter
        text = page.extract_text()
        assert SYNTHETIC_BANNER in text
        assert len(text) > 800  # real text, not one big image
        fonts = page["/Resources"]["/Font"]
        assert fonts
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded TrueType
    assert reader.metadata["/Keywords"] == "SYNTHETIC"


def _half_up(x: float, digits: int) -> str:
    return str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _count_unit(x: float) -> int:
    return 10 if x < 1_000 else 100 if x < 100_000 else 1_000


def _rounded_count(x: float, unit: int) -> str:
    return f"{int(Decimal(repr(x / unit)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * unit:,}"


def test_every_number_in_the_pdf_is_the_tables(run):
    text = " ".join(_text(run.plain[0]).split())
    est = run.tables["estimates"]
    est = est[est["state"].isin(["MA", "US"]) & (est["breakdown"] == "none")]
    shares = est[est["share"].notna()]

    def pct_rows(value: str, moe: str | None):
        digits = len(value.split(".")[1]) if "." in value else 0
        ok = shares["share"].map(lambda s: _half_up(100 * s, digits)) == value
        if moe is not None:
            ok &= shares["share_moe90"].map(lambda m: _half_up(100 * m, digits)) == moe
        return shares[ok]

    checked = 0
    # "1 in N (p%, ±m points)": p and m are a row's share and MOE, and 1/N is inside its interval
    for m in re.finditer(r"1 in (\d+) \((\d+(?:\.\d)?)%, ±(\d+(?:\.\d)?) points?", text):
        rows = pct_rows(m[2], m[3])
        assert len(rows), m[0]
        n = int(m[1])
        assert any(abs(1 / n - r.share) <= r.share_moe90 for r in rows.itertuples()), m[0]
        assert all(round(1 / r.share) == n for r in rows.itertuples()), m[0]
        checked += 1
    text_left = re.sub(r"1 in \d+ \(", "(", text)
    # "p% (±m points" and "(p%, ±m points": share and MOE of one row of the table
    pair = r"(\d+(?:\.\d)?)%,? \(?±(\d+(?:\.\d)?) points?"
    for m in re.finditer(pair, text_left):
        assert len(pct_rows(m[1], m[2])), m[0]
        checked += 1
    text_left = re.sub(pair, " ", text_left)
    # "about 41,700 (±2,100": a count and its MOE, rounded to the same unit
    counts = est[est["count"].notna()]
    count_pairs = {
        (_rounded_count(r.count, u), _rounded_count(max(r.count_moe90, u / 2), u))
        for r in counts.itertuples()
        for u in [_count_unit(r.count)]
    }
    for m in re.finditer(r"about ([\d,]+) \(±([\d,]+)", text_left):
        assert (m[1], m[2]) in count_pairs, m[0]
        checked += 1
    text_left = re.sub(r"about [\d,]+ \(±[\d,]+", " ", text_left)
    assert checked >= 12
    # The key-number tiles repeat a rounded share or count of the table.
    tile_pcts = {_half_up(100 * s, d) for s in shares["share"] for d in (0, 1)}
    tile_counts = {c for c, _ in count_pairs}
    p = run.meta["profile"]
    constants = {
        str(run.meta["year"]), str(run.meta["period"]), str(p["min_age"]),
        str(p["foreign_educated_arrival_age"]), "90", "1.645", "80", "30", "1", "2",
    }  # fmt: skip
    text_left = text_left.replace(__version__, " ")
    leftovers = re.findall(r"\d[\d,]*(?:\.\d+)?%?", text_left)
    for token in leftovers:
        if token.endswith("%") and token[:-1] not in constants:
            assert token[:-1] in tile_pcts, token
        elif "," in token:
            assert token in tile_counts, token
        else:
            assert token.rstrip("%") in constants, token


def test_headline_and_caveats_are_the_sentences_module(run):
    from brainwaste import sentences

    text = " ".join(_text(run.plain[0]).split())
    head = sentences.headline(run.tables["estimates"], "MA", synthetic=True)
    assert head.text in text
    assert head.text.startswith(sentences.SYNTHETIC_PREFIX)
    html = run.plain[1].read_text(encoding="utf-8")
    md = run.plain[2].read_text(encoding="utf-8")
    for found in sentences.key_findings(run.tables["estimates"], "MA", synthetic=True):
        assert found.text in md
    assert SYNTHETIC_BANNER in html and SYNTHETIC_BANNER in md
    assert "How these numbers were made" in text


def test_html_is_self_contained_and_markdown_links_exist(run):
    html = run.plain[1].read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r'(src|href)="(?!data:)', html)  # every image inlined
    assert html.count('src="data:image/png;base64,') >= 3
    md = run.plain[2]
    links = re.findall(r"\]\(([^)]+\.png)\)", md.read_text(encoding="utf-8"))
    assert len(links) >= 3
    for link in links:
        assert (md.parent / link).is_file()


def test_house_style_changes_the_fact_sheet_and_its_figures(run):
    plain, styled = _reader(run.plain[0]), _reader(run.styled[0])
    assert styled.metadata["/Author"] == ORG
    assert "/Author" not in plain.metadata
    text = " ".join(_text(run.styled[0]).split())
    assert ORG.upper() in text and FOOTER in text
    # the logo is an image of the first page (400 x 160 px), absent from the plain sheet
    sizes = {(im.image.size) for im in styled.pages[0].images}
    assert (400, 160) in sizes
    assert (400, 160) not in {im.image.size for im in plain.pages[0].images}
    # the figures drawn for the sheet use the palette: immigrants educated abroad in #7570B3
    fig = "MA_2024_1yr_mpi/figures/outcomes_by_group_ma.png"
    styled_png = run.base / "styled" / "factsheets" / fig
    plain_png = run.base / "plain" / "factsheets" / fig
    with Image.open(styled_png) as a, Image.open(plain_png) as b:
        assert a.info["Author"] == ORG and "Author" not in b.info
        pa = np.asarray(a.convert("RGB")).reshape(-1, 3)
        pb = np.asarray(b.convert("RGB")).reshape(-1, 3)
    purple = np.array([0x75, 0x70, 0xB3])
    assert (pa == purple).all(axis=1).sum() > 10_000
    assert (pb == purple).all(axis=1).sum() == 0
    vermillion = np.array([0xD5, 0x5E, 0x00])  # the default colour of that group
    assert (pb == vermillion).all(axis=1).sum() > 10_000


def test_every_state_with_progress(run, capsys):
    paths = write_factsheets(
        run.tables, run.meta, ["VT", "WY"], run.base / "all", style.DEFAULT_HOUSE
    )
    assert [p.name for p in paths[::3]] == ["VT_2024_1yr_mpi.pdf", "WY_2024_1yr_mpi.pdf"]
    err = capsys.readouterr().err
    assert "fact sheet 1/2" in err and "fact sheet 2/2" in err
    # small states: unreliable estimates carry the caveat, and never a "1 in N"
    text = " ".join(_text(paths[3]).split())
    assert len(_reader(paths[3]).pages) <= 2
    for m in re.finditer(r"1 in \d+ \(([^)]*)\)", text):
        assert "unreliable" not in m[1]


def test_unknown_state_is_a_user_error(run):
    from brainwaste.errors import InputError

    with pytest.raises(InputError, match="no estimates for CA"):
        write_factsheet(run.tables, run.meta, "CA", run.base / "x")
    assert not (run.base / "x" / "factsheets").exists() or not list(
        (run.base / "x" / "factsheets").glob("*.pdf")
    )


def test_trend_chart_from_the_trend_tables(run, tmp_path):
    # what `brainwaste trend` leaves in DATA_DIR/processed: one table with every year
    est = run.tables["estimates"]
    (tmp_path / "processed").mkdir()
    pd.concat([est.assign(year=2022), est], ignore_index=True).to_parquet(
        tmp_path / "processed" / "trend_2022-2024_1yr.parquet"
    )
    all_years = years_available(tmp_path, "mpi", 1, synthetic=True)
    assert sorted(all_years["year"].unique()) == [2022, 2024]
    assert len(all_years) == 2 * len(est)
    assert years_available(tmp_path, "mpi", 1, synthetic=False) is None  # never mixed
    assert years_available(tmp_path, "broad", 1, synthetic=True) is None
    paths = write_factsheet(
        run.tables, run.meta, "MA", run.base / "trend", style.DEFAULT_HOUSE, all_years
    )
    md = paths[2].read_text(encoding="utf-8")
    assert "figures/underutilization_trend_ma.png" in md
    assert len(_reader(paths[0]).pages) <= 2
    # one year only: no trend
    assert "trend" not in run.plain[2].read_text(encoding="utf-8")


def test_report_writes_the_focus_states_fact_sheet(run, tmp_path):
    paths = report.write_focus_factsheet(run.tables, run.meta, tmp_path, tmp_path / "no-data")
    assert [p.name for p in paths][0] == "MA_2024_1yr_mpi.pdf"


def test_gallery_in_house_style_with_the_findings(run, tmp_path):
    from brainwaste import sentences
    from brainwaste.figures.catalog import provenance
    from brainwaste.figures.gallery import write_gallery

    found = [f.text for f in sentences.key_findings(run.tables["estimates"], "MA", True)]
    with style.using(run.base / "style.toml"):
        page = write_gallery([], run.meta, provenance(run.meta), tmp_path, [], found)
    text = page.read_text(encoding="utf-8")
    assert ORG in text and FOOTER in text and 'src="data:image/png;base64,' in text
    assert '<a href="#findings">Key findings</a>' in text
    assert html_escape(found[1]) in text
    (tmp_path / "p").mkdir()
    plain = write_gallery([], run.meta, provenance(run.meta), tmp_path / "p", [], found)
    assert ORG not in plain.read_text(encoding="utf-8")


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_python_interface(run, tmp_path):
    import brainwaste

    paths = brainwaste.factsheet(run.ds, state=["NY"], reports_dir=tmp_path, data_dir=tmp_path)
    assert [p.name for p in paths] == [
        "NY_2024_1yr_mpi.pdf", "NY_2024_1yr_mpi.html", "NY_2024_1yr_mpi.md",
    ]  # fmt: skip
    default = brainwaste.factsheet(run.ds, reports_dir=tmp_path, data_dir=tmp_path)
    assert default[0].name == "MA_2024_1yr_mpi.pdf"  # the focus state
