"""coursetools.notebooks: what makes a committed notebook reproducible byte for byte."""

from __future__ import annotations

import json

import nbformat
import pytest
from coursetools.notebooks import (
    clear_outputs,
    is_notebook,
    notebook_pages,
    notebook_text,
    number_cells,
    read_page,
    source_lines,
    write_notebook,
)

PAGE = """\
---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# A page

```{code-cell} ipython3
:tags: [hide-input]
x = 1
```
"""


@pytest.fixture
def page(tmp_path):
    md = tmp_path / "page.md"
    md.write_text(PAGE, encoding="utf-8")
    return md


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PAGE, True),
        ("# Prose only\n", False),
        ("---\ntitle: no kernel\n---\n# Prose\n", False),
        # a page that mentions a kernelspec in its text, not in its front matter
        ("---\ntitle: t\n---\nkernelspec\n", False),
        ("---\n- a list, not a mapping\n---\n", False),
    ],
)
def test_is_notebook_reads_the_front_matter(tmp_path, text, expected):
    md = tmp_path / "x.md"
    md.write_text(text, encoding="utf-8")
    assert is_notebook(md) is expected


def test_notebook_pages_leaves_out_prose_and_other_files(tmp_path, page):
    (tmp_path / "prose.md").write_text("# Prose\n", encoding="utf-8")
    (tmp_path / "page.ipynb").write_text("{}", encoding="utf-8")
    assert notebook_pages(tmp_path) == [page]


def test_read_page_keeps_cells_and_drops_jupytexts_metadata(page):
    nb = read_page(page)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert nb.cells[1].source == "x = 1"
    assert nb.cells[1].metadata == {"tags": ["hide-input"]}
    assert "jupytext" not in nb.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_numbered_ids_are_stable_and_valid(page):
    first, second = read_page(page), read_page(page)
    assert first.cells[0].id != second.cells[0].id  # jupytext's own ids are random
    number_cells(first, page.stem)
    number_cells(second, page.stem)
    assert [c.id for c in first.cells] == [c.id for c in second.cells] == ["page-000", "page-001"]
    clear_outputs(first)
    nbformat.validate(first)
    assert notebook_text(first) == notebook_text(second)


def test_clear_outputs_leaves_markdown_alone():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "# t"},
            {"cell_type": "code", "outputs": [{"output_type": "stream"}], "execution_count": 7},
        ]
    }
    clear_outputs(nb)
    assert nb["cells"][0] == {"cell_type": "markdown", "source": "# t"}
    assert nb["cells"][1]["outputs"] == [] and nb["cells"][1]["execution_count"] is None


def test_source_lines_round_trips_and_copies():
    cell = {"cell_type": "code", "source": "a\nb\n"}
    lines = source_lines(cell)
    assert lines["source"] == ["a\n", "b\n"] and cell["source"] == "a\nb\n"
    assert "".join(source_lines(lines)["source"]) == cell["source"]


def test_notebook_text_is_sorted_unescaped_json_with_a_final_newline():
    text = notebook_text({"metadata": {}, "cells": [{"source": "é"}]})
    assert text.endswith("}\n") and "é" in text
    assert text.index('"cells"') < text.index('"metadata"')
    assert json.loads(text) == {"metadata": {}, "cells": [{"source": "é"}]}


def test_write_notebook_writes_only_changes(tmp_path):
    path = tmp_path / "nb.ipynb"
    assert write_notebook({"cells": []}, path)
    mtime = path.stat().st_mtime_ns
    assert not write_notebook({"cells": []}, path)
    assert path.stat().st_mtime_ns == mtime
    assert write_notebook({"cells": [{"source": "x"}]}, path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"cells": [{"source": "x"}]}
