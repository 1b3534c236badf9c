"""The landing page's path through the lessons follows `_toc.yml`, the one order of the course.

The README does not repeat the list; it points at the landing page. A page added to, removed
from or moved in `_toc.yml` without the landing page (or the other way round) fails here.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INDEX = ROOT / "book" / "index.md"
PATH_SECTION = "## The path through the lessons"


def _toc_files(caption: str) -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    (part,) = [p for p in toc["parts"] if p["caption"] == caption]
    return [chapter["file"] for chapter in part["chapters"]]


def _path_section() -> str:
    text = INDEX.read_text()
    start = text.index(PATH_SECTION) + len(PATH_SECTION)
    end = text.index("\n## ", start)
    return text[start:end]


def _label_of(page: str) -> str:
    """The page's MyST target, `(label)=`, which the landing page's {ref} roles name."""
    match = re.search(r"^\(([\w.:-]+)\)=\s*$", (ROOT / f"{page}.md").read_text(), re.MULTILINE)
    assert match, f"{page}.md has no (label)= target for the landing page to reference"
    return match.group(1)


def test_numbered_lessons_are_the_toc_lessons_in_order():
    section = _path_section()
    numbered = re.findall(r"^(\d+)\. \{ref\}`([\w.:-]+)`", section, re.MULTILINE)
    assert [int(n) for n, _ in numbered] == list(range(1, len(numbered) + 1))
    # the bibliography is a chapter of the toc but not a lesson on the path
    lessons = [page for page in _toc_files("Lessons") if not page.endswith("/references")]
    assert [label for _, label in numbered] == [_label_of(page) for page in lessons]


def test_the_exercises_are_named_in_toc_order():
    named = re.findall(r"\{doc\}`[^`<]*<(/[\w/.-]+)>`", _path_section())
    assert [path.lstrip("/") for path in named] == _toc_files("Exercises")
