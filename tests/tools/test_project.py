"""coursetools.project: the repository named in `_config.yml` and the page order of `_toc.yml`."""

from __future__ import annotations

from coursetools.project import repository, toc_files


def test_repository_strips_the_slash_and_defaults_to_main(tmp_path):
    (tmp_path / "_config.yml").write_text("repository: {url: https://github.com/o/r/}\n")
    assert repository(tmp_path) == ("https://github.com/o/r", "main")


def test_toc_files_reads_every_level_in_order(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nparts:\n"
        "  - caption: A\n    chapters:\n      - file: a\n        sections:\n          - file: a1\n"
        "      - url: https://example.org\n        title: not a page\n"
        "  - caption: B\n    chapters:\n      - file: b\n",
        encoding="utf-8",
    )
    assert toc_files(tmp_path) == ["index", "a", "a1", "b"]
