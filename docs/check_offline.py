"""Does the built documentation work offline? Checked in a real browser.

Run after the HTML build, from the repository root::

    python -m sphinx -W --keep-going -q -b html docs docs/_build/html
    python docs/check_offline.py                       # docs/_build/html
    python docs/check_offline.py --screenshot derivation.png

Two checks, both over every page of the built site:

1. In the files: no ``<script src>``, ``<link rel=stylesheet|preload>`` or CSS
   ``url()`` / ``@import`` points at a remote (http, https or ``//``) address.
2. In headless Chromium, with every host name made unresolvable, each page is
   opened from ``file://``. It must make no http(s) request (read from
   Chromium's net log); every formula on it must be typeset by MathJax (each
   Sphinx ``math`` element holds an ``mjx-container``, and none an
   ``mjx-merror``); no raw TeX delimiter, ``\\(`` or ``\\[``, may be left in its
   text; derivation.html must have at least ``MIN_DERIVATION_FORMULAS``
   formulas; and search.html must find a word the site contains.

Prints one line per page and exits 1 naming what failed. Needs a Chromium
binary: ``chromium`` (Debian's package), or the one ``$CHROMIUM`` names.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

DOCS = Path(__file__).resolve().parent
#: the derivation page has about 110 formulas; fewer means the wrong page, or a
#: page that lost its math
MIN_DERIVATION_FORMULAS = 100
#: a word the search page must find (it is in the title of the derivation page)
SEARCH_WORD = "derivation"
REMOTE_SCHEMES = ("http", "https", "ws", "wss")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")
#: a headless run as root that makes no request of its own and resolves no host
#: name; the virtual time budget lets the page's scripts (MathJax) finish
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=10000",
]
#: elements whose text MathJax does not typeset, so may hold a literal \( or \[
NOT_TYPESET = {"script", "style", "pre", "code", "textarea"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip


def is_remote(url):
    """True for an address that needs the network: http(s), ws(s) or ``//host``."""
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme.lower() in REMOTE_SCHEMES


# -- 1. remote references in the built files ---------------------------------


class _References(HTMLParser):
    """The scripts, stylesheets and inline styles one HTML file references."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []  # (what, address)
        self.styles = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = set((attrs.get("rel") or "").lower().split())
        if tag == "script" and attrs.get("src"):
            self.urls.append(("<script src>", attrs["src"]))
        elif tag == "link" and rel & {"stylesheet", "preload", "modulepreload"}:
            what = f"<link rel={' '.join(sorted(rel))}>"
            self.urls.append((what, attrs.get("href") or ""))
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def css_urls(css):
    """The addresses of ``url(...)`` and ``@import "..."`` in a style sheet."""
    return CSS_URL.findall(css) + CSS_IMPORT.findall(css)


def remote_references(site):
    """Every remote script or style the built site references: (file, what, url)."""
    found = []
    for path in sorted(site.rglob("*.html")):
        parser = _References()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        refs = parser.urls + [
            ("inline style", url) for css in parser.styles for url in css_urls(css)
        ]
        found += [(path, what, url) for what, url in refs if is_remote(url)]
    for path in sorted(site.rglob("*.css")):
        css = path.read_text(encoding="utf-8", errors="replace")
        found += [(path, "css", url) for url in css_urls(css) if is_remote(url)]
    return found


# -- 2. each page in the browser ----------------------------------------------


class _RenderedPage(HTMLParser):
    """What a page shows once its scripts ran: formulas, raw TeX, search hits."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._open = []  # (tag, id, the record if it is a math element)
        self.formulas = []  # per Sphinx math element: [typeset, MathJax error]
        self.raw_tex = []
        self.search_hits = 0

    def _inside(self, test):
        return next((entry for entry in reversed(self._open) if test(*entry)), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        math = self._inside(lambda _tag, _id, record: record is not None)
        if math and tag == "mjx-container":
            math[2][0] = True
        if math and tag == "mjx-merror":
            math[2][1] = True
        if tag == "li" and self._inside(lambda _tag, id_, _: id_ == "search-results"):
            self.search_hits += 1
        record = None
        if "math" in (attrs.get("class") or "").split():
            record = [False, False]
            self.formulas.append(record)
        if tag not in VOID:
            self._open.append((tag, attrs.get("id"), record))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        if self._inside(lambda open_tag, _id, _record: open_tag in NOT_TYPESET):
            return
        for delimiter in ("\\(", "\\["):
            start = data.find(delimiter)
            while start != -1:
                self.raw_tex.append(data[start : start + 40].strip())
                start = data.find(delimiter, start + 1)


def find_chromium():
    """The Chromium binary: ``$CHROMIUM``, or chromium on the PATH."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("check_offline: no Chromium found (apt-get install chromium)")


def page_requests(net_log):
    """The http(s) addresses that the page (not Chromium itself) asked for."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = set()
    for event in log["events"]:
        params = event.get("params", {})
        if event["type"] != start_job or not is_remote(params.get("url", "")):
            continue
        # a file:// page has an opaque origin: its requests' initiator is "null";
        # Chromium's own (update checks and the like) are "not an origin"
        initiator = params.get("initiator", "")
        isolation = params.get("network_isolation_key", "")
        if initiator == "null" or "file://" in initiator + isolation:
            urls.add(params["url"])
    return sorted(urls)


def open_in_chromium(chromium, url, *extra):
    """Open ``url`` in headless Chromium, offline: (its output, the page's requests)."""
    with tempfile.TemporaryDirectory(prefix="check-offline-") as tmp:
        net_log = Path(tmp) / "net-log.json"
        run = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp}/profile",
                f"--log-net-log={net_log}",
                *extra,
                url,
            ],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        if run.returncode != 0 or not net_log.exists():
            sys.exit(
                f"check_offline: Chromium failed on {url} (exit {run.returncode}):\n"
                + run.stderr.decode(errors="replace")[-3000:]
            )
        return run.stdout.decode("utf-8", errors="replace"), page_requests(net_log)


def check_page(chromium, site, path):
    """The problems of one built page, opened offline; and a one-line summary."""
    url = path.resolve().as_uri()
    if path.name == "search.html":
        url += f"?q={SEARCH_WORD}"
    dom, requests = open_in_chromium(chromium, url, "--dump-dom")
    page = _RenderedPage()
    page.feed(dom)
    typeset = sum(typeset for typeset, _ in page.formulas)
    errors = sum(error for _, error in page.formulas)
    name = path.relative_to(site).as_posix()
    problems = [f"{name}: requested {request}" for request in requests]
    if typeset < len(page.formulas):
        problems.append(
            f"{name}: {len(page.formulas) - typeset} of {len(page.formulas)} "
            "formulas not typeset"
        )
    if errors:
        problems.append(f"{name}: {errors} formulas typeset as MathJax errors")
    if page.raw_tex:
        problems.append(
            f"{name}: {len(page.raw_tex)} raw TeX fragments left, the first "
            + ", ".join(" ".join(tex.split()) for tex in page.raw_tex[:3])
        )
    if name == "derivation.html" and len(page.formulas) < MIN_DERIVATION_FORMULAS:
        problems.append(
            f"{name}: only {len(page.formulas)} formulas "
            f"(expected at least {MIN_DERIVATION_FORMULAS})"
        )
    if name == "search.html" and not page.search_hits:
        problems.append(f"{name}: searching {SEARCH_WORD!r} found nothing")
    summary = (
        f"{name}: {typeset}/{len(page.formulas)} formulas typeset, "
        f"{len(page.raw_tex)} raw TeX, {len(requests)} remote requests"
        + (f", {page.search_hits} search results" if name == "search.html" else "")
    )
    return problems, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "site",
        nargs="?",
        type=Path,
        default=DOCS / "_build" / "html",
        help="the built HTML site (default: docs/_build/html)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        help="also save a PNG of derivation.html, as the browser showed it",
    )
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not (site / "derivation.html").is_file():
        sys.exit(f"check_offline: no derivation.html in {site}: build the docs first")

    problems = [
        f"{path.relative_to(site).as_posix()}: {what} {url}"
        for path, what, url in remote_references(site)
    ]
    print(f"check_offline: {len(problems)} remote scripts or styles referenced")

    chromium = find_chromium()
    pages = [
        path
        for path in sorted(site.rglob("*.html"))
        if not path.relative_to(site).parts[0].startswith("_")
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:  # two browsers at a time
        for page_problems, summary in pool.map(
            lambda path: check_page(chromium, site, path), pages
        ):
            problems += page_problems
            print(f"  {summary}")

    if args.screenshot:
        open_in_chromium(
            chromium,
            (site / "derivation.html").as_uri(),
            "--hide-scrollbars",
            "--window-size=1200,2000",
            f"--screenshot={args.screenshot.resolve()}",
        )
        print(f"check_offline: screenshot of derivation.html in {args.screenshot}")

    if problems:
        print(
            f"check_offline: FAILED, {len(problems)} problems:", *problems, sep="\n  "
        )
        return 1
    print(f"check_offline: OK, {len(pages)} pages work offline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
