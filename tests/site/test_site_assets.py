"""The Sphinx extension that makes the site self-contained (`_ext/site_assets.py`), unit-tested.

The end-to-end check is the browser test that counts external requests; these tests pin the
pieces: the CDN rewrite, the labels added to `to_jshtml` animations, the vendored file list.
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

# What matplotlib's Animation.to_jshtml writes (abridged).
JSHTML = """<link rel="stylesheet"
href="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css">
<div class="animation">
  <img id="_anim_imgabc">
  <div class="anim-controls">
    <input id="_anim_sliderabc" type="range" class="anim-slider"
           name="points" min="0" max="1" step="1" value="0"
           oninput="animabc.set_frame(parseInt(this.value));">
  </div>
</div>"""


def _render(body: str, depth: int = 1) -> str:
    context = {"body": body, "pathto": lambda target, _: "../" * depth + target}
    site_assets._rewrite_cdn_links(None, "book/page", "page.html", context, None)
    return context["body"]


def test_cdn_stylesheet_is_rewritten_to_the_local_copy():
    html = _render(JSHTML, depth=1)
    assert "maxcdn" not in html and "https://" not in html
    assert 'href="../_static/vendor/font-awesome/css/font-awesome.min.css"' in html
    assert 'href="../../_static/vendor/font-awesome' in _render(JSHTML, depth=2)


def test_animation_frame_and_slider_get_accessible_names():
    html = _render(JSHTML)
    assert f'<img alt="{site_assets.ANIMATION_IMG_ALT}" id="_anim_imgabc">' in html
    assert f'aria-label="{site_assets.ANIMATION_SLIDER_LABEL}" id="_anim_sliderabc"' in html


def test_existing_names_are_kept():
    body = JSHTML.replace(
        '<img id="_anim_imgabc">', '<img alt="Fits for 1 to 5 neurons" id="_anim_imgabc">'
    )
    body = body.replace("<input id=", '<input aria-label="number of neurons" id=')
    html = _render(body)
    assert 'alt="Fits for 1 to 5 neurons"' in html and site_assets.ANIMATION_IMG_ALT not in html
    assert 'aria-label="number of neurons"' in html
    assert site_assets.ANIMATION_SLIDER_LABEL not in html


@pytest.mark.parametrize("dest", sorted(site_assets.VENDORED))
def test_vendored_packages_are_pinned_in_the_lockfile(dest):
    src, _ = site_assets.VENDORED[dest]
    package = src.split("/dist")[0].split("/es5")[0]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    entry = lock["packages"].get(f"node_modules/{package}")
    assert entry is not None, f"{package} is not in package-lock.json"
    assert entry["version"] and entry["integrity"].startswith("sha512-")
