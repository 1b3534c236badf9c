"""The book build fails on a cell error or a Sphinx warning, and passes without them.

A tiny copy of the book (the real `_config.yml` and `book/index.md`, stubs for the other
lessons, one small generated page that imports `mlintro`) is built three times, side by
side, with the flags of `make book`: once as is (the control, which must pass), once with
a cell that raises, once with a broken cross-reference. A build that does not fail on
errors would publish pages with tracebacks in them.
"""

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from coursetools.project import toc_files
from mlintro import data

ROOT = Path(__file__).resolve().parents[2]
FLAGS = ["--all", "-W", "-n", "--keep-going"]  # as in the Makefile's JB_FLAGS
ERROR_MESSAGE = "injected failure for test_book_build"
BROKEN_LABEL = "no-such-label-for-test-book-build"
EXPECTED_OUTPUT = f"mean of Y {data.Y.mean():.6f}"

pytestmark = pytest.mark.slow

LABEL = re.compile(r"^\(([\w.:-]+)\)=\s*$", re.MULTILINE)  # MyST targets: (name)=

PAGE = """\
---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---
(tiny-page)=
# A tiny page

{extra_prose}

```{{code-cell}} ipython3
from mlintro import data

print(f"mean of Y {{data.Y.mean():.6f}}")
```
{extra_cell}
"""

FAILING_CELL = f"""
```{{code-cell}} ipython3
raise RuntimeError("{ERROR_MESSAGE}")
```
"""


def jupyter_book() -> list[str]:
    script = Path(sys.executable).parent / "jupyter-book"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def make_book(folder: Path, *, extra_prose: str = "", extra_cell: str = "") -> Path:
    """Write the tiny book into ``folder`` and return it."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    # keep the execution settings under test; drop the wiring of the vendored front-end
    # assets (they need node_modules/ and are tested with the built site)
    sphinx = config.get("sphinx", {})
    sphinx.pop("local_extensions", None)
    for key in ("mathjax_path", "nb_ipywidgets_js"):
        sphinx.get("config", {}).pop(key, None)
    (folder / "book").mkdir(parents=True)
    (folder / "_config.yml").write_text(yaml.safe_dump(config))
    if (ROOT / "_static").is_dir():  # favicon, page scripts: files the config names
        shutil.copytree(ROOT / "_static", folder / "_static")
    for bibfile in config.get("bibtex_bibfiles", []):  # the index cites the lecture
        shutil.copy(ROOT / bibfile, folder / bibfile)

    lessons = toc_files()[1:]  # the pages after the index
    labels = set()
    for lesson in lessons:  # stubs with the lessons' labels, so links from the index resolve
        path = (folder / lesson).with_suffix(".md")
        path.parent.mkdir(parents=True, exist_ok=True)
        source = (ROOT / lesson).with_suffix(".md")
        found = LABEL.findall(source.read_text()) if source.exists() else [path.stem]
        stub = [f"# {path.stem}\n\nStub.\n"]
        for label in dict.fromkeys(found):
            if label not in labels:
                stub.append(f"\n({label})=\n## {label}\n")
                labels.add(label)
        if source.exists() and "{bibliography}" in source.read_text():
            stub.append("\n```{bibliography}\n```\n")  # where the index's citations resolve
        path.write_text("".join(stub))
    lessons = [str(Path(f).with_suffix("")) for f in lessons]
    parts = [{"caption": "Lessons", "chapters": [{"file": "book/tiny"}]}]
    if lessons:
        parts.append({"caption": "Stubs", "chapters": [{"file": f} for f in lessons]})
    trimmed = {"format": "jb-book", "root": "book/index", "parts": parts}
    (folder / "_toc.yml").write_text(yaml.safe_dump(trimmed))
    (folder / "book" / "index.md").write_text((ROOT / "book" / "index.md").read_text())
    page = PAGE.format(extra_prose=extra_prose, extra_cell=extra_cell)
    (folder / "book" / "tiny.md").write_text(page)
    return folder


def build(book: Path) -> tuple[int, str, Path]:
    out = book.parent / f"{book.name}-out"
    proc = subprocess.run(
        [*jupyter_book(), "build", str(book), *FLAGS, "--path-output", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    html = out / "_build" / "html"
    reports = "".join(p.read_text() for p in sorted(html.glob("reports/**/*.log")))
    return proc.returncode, proc.stdout + proc.stderr + reports, html


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("books")
    books = {
        "control": make_book(root / "control"),
        "cell_error": make_book(root / "cell_error", extra_cell=FAILING_CELL),
        "broken_ref": make_book(
            root / "broken_ref", extra_prose=f"See {{ref}}`{BROKEN_LABEL}` for more."
        ),
    }
    with ThreadPoolExecutor(max_workers=len(books)) as pool:
        results = dict(zip(books, pool.map(build, books.values()), strict=True))
    return results


def test_control_book_builds_and_executes_its_cells(builds):
    returncode, log, html = builds["control"]
    assert returncode == 0, log[-3000:]
    page = (html / "book" / "tiny.html").read_text()
    assert EXPECTED_OUTPUT in page  # the cell ran, with the shared package
    assert (html / "index.html").exists()
    assert "Traceback" not in page


def test_a_failing_cell_fails_the_build(builds):
    returncode, log, _ = builds["cell_error"]
    assert returncode != 0
    assert "RuntimeError" in log
    assert ERROR_MESSAGE in log


def test_a_sphinx_warning_fails_the_build(builds):
    returncode, log, _ = builds["broken_ref"]
    assert returncode != 0
    assert BROKEN_LABEL in log
    assert "undefined label" in log or "reference target not found" in log
