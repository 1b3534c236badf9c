"""Sphinx extension: the site serves its own front-end assets, with no CDN.

MathJax, require.js and the Jupyter widgets HTML manager come from the npm registry at build
time (`npm ci`, pinned in `package-lock.json`, installed into `node_modules/`, not committed);
this extension copies them into `_static/vendor/` of the HTML output, where `_config.yml`
points `mathjax_path` and `nb_ipywidgets_js`. Cell outputs that link a CDN themselves (the
Font Awesome 4 stylesheet of matplotlib's `to_jshtml` animations) are rewritten to the local
copy. A missing `node_modules/` stops the build with a message instead of publishing pages that
fetch their scripts from another host.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

__all__ = ["CDN_REWRITES", "VENDORED", "setup"]

#: Destination under `_static/vendor/` -> (source under `node_modules/`, glob patterns to copy).
VENDORED: dict[str, tuple[str, tuple[str, ...]]] = {
    "mathjax": ("mathjax/es5", ("**/*",)),
    "requirejs": ("requirejs", ("require.js",)),
    "html-manager": (
        "@jupyter-widgets/html-manager/dist",
        ("embed-amd.js", "*.woff", "*.woff2", "*.ttf", "*.eot", "*.svg"),
    ),
    "font-awesome": ("font-awesome", ("css/font-awesome.min.css", "fonts/*")),
}

#: CDN URLs found in cell outputs -> the local copy under `_static/`.
CDN_REWRITES: dict[re.Pattern[str], str] = {
    re.compile(
        r"https?://maxcdn\.bootstrapcdn\.com/font-awesome/[0-9.]+/css/font-awesome(\.min)?\.css"
    ): "_static/vendor/font-awesome/css/font-awesome.min.css",
}


def _node_modules(app: Sphinx) -> Path:
    return Path(app.srcdir) / "node_modules"


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


def _rewrite_cdn_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Point CDN links in a page body (cell outputs) at the vendored copies."""
    body = context.get("body")
    if not body:
        return
    for pattern, local in CDN_REWRITES.items():
        body = pattern.sub(context["pathto"](local, 1), body)
    context["body"] = body


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the build hooks."""
    app.connect("html-page-context", _rewrite_cdn_links)
    app.connect("builder-inited", _check_assets)
    app.connect("build-finished", _copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
