"""Publish the public part of the course: what the site, Binder, Colab and a JupyterHub use.

This repository is the instructor's: it holds the exercise masters with their reference
solutions and hidden tests, the grading code and the prepared submissions. Students reach
only the public repository named in `_config.yml` (`repository.url`): every launch link and
the site's repository button point there. This module writes that repository's content and
pushes it.

    python -m exercises.publish build [--out _build/publish]   # `make publish`
    python -m exercises.publish check DIR [DIR ...]             # scan trees for secrets
    python -m exercises.publish push [--tree _build/publish] [--remote URL] [--workdir DIR]

`build` copies the files git tracks in an allowlist (`PUBLIC`): anything not named there stays
private, so a new private file needs no rule. It writes a short public README.md from sections
of this one, then scans the tree and fails if it finds a secret. `check` runs the same scan on
any folder (the built site, a Binder tree). `push` clones the public repository (or
`--remote`), replaces its files with the published tree, commits "Publish <commit> of the
instructor repository" and pushes; nothing is committed when the tree is unchanged. It refuses
while a public path has changes not committed, untracked files included, so that the commit
named is what is published.

What counts as a secret (`secret_markers`) is read from the private files themselves:

- otter's directives (`# BEGIN SOLUTION`, `# BEGIN TESTS`, `# HIDDEN`, `\"\"\" # BEGIN PROMPT`,
  ...), the ones the masters use plus otter's documented set;
- in each master (a MyST notebook under `exercises/` with otter's `# BEGIN QUESTION` cells):
  the lines of its reference solutions (inside `# BEGIN SOLUTION` ... `# END SOLUTION`, lines
  ending in `# SOLUTION`, Markdown answer cells) and of its hidden tests (`# HIDDEN` cells);
- the lines of every other private file of the exercises (the judge, its reference code) and
  of the prepared submissions (`tests/exercises/submissions/`), minus lines that the other published
  files (lessons, `lib/`) also hold;
- minus, for all of these, the lines the masters' public parts hold (prompts, public checks),
  which reach students by design;
- the answer formulas named in the grading issue (`ANSWER_PATTERNS`), in any notation.

Only lines long enough to be distinctive count (`MIN_MARKER_CHARS`). A file of the tree also
fails the check when it is a byte-for-byte copy of a private file.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from coursetools.notebooks import is_notebook
from coursetools.project import repository

from exercises.catalog import ROOT

DEFAULT_OUT = ROOT / "_build" / "publish"

#: What the public repository holds (files, or folders copied whole). Everything else, the
#: exercise masters (`exercises/<name>/`), the judge, grading scripts and their tests,
#: `tests/` and `benchmarks/`, stays in this repository.
PUBLIC: tuple[str, ...] = (
    # the lessons (MyST pages and the paired notebooks the launch links open)
    "book",
    # the student notebooks of the exercises (no solutions, no hidden tests)
    "exercises/student",
    # the course package, installed by requirements.txt's `-e .`
    "lib",
    "pyproject.toml",
    # Binder (repo2docker) and a JupyterHub image install these
    "requirements.txt",
    "runtime.txt",
    # the site: `make book` builds it from the public repository too
    "_config.yml",
    "_toc.yml",
    "_ext",
    "_static",
    "package.json",
    "package-lock.json",
    "Makefile",
    "mk/site.mk",
    "requirements-dev.txt",
    ".gitignore",
)
#: Sections of this README.md copied into the public one, in this order.
README_SECTIONS: tuple[str, ...] = ("For students", "Where students work")
PUBLIC_README_NOTE = """\
This repository is published from the course team's own repository by `make publish`
(changes made here are overwritten by the next publication). It holds the lessons, the shared
package `mlintro`, the student notebooks of the exercises and the environment that Binder,
Colab and a JupyterHub use; `make book` builds the site from it."""

#: otter-grader's assign-format directives (https://otter-grader.readthedocs.io, "Creating
#: Assignments"); the directives the masters use are added to these.
OTTER_DIRECTIVES: tuple[str, ...] = (
    "# ASSIGNMENT CONFIG",
    "# BEGIN QUESTION",
    "# END QUESTION",
    "# BEGIN SOLUTION",
    "# END SOLUTION",
    "# BEGIN TESTS",
    "# END TESTS",
    "# BEGIN PROMPT",
    "# END PROMPT",
    "# HIDDEN",
)
#: The answer formulas the grading issue found in public files, in code and in math notation
#: (H! 2^H equivalent parameter sets); the derived markers cover the rest of the masters.
ANSWER_PATTERNS: tuple[str, ...] = (
    r"factorial\(\s*\w+\s*\)\s*\*\s*2\s*\*\*\s*\w+",
    r"factorial\(\s*H\s*\)",
    r"\bH\s*!\s*(\\[,;:!]|\\cdot|\\times|[*·\u00d7\u22c5])?\s*2\s*\^\s*\{?\s*H\b",
)
#: Shorter lines (`return x`, `assert ok`) are too common to mean a leak.
MIN_MARKER_CHARS = 20
#: A marker this long is looked for inside lines too, not only as a whole line.
LONG_MARKER_CHARS = 40
#: Private files whose lines are markers (besides the masters): the exercises' own code and
#: documents, and the prepared submissions.
PRIVATE_SOURCES: tuple[str, ...] = ("exercises", "tests/exercises/submissions")
TEXT_SUFFIXES = {".py", ".md", ".txt", ".json", ".yml", ".yaml", ".toml", ".cfg", ".ipynb"}
_BORING_LINE = re.compile(r"^(import |from \S+ import |#|@|\"\"\"|'''|[\W_]*$)")


# ---------------------------------------------------------------------------- the tree


def project_files(root: Path = ROOT) -> list[str]:
    """Files git tracks that exist in the working tree (their working-tree content)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached"],
        cwd=root,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return sorted({f for f in out.split("\0") if f and (root / f).is_file()})


def is_public(path: str) -> bool:
    """Whether a repository path is in the published tree (`PUBLIC`)."""
    parts = PurePosixPath(path).parts
    return any(parts[: len(PurePosixPath(p).parts)] == PurePosixPath(p).parts for p in PUBLIC)


def _sections(markdown: str) -> dict[str, str]:
    """Level-2 sections of a Markdown text, by title (each with its heading)."""
    found: dict[str, str] = {}
    for block in re.split(r"(?m)^(?=## )", markdown):
        if block.startswith("## "):
            found[block.splitlines()[0][3:].strip()] = block.rstrip() + "\n"
    return found


def public_readme(root: Path = ROOT) -> str:
    """Return the public README: this README's title and introduction, a note, `README_SECTIONS`."""
    text = (root / "README.md").read_text(encoding="utf-8")
    intro = re.split(r"(?m)^## ", text, maxsplit=1)[0].rstrip()
    sections = _sections(text)
    missing = [s for s in README_SECTIONS if s not in sections]
    if missing:
        raise SystemExit(f"README.md has no section {missing} for the public README")
    body = "\n".join(sections[s] for s in README_SECTIONS)
    return f"{intro}\n\n{PUBLIC_README_NOTE}\n\n{body}"


def build(out: Path, root: Path = ROOT) -> list[str]:
    """Write the public tree to `out` (emptied first); return its files."""
    if out.resolve() == root.resolve() or root.resolve().is_relative_to(out.resolve()):
        raise SystemExit(f"refusing to empty {out}: it contains the repository")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    written = []
    for path in project_files(root):
        if is_public(path):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / path, target)
            written.append(path)
    missing = [p for p in PUBLIC if not (out / p).exists()]
    if missing:
        raise SystemExit(f"nothing to publish for {missing}: is PUBLIC out of date?")
    (out / "README.md").write_text(public_readme(root), encoding="utf-8")
    written.append("README.md")
    return sorted(written)


# ------------------------------------------------------------------------ the markers


@dataclass(frozen=True)
class Marker:
    """Something only private files hold: a line of code or text, a directive, a pattern."""

    text: str  # whitespace-normalised; a regular expression when kind == "pattern"
    source: str  # where it comes from, for the report
    kind: str = "line"  # "line", "directive" (found inside any line) or "pattern"

    def found_in(self, lines: set[str], text: str) -> bool:
        """Whether a file with these normalised `lines` (and all of them, joined) holds it.

        A line marker must be a whole line, or, when long enough to be unmistakable
        (`LONG_MARKER_CHARS`), anywhere in the text (prose rewrapped by the site's HTML).
        """
        if self.kind == "pattern":
            return re.search(self.text, text) is not None
        if self.kind == "directive":
            return self.text in text
        return self.text in lines or (len(self.text) >= LONG_MARKER_CHARS and self.text in text)


def normalise(text: str) -> str:
    """Collapse every run of whitespace into one space."""
    return " ".join(text.split())


def _distinctive(line: str) -> bool:
    return len(line) >= MIN_MARKER_CHARS and not _BORING_LINE.match(line)


@dataclass
class MasterParts:
    """The lines of one otter master: those students may see and those they must not."""

    public: set[str]
    secret: set[str]
    directives: set[str]


def _directive(line: str) -> str | None:
    match = re.fullmatch(r'\s*(?:""" )?(# (?:BEGIN|END) [A-Z][A-Z ]*[A-Z]|# HIDDEN)\b.*', line)
    return match[1] if match else None


def split_master(path: Path) -> MasterParts:
    """Sort a master's lines into public and secret, following otter's assign format."""
    import jupytext

    notebook = jupytext.read(path, fmt="md:myst")
    parts = MasterParts(set(), set(), set())
    region = None  # "solution" or "tests" between the raw cells that open and close them
    for cell in notebook.cells:
        lines = cell.source.splitlines()
        if cell.cell_type == "raw":
            first = lines[0].strip() if lines else ""
            if directive := _directive(first):
                parts.directives.add(directive)
                if directive in ("# BEGIN SOLUTION", "# BEGIN TESTS"):
                    region = directive.split()[-1].lower()
                elif directive in ("# END SOLUTION", "# END TESTS"):
                    region = None
            continue
        if cell.cell_type == "markdown":
            (parts.secret if region == "solution" else parts.public).update(map(normalise, lines))
            continue
        if region == "tests" and lines and lines[0].strip().startswith("# HIDDEN"):
            parts.directives.add("# HIDDEN")
            parts.secret.update(normalise(line) for line in lines[1:])
            continue
        inside = False
        for line in lines:
            if directive := _directive(line):
                parts.directives.add(directive)
                if directive == "# BEGIN SOLUTION":
                    inside = True
                elif directive == "# END SOLUTION":
                    inside = False
                continue
            if inside or re.search(r"#\s*SOLUTION\s*$", line):
                parts.secret.add(normalise(re.sub(r"#\s*SOLUTION\s*$", "", line)))
            else:
                parts.public.add(normalise(line))
    return parts


def _is_master(path: Path) -> bool:
    return path.suffix == ".md" and path.is_file() and is_notebook(path)


def masters(root: Path = ROOT) -> list[Path]:
    """Return the otter masters: MyST notebooks under exercises/ with `# BEGIN QUESTION` cells."""
    return [
        root / f
        for f in project_files(root)
        if f.startswith("exercises/")
        and not is_public(f)
        and _is_master(root / f)
        and "# BEGIN QUESTION" in (root / f).read_text(encoding="utf-8")
    ]


def private_files(root: Path = ROOT) -> list[str]:
    """Files under `PRIVATE_SOURCES` that are not published."""
    return [
        f
        for f in project_files(root)
        if any(f.startswith(f"{s}/") for s in PRIVATE_SOURCES) and not is_public(f)
    ]


def _file_lines(path: Path) -> Iterator[str]:
    """Yield the lines of a text file (of every string in a JSON file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return
    if path.suffix in {".ipynb", ".json"}:
        try:
            strings: Iterable[str] = _json_strings(json.loads(text))
        except json.JSONDecodeError:
            strings = [text]
        text = "\n".join(strings)
    yield from (normalise(line) for line in text.splitlines())


def secret_markers(root: Path = ROOT) -> list[Marker]:
    """Every marker of a secret, read from the private files of `root` (see the module doc)."""
    all_masters = masters(root)
    master_public: set[str] = set()  # what students see of the masters
    published: set[str] = set()  # lines of the other published files (lessons, lib, ...)
    secret: dict[str, str] = {}
    directives = set(OTTER_DIRECTIVES)
    for master in all_masters:
        parts = split_master(master)
        master_public |= parts.public
        directives |= parts.directives
        rel = master.relative_to(root).as_posix()
        for line in parts.secret:
            secret.setdefault(line, f"{rel} (solution or hidden test)")
    library: set[str] = set()  # lines of lib/, the package students are meant to use
    for f in project_files(root):
        if is_public(f) and not f.startswith("exercises/"):
            lines = set(_file_lines(root / f))
            published |= lines
            if f.startswith("lib/"):
                library |= lines
    # the public README, which `build` writes (its note is this module's own text)
    published |= {normalise(line) for line in public_readme(root).splitlines()}
    # A solution line that lib/ also holds (`(w0, b0), (w1, b1) = params`) is an idiom of the
    # package, not a secret; one that a lesson or a README shows still counts as a leak. A
    # line of the grading code that repeats any published file (the judge reusing mlintro,
    # argparse boilerplate) does not count.
    master_paths = {m.relative_to(root).as_posix() for m in all_masters}
    for f in private_files(root):
        if f not in master_paths and Path(f).suffix in TEXT_SUFFIXES:
            for line in _file_lines(root / f):
                if line not in published:
                    secret.setdefault(line, f)
    markers = [Marker(normalise(d), "otter directive", "directive") for d in sorted(directives)]
    markers += [
        Marker(line, source)
        for line, source in sorted(secret.items())
        if _distinctive(line) and line not in master_public and line not in library
    ]
    markers += [Marker(p, "answer formula (grading issue)", "pattern") for p in ANSWER_PATTERNS]
    return markers


def private_digests(root: Path = ROOT) -> dict[str, str]:
    """SHA-256 of each private file's bytes -> its path."""
    return {
        hashlib.sha256((root / f).read_bytes()).hexdigest(): f
        for f in private_files(root)
        if (root / f).stat().st_size > 0
    }


# --------------------------------------------------------------------------- the scan


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def searchable_texts(path: Path) -> list[str]:
    """Return the forms of a file a marker is looked for in (not yet normalised).

    The raw text; for HTML also the text without tags and entities (highlighted code is
    split into spans); for JSON and notebooks every string value, unescaped.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    texts = [raw]
    if path.suffix in {".html", ".htm", ".xml", ".svg"}:
        texts.append(html.unescape(re.sub(r"<[^>]*>", "", raw)))
        texts.append(html.unescape(raw))
    if path.suffix in {".ipynb", ".json"}:
        try:
            texts.append("\n".join(_json_strings(json.loads(raw))))
        except json.JSONDecodeError:
            pass
    return texts


def found_markers(path: Path, markers: list[Marker]) -> list[Marker]:
    """Return the markers that the file at `path` holds, in any of its searchable forms."""
    found = []
    texts = searchable_texts(path)
    forms = [({normalise(line) for line in t.splitlines()}, normalise(t)) for t in texts]
    for marker in markers:
        if any(marker.found_in(lines, text) for lines, text in forms):
            found.append(marker)
    return found


@dataclass(frozen=True)
class Finding:
    """A secret found in a scanned tree."""

    path: str
    what: str
    source: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what!r} (from {self.source})"


def scan(tree: Path, markers: list[Marker], digests: dict[str, str]) -> list[Finding]:
    """Every marker found in the files of `tree`, and every copy of a private file."""
    findings = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = path.relative_to(tree).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in digests:
            findings.append(Finding(rel, "a copy of the whole file", digests[digest]))
        for marker in found_markers(path, markers):
            findings.append(Finding(rel, marker.text, marker.source))
    return findings


def check(trees: list[Path], root: Path = ROOT) -> int:
    """Scan each tree; print what was found; 1 if anything was."""
    markers, digests = secret_markers(root), private_digests(root)
    found = False
    for tree in trees:
        if not tree.is_dir():
            print(f"FAIL {tree}: no such folder", file=sys.stderr)
            found = True
            continue
        findings = scan(tree, markers, digests)
        n_files = sum(1 for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)
        for finding in findings:
            print(f"SECRET {tree}/{finding}", file=sys.stderr)
        status = "FAIL" if findings else "ok"
        print(f"{status:4} {tree}: {n_files} files, {len(markers)} markers, {len(findings)} found")
        found |= bool(findings) or n_files == 0
    return 1 if found else 0


# --------------------------------------------------------------------------- the push


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def source_commit(root: Path = ROOT) -> str:
    """Return this repository's commit, with `-dirty` when the working tree has changes."""
    commit = _git("rev-parse", "--short=12", "HEAD", cwd=root)
    dirty = _git("status", "--porcelain", "--untracked-files=no", cwd=root)
    return f"{commit}-dirty" if dirty else commit


def uncommitted_public(root: Path = ROOT) -> list[str]:
    """Public paths (`PUBLIC`) with changes not committed, untracked files included."""
    out = subprocess.run(  # not _git: stripping would cut the status of the first entry
        ["git", "status", "--porcelain", "-z", "--untracked-files=all"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fields = iter(out.split("\0"))
    paths = []
    for entry in fields:
        if not entry:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":  # a rename or copy: its source path follows
            paths.append(next(fields, ""))
    return sorted({p for p in paths if p and is_public(p)})


def push(tree: Path, remote: str, branch: str, workdir: Path, root: Path = ROOT) -> str:
    """Make `branch` of `remote` hold exactly `tree`; return the pushed commit (or "")."""
    if check([tree], root) != 0:
        raise SystemExit(f"not pushing: {tree} holds a secret (see above)")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.parent.mkdir(parents=True, exist_ok=True)
    cloned = subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", "--branch", branch, remote, str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if cloned.returncode != 0:  # an empty repository, or no such branch yet
        if "not found in upstream" not in cloned.stderr and "empty repository" not in (
            cloned.stderr
        ):
            raise SystemExit(f"cannot clone {remote}: {cloned.stderr.strip()}")
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        _git("init", "--quiet", "--initial-branch", branch, cwd=workdir)
        _git("remote", "add", "origin", remote, cwd=workdir)
    for child in workdir.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(tree, workdir, dirs_exist_ok=True)
    _git("add", "--all", cwd=workdir)
    if not _git("status", "--porcelain", cwd=workdir):
        print(f"{remote} {branch} already holds this tree: nothing to push")
        return ""
    identity = ["-c", "user.name=course publisher", "-c", "user.email=publisher@invalid"]
    message = f"Publish {source_commit(root)} of the instructor repository"
    _git(*identity, "commit", "--quiet", "-m", message, cwd=workdir)
    _git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", cwd=workdir)
    pushed = _git("rev-parse", "HEAD", cwd=workdir)
    print(f"pushed {pushed[:12]} to {remote} {branch}: {message}")
    return pushed


# ---------------------------------------------------------------------------- the CLI


def main(argv: list[str] | None = None) -> int:
    """Run the command given on the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="write the public tree and scan it")
    build_cmd.add_argument("--out", type=Path, default=DEFAULT_OUT)
    check_cmd = commands.add_parser("check", help="scan folders for solutions and hidden tests")
    check_cmd.add_argument("trees", type=Path, nargs="+")
    push_cmd = commands.add_parser("push", help="push the public tree to the public repository")
    push_cmd.add_argument("--tree", type=Path, default=DEFAULT_OUT)
    push_cmd.add_argument("--remote", help="push here instead of _config.yml's repository.url")
    push_cmd.add_argument("--branch", help="instead of _config.yml's repository.branch")
    push_cmd.add_argument(
        "--workdir", type=Path, help="where to clone the public repository (default: a temp dir)"
    )
    commands.add_parser("repository", help="print the public repository's URL and branch")
    args = parser.parse_args(argv)
    if args.command == "build":
        files = build(args.out)
        print(f"wrote {len(files)} files to {args.out}")
        return check([args.out])
    if args.command == "check":
        return check(args.trees)
    url, branch = repository()
    if args.command == "repository":
        print(url, branch)
        return 0
    changed = uncommitted_public()
    if changed:
        print(
            "not pushing: the public tree must be a commit's, and these public paths have "
            "changes not committed (commit them, or remove untracked files):\n  "
            + "\n  ".join(changed),
            file=sys.stderr,
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        workdir = args.workdir or Path(tmp) / "public"
        push(args.tree, args.remote or url, args.branch or branch, workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
