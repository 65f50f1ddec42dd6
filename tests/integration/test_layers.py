"""The package's layers look down only: a module imports from its own layer or the ones below.

From the bottom: the base modules (errors, config, atomic, geography, _compiled, _lazy, the package version), then
acquire/ (transport, cache, manifest), pums/ (reading PUMS files into canonical records), method/
(definitions and classification), estimate/ (estimators), summaries.py and sentences.py
(reader-facing tables and sentences),
figures/ (charts, workbook, gallery), and on top everything that runs the job (report, cli,
notebooks, ...). A module of a lower layer that needs something from a higher one is a sign that
the thing belongs lower, or should be passed in (as the readers take their prefilter).
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

BASE = {
    "errors",
    "config",
    "atomic",
    "digest",
    "geography",
    "wording",
    "years",
    "_compiled",
    "_lazy",
}
LAYERS = ["base", "acquire", "pums", "method", "estimate", "summaries", "figures", "app"]


def layer(module: str) -> str:
    """The layer of a dotted module name inside the package ('brainwaste.pums.readers')."""
    parts = module.split(".")[1:]
    if not parts:
        return "app"  # the package's __init__ is the Python interface (only __version__ is base)
    if parts[0] in BASE:
        return "base"
    if parts[0] in ("acquire", "pums", "method", "estimate", "figures", "summaries"):
        return parts[0]
    if parts[0] == "sentences":  # quotable sentences from the tables, read by the gallery
        return "summaries"
    return "app"


def module_name(path, root=ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path, root=ROOT) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) of every import in a file, function-level ones too."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target, [a.name for a in node.names]))
    return out


def violations(root=ROOT) -> list[str]:
    """Every import of a module from a layer above its own, in the package below `root`."""
    found = []
    for path in sorted((root / "brainwaste").rglob("*.py")):
        me = module_name(path, root)
        mine = LAYERS.index(layer(me))
        for line, target, names in imports(path, root):
            if not (target == "brainwaste" or target.startswith("brainwaste.")):
                continue
            if target == "brainwaste" and names and set(names) <= {"__version__"}:
                continue  # the version string, defined first in the package's __init__
            # `from brainwaste import x`: x is a module of the package
            targets = [f"brainwaste.{n}" for n in names] if target == "brainwaste" else [target]
            for t in targets:
                if LAYERS.index(layer(t)) > mine:
                    found.append(
                        f"{path.relative_to(root)}:{line} ({layer(me)}) imports {t} ({layer(t)})"
                    )
    return found


def test_layers_look_down_only():
    assert violations() == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The walk resolves relative imports, also inside functions."""
    fake = tmp_path / "brainwaste" / "pums"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "bad.py").write_text(
        "from ..errors import InputError\n"
        "def f():\n    from ..figures.charts import GROUPS\n    from .. import __version__\n"
    )
    assert (
        layer("brainwaste.pums.bad") == "pums" and layer("brainwaste.figures.charts") == "figures"
    )
    assert imports(fake / "bad.py", tmp_path) == [
        (1, "brainwaste.errors", ["InputError"]),
        (3, "brainwaste.figures.charts", ["GROUPS"]),
        (4, "brainwaste", ["__version__"]),
    ]


def test_the_check_fails_on_an_upward_import(tmp_path):
    """Modules that look down pass; a reader importing a chart constant, summaries importing
    from figures, and the package's interface imported by acquire/ are each reported."""
    package = tmp_path / "brainwaste"
    for folder in ("pums", "acquire", "figures"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("__version__ = '0'\n")
    (package / "pums" / "fine.py").write_text(
        "from .. import __version__\nfrom ..acquire import cache\nfrom .readers import x\n"
    )
    assert violations(tmp_path) == []
    (package / "pums" / "bad.py").write_text("def f():\n    from ..figures.charts import GROUPS\n")
    (package / "summaries.py").write_text("from brainwaste.figures import style\n")
    (package / "acquire" / "api.py").write_text("from brainwaste import load\n")
    assert violations(tmp_path) == [
        "brainwaste/acquire/api.py:1 (acquire) imports brainwaste.load (app)",
        "brainwaste/pums/bad.py:2 (pums) imports brainwaste.figures.charts (figures)",
        "brainwaste/summaries.py:1 (summaries) imports brainwaste.figures (figures)",
    ]
