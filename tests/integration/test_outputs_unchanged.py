"""Every estimates table, figure CSV and workbook sheet is what the code gave before a change.

Each case of scripts/compare_outputs.py (reports on the synthetic sample for all states and for
MA under the broad profile, reports on the official 2018 Vermont and New Hampshire files,
estimates on the official 2024 Massachusetts and New York column subsets, and a synthetic trend
run twice so that the second run reads back the kept years) is run with this checkout in a fresh
process, and the SHA-256 of each CSV it writes and of each workbook sheet (as CSV cell values) is
compared with tests/fixtures/output_digests.txt. Refactoring, speed work and caching must leave
every one of them byte for byte the same.

How the digests were made: from `git archive 61e714c` (main after the layering, one-copy-of-each-
rule and test-layout work) in a scratch folder,

    PYTHONPATH=/tmp/src_61e714c .venv/bin/python scripts/compare_outputs.py write /tmp/out
    .venv/bin/python scripts/compare_outputs.py digests /tmp/out > tests/fixtures/output_digests.txt

and the same outputs were compared (`compare_outputs.py compare`) with those of e2d2a72, the last
commit before that consolidation began: all tables and figure CSVs of every case and every
workbook sheet but README are identical; the README sheet differs in two sentences reworded on
purpose (the one reliability sentence, the one SYNTHETIC mark), not in any number. Earlier
commits are no baseline: the employment-weighted skill tiers changed the U.S.-born rates on
purpose.

When numbers change ON PURPOSE (a definition, a corrected rule, a new column), regenerate the file
with the changed code as above and say in the commit message which outputs changed and why. A
speed or tidiness change never regenerates it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, load_script, official_folder

compare_outputs = load_script("scripts/compare_outputs.py")

REGENERATE = (
    "\nIf this change is meant to change these outputs, regenerate tests/fixtures/"
    "output_digests.txt as tests/integration/test_outputs_unchanged.py says and tell why."
)


@pytest.mark.parametrize(
    ("name", "needs"),
    [(case, needs) for case, _, needs in compare_outputs.CASES],
    ids=[case for case, _, _ in compare_outputs.CASES],
)
def test_outputs_are_the_digested_ones(name, needs, tmp_path):
    shared = official_folder([needs]) if needs else tmp_path  # skips when the file is not here
    # the package's own settings only: no house style, data folder or server from the caller
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRAINWASTE_")}
    env |= {"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    if "BRAINWASTE_NO_NUMBA" in os.environ:
        env["BRAINWASTE_NO_NUMBA"] = os.environ["BRAINWASTE_NO_NUMBA"]
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compare_outputs.py"), "write", str(out)]
        + ["--case", name, "--shared", str(shared)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"{name}: " in run.stdout and "kept" in run.stdout, run.stdout[-2000:]
    expected = compare_outputs.read_digests(compare_outputs.DIGESTS)
    assert any(key.startswith(f"{name}/") for key in expected), f"no digests for {name}"
    problems = compare_outputs.check(expected, out)
    assert problems == [], "\n".join(problems) + REGENERATE
