"""Offline copies of the built book: the HTML site as a zip, and the whole book as one PDF.

    course-dist-offline --html _build/html --out _build/dist

`<name>-site.zip` holds the site exactly as it is served, in a folder `<name>-site/` with a
README. The pages load nothing from another host, and they work opened straight from the
unzipped folder (`file://`): text, figures, math, the explorer and the widgets. The one thing
that needs a local server is the text shown under each search result (browsers refuse
`fetch` from `file://` pages); the README says how to serve the folder.

`<name>.pdf` is printed by the system Chromium (`$CHROMIUM`, default `/usr/bin/chromium`,
driven by Playwright; no browser is downloaded): a title page with the table of contents and
its page numbers, then every page of `_toc.yml` in order, each printed after MathJax has
typeset every formula and every image has loaded, with folded code cells unfolded (paper
cannot unfold them). Pages are merged with pypdf, which adds a bookmark per page, page
numbers, and turns links between the book's pages into links inside the PDF.

`<name>` is the repository's name from `_config.yml` (`repository.url`).
"""

from __future__ import annotations

import argparse
import html
import io
import os
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from playwright.sync_api import Page, PdfMargins, sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from coursetools.project import ROOT, repository, toc_files

__all__ = [
    "PrintedPage",
    "book_name",
    "book_title",
    "front_matter_html",
    "main",
    "print_page",
    "toc_pages",
    "write_pdf",
    "write_zip",
]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
# 1 January 1980, the earliest time a zip entry can hold: the zip does not change with the
# build time, only with the site.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PAGE_FORMAT = "A4"
MARGIN: PdfMargins = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}

README = """\
{heading}
{underline}

Open index.html in this folder with any web browser. Every page, figure, formula and the
interactive explorer work from the folder itself, with no network and no server.

The search page lists the matching pages, but browsers do not allow it to show the text
snippets under each result for files opened from disk. For those, serve the folder:

    cd {folder}
    python3 -m http.server 8000

and open http://localhost:8000/ (stop the server with Ctrl+C).

The launch buttons (Binder, Colab) need the network; the download button of each page gives
its notebook (.ipynb) from this folder.
"""

# Run in each page before printing: unfold folded cells, then wait until MathJax has typeset
# everything, the fonts are in and every image has loaded. Returns what is still not ready.
_PREPARE_PAGE = """async () => {
  // no half-played unfolding animation, no "Hide code cell source" label, and code wrapped
  // (paper can neither fold nor scroll)
  const still = document.createElement("style");
  still.textContent = "*, *::before, *::after { animation: none !important;"
    + " transition: none !important; }"
    + " details.hide > summary { display: none !important; }"
    + " pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }";
  document.head.appendChild(still);
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll("img[loading=lazy]").forEach((i) => { i.loading = "eager"; });
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await Promise.all(Array.from(document.images).map((i) => i.complete ? null :
    new Promise((resolve) => { i.onload = i.onerror = resolve; })));
  await document.fonts.ready;
  const article = document.querySelector("article") || document.body;
  const h1 = article.querySelector("h1");
  return {
    title: h1 ? h1.textContent.replace(/#$/, "").trim() : document.title,
    untypeset: Array.from(document.querySelectorAll(".math"))
      .filter((m) => !m.querySelector("mjx-container")).length,
    broken_images: Array.from(document.images)
      .filter((i) => i.naturalWidth === 0).map((i) => i.getAttribute("src")),
  };
}"""


@dataclass
class PrintedPage:
    """One page of the book printed on its own."""

    path: str  # relative to the HTML root, e.g. book/nonlinear-fit.html
    title: str
    pdf: bytes
    pages: int


def book_name(root: Path = ROOT) -> str:
    """Return the public repository's name, which names the offline copies."""
    url, _ = repository(root)
    return url.rsplit("/", 1)[-1].removesuffix(".git")


def book_title(root: Path = ROOT) -> tuple[str, str]:
    """Return the title and author of the book from `_config.yml`."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return str(config.get("title", "")), str(config.get("author", ""))


def toc_pages(root: Path = ROOT) -> list[str]:
    """Return the HTML path of every page of `_toc.yml`, in reading order."""
    return [str(Path(f).with_suffix("")) + ".html" for f in toc_files(root)]


def write_zip(html_dir: Path, out: Path, folder: str, title: str) -> None:
    """Zip the built site under `folder/`, with a README, in a stable order and time."""
    files = sorted(p for p in html_dir.rglob("*") if p.is_file() and p.name != ".buildinfo")
    heading = f"{title}: offline copy of the course site"
    readme = README.format(heading=heading, underline="=" * len(heading), folder=folder)
    tmp = out.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(zipfile.ZipInfo(f"{folder}/README.txt", ZIP_TIME), readme)
        for path in files:
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(html_dir).as_posix()}", ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    tmp.replace(out)


def _print(page: Page, *, background: bool = True, footer: str | None = None) -> bytes:
    return page.pdf(
        format=PAGE_FORMAT,
        margin=MARGIN,
        print_background=background,
        display_header_footer=footer is not None,
        header_template="<span></span>",
        footer_template=footer or "<span></span>",
    )


def print_page(page: Page, html_dir: Path, rel: str) -> PrintedPage:
    """Print one page of the site once it is fully rendered; fail on untypeset math."""
    page.goto((html_dir / rel).as_uri(), wait_until="load")
    state = page.evaluate(_PREPARE_PAGE)
    if state["untypeset"] or state["broken_images"]:
        raise SystemExit(
            f"{rel}: {state['untypeset']} formula(s) not typeset by MathJax, "
            f"images that did not load: {state['broken_images']}"
        )
    pdf = _print(page)
    return PrintedPage(rel, state["title"], pdf, len(PdfReader(io.BytesIO(pdf)).pages))


def front_matter_html(title: str, author: str, entries: list[tuple[str, int]]) -> str:
    """Return a title page with the table of contents (title, first page) of the printed book."""
    rows = "\n".join(
        f'<li><span class="t">{html.escape(t)}</span><span class="n">{n}</span></li>'
        for t, n in entries
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>
body {{ font-family: sans-serif; color: #222; }}
h1 {{ font-size: 28pt; margin: 30mm 0 4mm; }}
.author {{ font-size: 14pt; color: #555; margin-bottom: 20mm; }}
h2 {{ font-size: 16pt; border-bottom: 1px solid #999; padding-bottom: 2mm; }}
ol {{ list-style: none; padding: 0; font-size: 12pt; }}
li {{ display: flex; gap: 2mm; margin: 3mm 0; }}
.t {{ flex: 1; border-bottom: 1px dotted #999; }}
</style></head><body>
<h1>{html.escape(title)}</h1><p class="author">{html.escape(author)}</p>
<h2>Contents</h2><ol>
{rows}
</ol></body></html>"""


def page_numbers_pdf(page: Page, count: int) -> PdfReader:
    """`count` empty pages whose footers carry their numbers, to stamp onto the book."""
    blank = '<div style="break-after: page; height: 1px"></div>' * count
    page.set_content(f"<!doctype html><html><body>{blank}</body></html>")
    footer = (
        '<div style="font-size: 9pt; color: #555; width: 100%; text-align: center;">'
        '<span class="pageNumber"></span></div>'
    )
    pdf = PdfReader(io.BytesIO(_print(page, background=False, footer=footer)))
    if len(pdf.pages) != count:
        raise SystemExit(f"page-number overlay has {len(pdf.pages)} pages, expected {count}")
    return pdf


def _link_to_pages(writer: PdfWriter, html_dir: Path, starts: dict[str, int]) -> int:
    """Point links to the book's own pages inside the PDF; drop other links to local files.

    Returns how many links were pointed inside the PDF.
    """
    internal = 0
    for pdf_page in writer.pages:
        annots = pdf_page.get("/Annots")
        if not annots:
            continue
        kept = ArrayObject()
        for ref in annots:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None or not str(uri).startswith("file:"):
                kept.append(ref)
                continue
            target = Path(unquote(urlsplit(str(uri)).path))
            rel = target.relative_to(html_dir).as_posix() if target.is_relative_to(html_dir) else ""
            if rel in starts:
                annot[NameObject("/A")] = DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/GoTo"),
                        NameObject("/D"): ArrayObject(
                            [writer.pages[starts[rel]].indirect_reference, NameObject("/Fit")]
                        ),
                    }
                )
                kept.append(ref)
                internal += 1
        pdf_page[NameObject("/Annots")] = kept
    return internal


def write_pdf(html_dir: Path, out: Path, pages: list[str], title: str, author: str) -> int:
    """Print every page and merge them behind a title page and contents; return page count."""
    missing = [p for p in pages if not (html_dir / p).is_file()]
    if missing:
        raise SystemExit(f"pages of _toc.yml missing from {html_dir}: {missing}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            printed = [print_page(page, html_dir, rel) for rel in pages]

            # The contents list its own length in the page numbers: print it with the final
            # numbers until its length stops changing (once, unless it spills onto a new page).
            front_pages = 1
            while True:
                entries, first = [], front_pages + 1
                for p in printed:
                    entries.append((p.title, first))
                    first += p.pages
                page.set_content(front_matter_html(title, author, entries))
                front = _print(page)
                n_front = len(PdfReader(io.BytesIO(front)).pages)
                if n_front == front_pages:
                    break
                front_pages = n_front

            total = front_pages + sum(p.pages for p in printed)
            numbers = page_numbers_pdf(page, total)
        finally:
            browser.close()

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    starts: dict[str, int] = {}
    for p in printed:
        starts[p.path] = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(p.pdf)), import_outline=False)
        writer.add_outline_item(title=p.title, page_number=starts[p.path])
    for index, pdf_page in enumerate(writer.pages):
        if index >= front_pages:  # the title page carries no number
            pdf_page.merge_page(numbers.pages[index])
    _link_to_pages(writer, html_dir, starts)
    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "Chromium + pypdf"})
    tmp = out.with_suffix(".pdf.part")
    with tmp.open("wb") as f:
        writer.write(f)
    tmp.replace(out)
    return total


def main(argv: list[str] | None = None) -> int:
    """Write the zip and the PDF of the built site; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The command-line arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    int
        0, or 1 when there is no built site or no Chromium.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "dist")
    args = parser.parse_args(argv)
    html_dir = args.html.resolve()
    if not (html_dir / "index.html").is_file():
        print(f"no built site in {html_dir}: run `make book` first", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    name = book_name()
    title, author = book_title()

    start = time.perf_counter()
    zip_path = args.out / f"{name}-site.zip"
    write_zip(html_dir, zip_path, f"{name}-site", title)
    zipped = time.perf_counter()
    pdf_path = args.out / f"{name}.pdf"
    n_pages = write_pdf(html_dir, pdf_path, toc_pages(), title, author)
    done = time.perf_counter()
    print(f"{zip_path}: {zip_path.stat().st_size / 1e6:.1f} MB ({zipped - start:.1f} s)")
    size = pdf_path.stat().st_size / 1e6
    print(f"{pdf_path}: {n_pages} pages, {size:.1f} MB ({done - zipped:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
