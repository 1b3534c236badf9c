"""The Sphinx extension that makes the site self-contained (`_ext/site_assets.py`), unit-tested.

The end-to-end check is the browser test that counts external requests; these tests pin the
vendored file list.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("site_assets", ROOT / "_ext/site_assets.py")
assert _spec is not None and _spec.loader is not None
site_assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(site_assets)


@pytest.mark.parametrize("dest", sorted(site_assets.VENDORED))
def test_vendored_packages_are_pinned_in_the_lockfile(dest):
    src, _ = site_assets.VENDORED[dest]
    package = src.split("/dist")[0].split("/es5")[0]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    entry = lock["packages"].get(f"node_modules/{package}")
    assert entry is not None, f"{package} is not in package-lock.json"
    assert entry["version"] and entry["integrity"].startswith("sha512-")
