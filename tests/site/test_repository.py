"""The repository is named in one place, `_config.yml`, so a fork changes one line.

The launch links and the repository button are derived from it at build time, the Colab
set-up cell of the paired notebooks by `coursetools.colab` (whose sync test fails
until they are regenerated). No other file may spell the repository out; READMEs may show
example links.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
# generated from _config.yml by coursetools.pairing and exercises/build.py
DERIVED = ("_config.yml", "book/*.ipynb", "exercises/student/*.ipynb")


def test_repository_is_named_only_in_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    assert {"url", "branch", "path_to_book"} <= set(repo)
    org_repo = urlsplit(repo["url"]).path.strip("/")
    assert org_repo.count("/") == 1, repo["url"]
    excluded = [f":(exclude){pattern}" for pattern in (*DERIVED, "**/README.md", "README.md")]
    found = subprocess.run(
        ["git", "grep", "-l", "-F", org_repo, "--", ".", *excluded],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode in (0, 1), found.stderr  # 1: no match
    assert found.stdout.split() == [], f"{org_repo} is repeated outside _config.yml"
