"""Where the project is, the public repository its launch links open, and its pages' order.

The tooling is installed in editable mode from ``lib/``, so the project root is two folders
above this package; the repository is named once, in ``_config.yml``, the order of the pages
in ``_toc.yml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["ROOT", "repository", "toc_files"]

ROOT = Path(__file__).resolve().parents[2]


def repository(root: Path = ROOT) -> tuple[str, str]:
    """Return the public repository's url and branch, as ``_config.yml`` names them.

    Parameters
    ----------
    root : Path
        The project root (the folder of ``_config.yml``).

    Returns
    -------
    tuple of str
        The url without a trailing slash, and the branch (``main`` unless named).

    Examples
    --------
    >>> url, branch = repository()
    >>> url.startswith("https://github.com/"), bool(branch)
    (True, True)
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return str(repo["url"]).rstrip("/"), str(repo.get("branch", "main"))


def toc_files(root: Path = ROOT) -> list[str]:
    """Return every page of ``_toc.yml`` in reading order, the root page first.

    Parameters
    ----------
    root : Path
        The project root (the folder of ``_toc.yml``).

    Returns
    -------
    list of str
        The ``file`` entries as written (paths from the root, usually without suffix), from
        the ``root`` page through its parts, chapters and sections, however deeply nested.

    Examples
    --------
    >>> files = toc_files()
    >>> files[0], "book/neural-network" in files
    ('book/index', True)
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entry: Any) -> list[str]:
        if isinstance(entry, list):
            return [f for item in entry for f in walk(item)]
        if not isinstance(entry, dict):
            return []
        own = [str(entry["file"])] if "file" in entry else []
        return own + [f for key in ("parts", "chapters", "sections") for f in walk(entry.get(key))]

    return [str(toc["root"]), *walk(toc)]
