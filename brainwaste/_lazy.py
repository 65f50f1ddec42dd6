"""Public names a package imports when first used (PEP 562), so that importing the package stays
cheap: a program using only part of it (a reader, the command line) does not import the rest."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_getattr(package: str, homes: dict[str, str], namespace: dict) -> Callable[[str], object]:
    """The module ``__getattr__`` of `package`: a name of `homes` is taken from its module (a
    relative name such as ``".api"``) when first asked for, and kept in `namespace` (the
    package's globals) so that the next use does not come here."""

    def __getattr__(name: str):
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    return __getattr__
