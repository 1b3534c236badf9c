"""Where the project is, and the public repository its launch links open.

The tooling is installed in editable mode from ``lib/``, so the project root is two folders
above this package; the repository is named once, in ``_config.yml``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["ROOT", "repository"]

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
