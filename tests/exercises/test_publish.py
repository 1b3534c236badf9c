"""The public repository gets the lessons and student notebooks, never a solution or hidden test.

`python -m exercises.publish build` writes the tree that the public repository named in
`_config.yml` holds, which is also what Binder (repo2docker), Colab and a JupyterHub
(nbgitpuller) fetch.
These tests build it into a temporary folder, check what it holds and that the secret scan
finds nothing in it, and that the scan does find solutions and hidden tests where they are
(the masters themselves, a student notebook with a solution pasted in, the issue's formulas).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from exercises import publish
from exercises.catalog import ROOT, STUDENT


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "public"
    publish.build(out)
    return out


@pytest.fixture(scope="module")
def markers() -> list:
    return publish.secret_markers()


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def test_the_tree_holds_what_binder_colab_and_the_site_need(published):
    for path in (
        "requirements.txt",
        "runtime.txt",
        "pyproject.toml",
        "README.md",
        "_config.yml",
        "_toc.yml",
        "lib/mlintro/__init__.py",
    ):
        assert (published / path).is_file(), path
    for page in _toc_files():
        sources = [published / f"{page}{suffix}" for suffix in (".md", ".ipynb")]
        assert any(s.is_file() for s in sources), f"the public tree cannot build {page}"
    for md in (ROOT / "book").glob("*.ipynb"):  # the lessons' launch targets
        assert (published / "book" / md.name).is_file(), md.name
    assert (published / "_config.yml").read_bytes() == (ROOT / "_config.yml").read_bytes()


def test_no_master_judge_test_or_submission_is_published(published):
    files = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert files, "nothing was published"
    for f in files:
        parts = Path(f).parts
        assert parts[0] not in {"tests", "benchmarks", ".github", ".ci"}, f
        if parts[0] == "exercises":
            assert parts[1] == "student" and f.endswith(".ipynb"), f
    assert publish.masters(), "no exercise master found: the scan would have nothing to find"
    for master in publish.masters():
        assert master.relative_to(ROOT).as_posix() not in files
    private = set(publish.private_files())
    assert private & {m.relative_to(ROOT).as_posix() for m in publish.masters()}
    assert not private & files


def test_a_student_notebook_has_no_master_beside_it(published):
    """In a Binder session the master was `../<name>/<name>.md` from the student notebook."""
    for notebook in (published / "exercises" / "student").glob("*.ipynb"):
        assert not (published / "exercises" / notebook.stem).exists(), notebook.stem
        assert sorted(p.name for p in (published / "exercises").iterdir()) == ["student"]


def test_the_published_tree_holds_no_secret(published, markers):
    findings = publish.scan(published, markers, publish.private_digests())
    assert findings == [], "\n".join(map(str, findings))


def test_markers_are_read_from_every_master(markers):
    sources = {m.source for m in markers}
    for master in publish.masters():
        rel = master.relative_to(ROOT).as_posix()
        parts = publish.split_master(master)
        assert parts.secret and parts.public, rel
        assert f"{rel} (solution or hidden test)" in sources, rel
    directives = {m.text for m in markers if m.kind == "directive"}
    assert {"# BEGIN SOLUTION", "# BEGIN TESTS", "# HIDDEN", "# BEGIN PROMPT"} <= directives


def test_the_scan_finds_a_solution_pasted_into_a_student_notebook(tmp_path, markers):
    """Each master's solutions and hidden tests, put into its student notebook, are found."""
    for master in publish.masters():
        student = STUDENT / f"{master.stem}.ipynb"
        if not student.exists():
            continue
        secret = sorted(publish.split_master(master).secret)
        nb = nbformat.read(student, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("\n".join(secret)))
        tree = tmp_path / master.stem
        tree.mkdir()
        nbformat.write(nb, tree / student.name)
        found = publish.scan(tree, markers, {})
        rel = master.relative_to(ROOT).as_posix()
        assert any(f.source.startswith(rel) for f in found), rel


def test_the_scan_finds_copies_of_private_files(tmp_path, markers):
    digests = publish.private_digests()
    for rel in publish.private_files():
        target = tmp_path / "copy" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, target)
    found = publish.scan(tmp_path / "copy", markers, digests)
    copies = {f.path for f in found if f.what == "a copy of the whole file"}
    assert copies == {r for r in publish.private_files() if (ROOT / r).stat().st_size}


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("def count(h):\n    return factorial(h) * 2**h\n", "the q3 formula in code"),
        ("n = math.factorial(H)\n", "factorial(H)"),
        ("There are $H!\\,2^H$ equivalent networks.\n", "the q3 answer in math"),
        ("print('H! 2^H =', 48)\n", "the take-away cell's print"),
        ('x = """ # BEGIN PROMPT\n', "an otter prompt directive"),
        ("    # BEGIN SOLUTION\n", "an otter solution directive"),
        ("# HIDDEN\ndef test_q1(): pass\n", "an otter hidden test"),
    ],
)
def test_the_scan_finds_the_issue_examples(tmp_path, markers, text, what):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])
    nbformat.write(nb, tmp_path / "leak.ipynb")
    (tmp_path / "leak.html").write_text(f"<pre>{text}</pre>", encoding="utf-8")
    for name in ("leak.ipynb", "leak.html"):
        assert publish.found_markers(tmp_path / name, markers), f"{what} not found in {name}"


def test_split_master_follows_otters_format(tmp_path):
    master = tmp_path / "demo.md"
    master.write_text(
        """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
Introduction the student reads.

```{raw-cell}
# BEGIN QUESTION
name: q1
```

```{raw-cell}
# BEGIN SOLUTION
```

```{code-cell} ipython3
def answer(x):
    \"\"\"What the student completes.\"\"\"
    # BEGIN SOLUTION
    return reference_formula_of_the_solution(x) + 1
    # END SOLUTION
kept = "a line the student sees"
hint = shown_line_replaced(x)  # SOLUTION
```

```{raw-cell}
# END SOLUTION
```

```{raw-cell}
# BEGIN TESTS
```

```{code-cell} ipython3
assert answer(1) is not None, "a public check"
```

```{code-cell} ipython3
# HIDDEN
assert answer(2) == reference_value_of_the_hidden_test(2)
```

```{raw-cell}
# END TESTS
```
""",
        encoding="utf-8",
    )
    parts = publish.split_master(master)
    assert "return reference_formula_of_the_solution(x) + 1" in parts.secret
    assert "hint = shown_line_replaced(x)" in parts.secret
    assert "assert answer(2) == reference_value_of_the_hidden_test(2)" in parts.secret
    assert 'kept = "a line the student sees"' in parts.public
    assert 'assert answer(1) is not None, "a public check"' in parts.public
    assert "Introduction the student reads." in parts.public
    assert not parts.secret & parts.public
    assert {"# BEGIN SOLUTION", "# HIDDEN", "# BEGIN TESTS"} <= parts.directives


def test_the_public_readme_is_for_students(published):
    readme = (published / "README.md").read_text(encoding="utf-8")
    for section in publish.README_SECTIONS:
        assert f"\n## {section}\n" in readme, section
    for private in ("## For instructors", "## Publishing", "make grade", "make exercises"):
        assert private not in readme, private


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_push_makes_the_public_repository_hold_the_tree(tmp_path, published):
    remote = tmp_path / "public.git"
    _git("init", "--quiet", "--bare", "--initial-branch", "main", str(remote), cwd=tmp_path)
    first = publish.push(published, str(remote), "main", tmp_path / "work")
    assert first
    clone = tmp_path / "clone"
    _git("clone", "--quiet", str(remote), str(clone), cwd=tmp_path)
    in_clone = {
        p.relative_to(clone).as_posix()
        for p in clone.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(clone).parts
    }
    in_tree = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert in_clone == in_tree
    assert _git("log", "-1", "--format=%s", cwd=clone).startswith("Publish ")
    # unchanged: no new commit; a file removed from the tree is removed from the repository
    assert publish.push(published, str(remote), "main", tmp_path / "work") == ""
    smaller = tmp_path / "smaller"
    shutil.copytree(published, smaller)
    (smaller / "runtime.txt").unlink()
    assert publish.push(smaller, str(remote), "main", tmp_path / "work")
    _git("pull", "--quiet", cwd=clone)
    assert not (clone / "runtime.txt").exists()


def test_push_refuses_a_tree_with_a_secret(tmp_path, published):
    leaky = tmp_path / "leaky"
    shutil.copytree(published, leaky)
    master = publish.masters()[0]
    shutil.copy(master, leaky / "book" / master.name)
    remote = tmp_path / "public.git"
    _git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    with pytest.raises(SystemExit, match="holds a secret"):
        publish.push(leaky, str(remote), "main", tmp_path / "work")
    assert _git("rev-list", "--all", cwd=remote) == ""


def test_the_launch_notebooks_are_valid_in_the_tree(published):
    for path in [*published.glob("book/*.ipynb"), *published.glob("exercises/student/*.ipynb")]:
        nb = json.loads(path.read_text(encoding="utf-8"))
        nbformat.validate(nbformat.from_dict(nb))
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path


def test_only_tracked_files_are_published_and_uncommitted_public_changes_are_named(tmp_path):
    repo = tmp_path / "repo"
    (repo / "book").mkdir(parents=True)
    (repo / "exercises").mkdir()
    for path in ["book/page.md", "book/old.md", "exercises/judge.py"]:
        (repo / path).write_text("committed\n", encoding="utf-8")
    _git("init", "--quiet", cwd=repo)
    _git("add", ".", cwd=repo)
    identity = ["-c", "user.name=t", "-c", "user.email=t@invalid"]
    _git(*identity, "commit", "--quiet", "-m", "start", cwd=repo)
    assert publish.uncommitted_public(repo) == []
    (repo / "book" / "page.md").write_text("changed\n", encoding="utf-8")
    (repo / "book" / "notes").mkdir()
    (repo / "book" / "notes" / "new.md").write_text("untracked\n", encoding="utf-8")
    (repo / "exercises" / "scratch.py").write_text("private, untracked\n", encoding="utf-8")
    _git("mv", "book/old.md", "book/renamed.md", cwd=repo)
    assert publish.project_files(repo) == ["book/page.md", "book/renamed.md", "exercises/judge.py"]
    assert publish.uncommitted_public(repo) == [
        "book/notes/new.md",
        "book/old.md",
        "book/page.md",
        "book/renamed.md",
    ]
