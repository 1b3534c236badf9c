"""The Sphinx extension that makes the site self-contained (`_ext/site_assets.py`), unit-tested.

The end-to-end checks are the browser tests: external requests, alt texts and axe-core on the
built pages, the explorer's slider and buttons. These tests pin the vendored file list and the
rewrite of Matplotlib's animation player.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jax
import pytest
import site_assets
from mlintro import data, plotting, sweep
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dest", sorted(site_assets.VENDORED))
def test_vendored_packages_are_pinned_in_the_lockfile(dest):
    src, _ = site_assets.VENDORED[dest]
    package = src.split("/dist")[0].split("/es5")[0]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    entry = lock["packages"].get(f"node_modules/{package}")
    assert entry is not None, f"{package} is not in package-lock.json"
    assert entry["version"] and entry["integrity"].startswith("sha512-")


@pytest.fixture(scope="module")
def player():
    """The lessons' animation player, Matplotlib's `to_jshtml` as the library returns it."""
    settings = sweep.grid(step_sizes=(0.001, 0.1))
    trials = sweep.train_all(jax.random.key(0), data.X, data.Y, settings, max_epochs=2)
    return plotting.animation_html(trials, data.X, data.Y)


def test_players_become_self_contained_and_labelled(player):
    assert "font-awesome" in player  # what the rewrite is for
    page = f"<p>before</p>{player}<p>between</p>{player}"
    html = site_assets.self_contained_players(page)
    assert "http" not in html  # nothing loaded from another host (no icon font, no CDN)
    assert 'class="fa' not in html
    alt = re.escape(site_assets.PLAYER_ALT)
    label = re.escape(site_assets.PLAYER_SLIDER_LABEL)
    assert len(re.findall(rf'<img id="_anim_img\w+" alt="{alt}">', html)) == 2
    assert (
        len(re.findall(rf'<input id="_anim_slider\w+" type="range" aria-label="{label}"', html))
        == 2
    )
    assert len(site_assets.PLAYER_ALT.split()) >= 3  # as the browser test asks of every image
    buttons = re.findall(r"<button[^>]*>\s*(.*?)</button>", html, flags=re.DOTALL)
    assert len(buttons) == 2 * len(site_assets.PLAYER_ICONS)
    assert all("aria-label" not in b and b.strip() for b in buttons)  # text symbols
    assert html.count("<button") == len(re.findall(r'<button title="[^"]+" aria-label=', html))
    assert site_assets.self_contained_players("<p>no player</p>") == "<p>no player</p>"


@pytest.mark.parametrize(
    "changed",
    [
        '<img class="frame" id="_anim_img1">',
        '<img id="_anim_img1" alt="a"><i class="fa fa-rocket"></i>',
        '<img id="_anim_img1" alt="a"><style>@import "https://cdn.example/font-awesome.css";</style>',
    ],
)
def test_a_changed_player_template_stops_the_build(changed):
    with pytest.raises(ExtensionError, match="animation player changed"):
        site_assets.self_contained_players(changed)


def test_the_rewrite_runs_on_every_page():
    connected = []

    class App:
        def connect(self, event, callback, priority=500):
            connected.append((event, callback))

    site_assets.setup(App())
    assert ("html-page-context", site_assets._self_contained_players) in connected
