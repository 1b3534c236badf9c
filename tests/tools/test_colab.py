"""coursetools.colab: what the Colab set-up cell pins, and where it installs mlintro from.

The committed notebooks' cells are run as on Colab in tests/site/test_pairing.py; these check
the sources the cell is made from, in a copy of the project.
"""

from __future__ import annotations

import shutil

import pytest
from coursetools import colab
from coursetools.project import ROOT

PAGE = """\
---
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---
# A page

```{{code-cell}} ipython3
{code}
```
"""


@pytest.fixture
def project(tmp_path):
    """A copy of the project's configuration with one lesson page of our choosing."""
    for name in ("_config.yml", "pyproject.toml", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "book").mkdir()
    return tmp_path


def _page(project, code: str) -> None:
    (project / "book" / "lesson.md").write_text(PAGE.format(code=code), encoding="utf-8")


def test_requirement_pins_reads_exact_pins_only(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        "# a comment\nNumPy==2.0.1\njax[cpu]==0.4.1  # the cpu wheel\nscipy>=1\n-e .\n",
        encoding="utf-8",
    )
    assert colab.requirement_pins(tmp_path) == {"numpy": "2.0.1", "jax": "0.4.1"}


def test_lesson_imports_skip_magics_and_relative_imports(project):
    code = "%matplotlib inline\n!ls\nimport numpy as np\nfrom jax import numpy\nimport os.path"
    _page(project, code + "\nfrom . import sibling")
    assert colab.lesson_imports(project / "book") == {"numpy", "jax", "os"}


def test_pins_cover_mlintro_and_what_the_pages_import(project):
    _page(project, "import mlintro\nfrom myst_nb import glue")
    pins = colab.pins(project)
    required = colab.requirement_pins(project)
    assert list(pins)[:2] == ["numpy", "scipy"]  # mlintro's own dependencies come first
    assert {"jax", "jaxlib", "myst-nb"} <= set(pins)
    assert all(required[name] == version for name, version in pins.items())
    assert not set(colab.KERNEL) & set(pins)


def test_a_lesson_import_that_colab_would_lack_stops_the_pairing(project):
    _page(project, "import not_a_pinned_module")
    with pytest.raises(SystemExit, match="not_a_pinned_module"):
        colab.pins(project)


def test_setup_cell_installs_from_the_configured_repository(project):
    _page(project, "import mlintro")
    config = project / "_config.yml"
    text = config.read_text(encoding="utf-8")
    url = text.split("url:", 1)[1].split()[0]
    config.write_text(text.replace(url, "https://github.com/a-fork/course"), encoding="utf-8")
    cell = colab.setup_cell("otter-grader==7.0.0", root=project)
    assert '"mlintro @ git+https://github.com/a-fork/course@main", "otter-grader==7.0.0"' in (
        cell.source
    )
    assert "(and otter-grader==7.0.0)" in cell.source
    assert cell.metadata["tags"] == [colab.SETUP_TAG, "remove-cell"]
    compile(cell.source, "<colab-setup>", "exec")  # the template's braces came out right
