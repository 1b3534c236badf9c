"""Sphinx extension: the site serves its own front-end assets, with no CDN.

MathJax, require.js and the Jupyter widgets HTML manager come from the npm registry at build
time (`npm ci`, pinned in `package-lock.json`, installed into `node_modules/`, not committed);
this extension copies them into `_static/vendor/` of the HTML output, where `_config.yml`
points `mathjax_path` and `nb_ipywidgets_js`. A missing `node_modules/` stops the build with a
message instead of publishing pages that fetch their scripts from another host.

Matplotlib's animation player (`to_jshtml`, as `mlintro.plotting.animation_html` makes it) loads
Font Awesome from a CDN for its button icons, and its frame image has no alternative text and
its slider no name (axe-core: image-alt and label, both critical). The extension rewrites each
player in the built pages: text symbols for the icons, an alt text for the frame and a label for
the slider. If Matplotlib's template changes so that the rewrite misses, the build stops; the
browser test that counts external requests catches any other CDN link.

It also removes the Colab launch button from the exercise pages (`exercises/...`): otter
refuses the notebook's in-notebook checks on Colab (otter-grader #901), and the hidden tests
that would make them work there must never reach a student, so those pages offer Binder
(and JupyterHub, when `_config.yml` names one) and the download only.

And it gives the bibliography's entries a role their list accepts: docutils writes a citation
list as ``role="list"`` holding ``role="doc-biblioentry"`` entries, a deprecated role that is
not a list item (axe-core: aria-required-children, critical).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

__all__ = ["NO_COLAB_PREFIXES", "VENDORED", "self_contained_players", "setup"]

#: Destination under `_static/vendor/` -> (source under `node_modules/`, glob patterns to copy).
VENDORED: dict[str, tuple[str, tuple[str, ...]]] = {
    "mathjax": ("mathjax/es5", ("**/*",)),
    "requirejs": ("requirejs", ("require.js",)),
    "html-manager": (
        "@jupyter-widgets/html-manager/dist",
        ("embed-amd.js", "*.woff", "*.woff2", "*.ttf", "*.eot", "*.svg"),
    ),
}


#: Pages (Sphinx docnames) under these folders get no Colab launch button.
NO_COLAB_PREFIXES: tuple[str, ...] = ("exercises/",)


def _node_modules(app: Sphinx) -> Path:
    return Path(app.srcdir) / "node_modules"


#: Loaded between require.js and the widgets manager (`nb_ipywidgets_js` in `_config.yml`).
#: 1. The manager finds its fonts next to its AMD module id, which require.js resolves from the
#:    page's folder: map that id to the vendored copy, wherever the page is.
#: 2. The manager typesets widget labels with the MathJax 2 call `MathJax.Hub.Queue`; the site
#:    loads MathJax 3, which has no `Hub`: provide that one call on top of MathJax 3.
WIDGETS_CONFIG_JS = """\
(function () {
  var here = document.currentScript.src;
  require.config({paths: {
    "@jupyter-widgets/html-manager/dist": new URL("html-manager", here).href
  }});
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {Queue: function () {
        if (mj.typesetPromise) { mj.typesetPromise(); }
      }};
    }
  });
})();
"""


#: The Font Awesome icons of Matplotlib's animation player -> the text symbol that replaces each.
PLAYER_ICONS = {
    "fa-minus": "\u2212",  # decrease speed
    "fa-fast-backward": "\u00ab",  # first frame
    "fa-step-backward": "\u2039",  # previous frame
    "fa-play fa-flip-horizontal": "\u25c0",  # play backwards
    "fa-pause": "\u275a\u275a",  # pause
    "fa-play": "\u25b6",  # play
    "fa-step-forward": "\u203a",  # next frame
    "fa-fast-forward": "\u00bb",  # last frame
    "fa-plus": "+",  # increase speed
}
#: One alternative text for every frame of every player (the page's text says what the frames
#: show; each frame's title, inside the image, names its own).
PLAYER_ALT = "The current frame of the animation; the slider below chooses the frame"
PLAYER_SLIDER_LABEL = "Animation frame"


def self_contained_players(html: str) -> str:
    """Make every Matplotlib animation player in ``html`` load nothing and be labelled.

    The buttons keep the names Matplotlib gives them (``aria-label``); their icons
    become text symbols hidden from screen readers.
    """
    if "_anim_img" not in html:
        return html
    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)
    for icon, symbol in PLAYER_ICONS.items():
        html = html.replace(
            f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{symbol}</span>'
        )
    html = re.sub(r'<img id="(_anim_img\w+)">', rf'<img id="\1" alt="{PLAYER_ALT}">', html)
    html = re.sub(
        r'(<input id="_anim_slider\w+" type="range")',
        rf'\1 aria-label="{PLAYER_SLIDER_LABEL}"',
        html,
    )
    frames_and_sliders = re.findall(r'<(?:img|input)\b[^>]*\bid="_anim_(?:img|slider)[^>]*>', html)
    unlabelled = [t for t in frames_and_sliders if not re.search(r'\s(?:alt|aria-label)="', t)]
    if unlabelled or "font-awesome" in html or 'class="fa ' in html:
        raise ExtensionError(
            "site_assets: Matplotlib's animation player changed; update self_contained_players"
        )
    return html


def _self_contained_players(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if context.get("body"):
        context["body"] = self_contained_players(context["body"])


def _check_assets(app: Sphinx) -> None:
    """Fail early when the npm packages are not installed."""
    if app.builder.format != "html":
        return
    missing = [src for src, _ in VENDORED.values() if not (_node_modules(app) / src).is_dir()]
    if missing:
        raise ExtensionError(
            f"site_assets: missing {', '.join(missing)} in node_modules/; run `npm ci` "
            "(`make vendor`) before building the book"
        )


def _copy_assets(app: Sphinx, exception: Exception | None) -> None:
    """Copy the vendored files into `_static/vendor/` of the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    vendor = Path(app.outdir) / "_static" / "vendor"
    for dest, (src, patterns) in VENDORED.items():
        root = _node_modules(app) / src
        for pattern in patterns:
            for path in root.glob(pattern):
                if path.is_file():
                    target = vendor / dest / path.relative_to(root)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
    (vendor / "widgets-config.js").write_text(WIDGETS_CONFIG_JS, encoding="utf-8")


def _drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keep one copy of each inline script (sphinx-thebe adds its settings twice)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    kept = []
    for js in scripts:
        name = str(getattr(js, "filename", js) or "")  # inline scripts: None or ""
        key = (name, str(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept


def _citations_as_list_items(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Make each entry of a ``role="list"`` citation list a ``role="listitem"``."""
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _drop_colab_button(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Remove the Colab entry of sphinx-book-theme's launch menu on the exercise pages."""
    if not pagename.startswith(NO_COLAB_PREFIXES):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"] = [b for b in group["buttons"] if b.get("text") != "Colab"]


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the build hooks."""
    # after sphinx-book-theme's add_launch_buttons (priority 501) has filled the menu
    app.connect("html-page-context", _drop_colab_button, priority=600)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _citations_as_list_items)
    app.connect("html-page-context", _self_contained_players)
    app.connect("builder-inited", _check_assets)
    app.connect("build-finished", _copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
