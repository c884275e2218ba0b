"""The HTML report: self-contained, escaped, deterministic, and working in a real browser.

The browser tests drive Debian's chromium through its chromedriver (``/usr/bin/chromedriver``,
never a Selenium Manager download) in one headless session for the module, and skip with the
reason when chromium, the driver or selenium is absent. ``.ci/run`` installs chromium.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT

from dedupe_audit.cli import main
from dedupe_audit.config import Config
from dedupe_audit.model import AuditResult
from dedupe_audit.pipeline import run_audit
from dedupe_audit.render import html as html_render

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TITLE = "dedupe-audit report"

# Scraped text and file names that would run script if any of them reached the page as markup.
INJECT_P = "<script>window.pwned = 'paragraph'</script>"
INJECT_IMG = "<img src=x onerror=\"window.pwned = 'img'; document.title = 'pwned'\">"
INJECT_NAME = "<img src=x onerror=document.title='pwned-name'>.txt"
INJECT_SITE = "<svg onload=\"window.pwned='site'\">"
STORY = ("President Joe Biden told reporters on Tuesday that the ceasefire talks in Jeddah would go on "
         "through the week {inject} while delegations weighed the {word} proposal")


def _hostile_corpus(root: Path) -> Path:
    """Two pages sharing a near-duplicate paragraph carrying injections (so it reaches the cluster
    table, the side-by-side diff and, with a "sitting President Biden" on a 2025 page, the stale
    table), one with a hostile file name, both with a hostile site name."""
    pages = {
        "a.txt": STORY.format(inject=INJECT_P, word="American") + "\n\n</script><!-- closing the block early",
        INJECT_NAME: STORY.format(inject=INJECT_IMG, word="amended American") + "\n\nA line of its own here.",
    }
    for name, text in pages.items():
        (root / name).write_text(text + "\n", encoding="utf-8")
        sidecar = {"site": INJECT_SITE, "date": "2025-06-02", "url": "javascript:alert(1)"}
        (root / f"{name}.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    return run_audit([str(_hostile_corpus(tmp_path_factory.mktemp("hostile-html")))], Config())


@pytest.fixture(scope="module")
def samples() -> AuditResult:
    return run_audit([str(ROOT / "samples")], Config())


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "nav", "a",
                "section", "div", "b", "span", "table", "thead", "tbody", "tr", "th", "td", "br", "em",
                "code", "details", "summary", "ul", "li", "del", "ins", "mark", "label", "select", "option",
                "input", "svg", "g", "text", "rect", "path", "script"}


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def test_scraped_text_and_names_stay_text(hostile: AuditResult) -> None:
    page = html_render.render(hostile)
    assert hostile.clusters and hostile.summary.stale, "the injections must reach clusters and stale tables"
    parsed = _parse(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert parsed.scripts == [html_render.SCRIPT]  # the page's own script, nothing scraped inside
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert tag != "img"
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href  # no links out, no javascript: URLs
    for text in (INJECT_P, INJECT_IMG, INJECT_NAME, INJECT_SITE):
        assert html.escape(text, quote=True) in page, text


def test_page_is_self_contained_and_locked_by_csp(samples: AuditResult) -> None:
    page = html_render.render(samples)
    for outside in ("http://", "https://", "src=", "@import", "url("):
        assert outside not in page.split("<body>", 1)[0] + page.split("<script>", 1)[1], outside
    csp = next(attrs["content"] for tag, attrs in _parse(page).tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert csp and "default-src 'none'" in csp and _sha256_source(html_render.SCRIPT) in csp
    assert "'unsafe-inline'" not in csp
    # without script the filters stay hidden and every table is plain HTML
    assert '<div id="cluster-controls" hidden>' in page


def test_word_diff_marks_changed_words_only() -> None:
    left, right = html_render.word_diff("the ceasefire <b>proposal</b> was backed",
                                        "the ceasefire plan was backed")
    assert left == "the ceasefire <del>&lt;b&gt;proposal&lt;/b&gt;</del> was backed"
    assert right == "the ceasefire <ins>plan</ins> was backed"
    same = html_render.word_diff("один два три", "один два три")
    assert same == ("один два три", "один два три")


def test_stale_marker_highlighted_inside_its_paragraph(hostile: AuditResult) -> None:
    page = html_render.render(hostile)
    assert "<mark title=\"US president: Joe Biden\">President Joe Biden</mark>" in page
    assert "2021-01-20..2025-01-20" in page


def test_committed_html_report_regenerates_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        ran = CliRunner().invoke(main, ["audit", "samples/", "-q", "-f", "html", "-o", str(out)])
    finally:
        os.chdir(cwd)
    assert ran.exit_code == 0, ran.output
    assert out.read_bytes() == (ROOT / "reports" / "audit.html").read_bytes()


# --------------------------------------------------------------------------- in a browser


def _browser_missing() -> str | None:
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which("chromium")):
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if not os.access(CHROMEDRIVER, os.X_OK):
        return f"{CHROMEDRIVER} is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager look for a driver online
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--host-resolver-rules=MAP * ~NOTFOUND",
                     "--disable-background-networking", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _open(browser, path: Path) -> list[dict]:  # type: ignore[no-untyped-def]
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(path.resolve().as_uri())
    return browser.get_log("browser")


def _visible_rows(browser) -> list:  # type: ignore[no-untyped-def]
    rows = browser.find_elements("css selector", "#clusters-table tbody tr")
    return [row for row in rows if row.is_displayed()]


@pytest.fixture(scope="module")
def samples_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("html-samples")
    args = ["audit", str(ROOT / "samples"), "--no-config", "-q", "-f", "html", "-o", str(folder / "a.html"),
            "-f", "json", "-o", str(folder / "a.json")]
    ran = CliRunner().invoke(main, args)
    assert ran.exit_code == 0, ran.output
    return folder / "a.html", json.loads((folder / "a.json").read_text(encoding="utf-8"))


def test_browser_counts_equal_the_json_report(browser, samples_page) -> None:  # type: ignore[no-untyped-def]
    page, report = samples_page
    logs = _open(browser, page)
    assert browser.title == TITLE
    assert [entry for entry in logs if entry["level"] in ("SEVERE", "WARNING")] == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0  # offline
    for element in browser.find_elements("css selector", "[data-summary]"):
        key = element.get_attribute("data-summary")
        assert float(element.get_attribute("data-value")) == pytest.approx(report["summary"][key]), key
        if key != "duplicated_share":
            assert element.text == str(report["summary"][key]), key
    assert len(browser.find_elements("css selector", "[data-summary]")) == 14
    assert len(_visible_rows(browser)) == len(report["clusters"])
    stale_rows = browser.find_elements("css selector", "#stale-table tbody tr")
    assert len(stale_rows) == report["summary"]["stale"]
    assert browser.find_element("id", "filter-count").text == f"{len(report['clusters'])} of " \
        f"{len(report['clusters'])} clusters shown"
    assert browser.find_element("id", "chart-flow").is_displayed()


def test_browser_sorts_and_filters_clusters(browser, samples_page) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import Select

    page, report = samples_page
    _open(browser, page)
    header = browser.find_element("xpath", "//table[@id='clusters-table']//th[normalize-space()='Copies']")
    header.click()
    sizes = [int(row.get_attribute("data-size")) for row in _visible_rows(browser)]
    assert sizes == sorted(sizes) and len(set(sizes)) > 1
    header.click()
    resorted = [int(row.get_attribute("data-size")) for row in _visible_rows(browser)]
    assert resorted == sorted(sizes, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"

    Select(browser.find_element("id", "filter-kind")).select_by_value("near")
    assert len(_visible_rows(browser)) == report["summary"]["near_clusters"]
    assert {row.get_attribute("data-kind") for row in _visible_rows(browser)} == {"near"}
    Select(browser.find_element("id", "filter-kind")).select_by_value("")

    sites = {f["file"]: f["meta"]["site"] for f in report["files"]}
    with_unn = [c for c in report["clusters"] if "UNN" in {sites[m["file"]] for m in c["members"]}]
    assert with_unn
    Select(browser.find_element("id", "filter-site")).select_by_value("UNN")
    assert len(_visible_rows(browser)) == len(with_unn)
    Select(browser.find_element("id", "filter-site")).select_by_value("")

    size = browser.find_element("id", "filter-size")
    size.clear()
    size.send_keys("3")
    big = [c for c in report["clusters"] if len(c["members"]) + len(c["containers"]) >= 3]
    assert len(_visible_rows(browser)) == len(big) < len(report["clusters"])
    assert browser.get_log("browser") == []


def test_browser_reads_the_page_with_scripts_off(browser, samples_page) -> None:  # type: ignore[no-untyped-def]
    page, report = samples_page
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        _open(browser, page)
        assert not browser.find_element("id", "cluster-controls").is_displayed()  # filters need the script
        assert browser.find_element("id", "filter-count").get_attribute("textContent") == ""  # script off
        assert len(_visible_rows(browser)) == len(report["clusters"])
        assert browser.find_element("css selector", "[data-summary='clusters']").text == \
            str(report["summary"]["clusters"])
        assert browser.find_element("id", "chart-sites").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_browser_does_not_run_injected_script(browser, hostile: AuditResult, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "hostile.html"
    page.write_text(html_render.render(hostile), encoding="utf-8")
    logs = _open(browser, page)
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.title == TITLE
    assert [entry for entry in logs if entry["level"] == "SEVERE"] == []
    body = browser.find_element("tag name", "body").text
    assert INJECT_P in body and INJECT_NAME in body  # shown as the text it is
    embedded = "return document.querySelectorAll('img, iframe, object, embed, [onerror], [onload]').length"
    assert browser.execute_script(embedded) == 0


# --------------------------------------------------------------------------- real pages

REAL_PAGES = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark" / "html"


@pytest.fixture(scope="module")
def real_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Every third of the 181 real pages (the whole set takes ~25 s on two shared cores), audited by
    the CLI to HTML and JSON; the JSON report is checked against the schema by conftest."""
    if not REAL_PAGES.is_dir():
        pytest.skip("shared corpus not present")
    folder = tmp_path_factory.mktemp("real-html")
    for page in sorted(REAL_PAGES.iterdir())[::3]:
        (folder / "pages").mkdir(exist_ok=True)
        shutil.copyfile(page, folder / "pages" / page.name)
    args = ["audit", str(folder / "pages"), "--no-config", "-q", "-f", "html", "-o", str(folder / "r.html"),
            "-f", "json", "-o", str(folder / "r.json")]
    ran = CliRunner().invoke(main, args)
    assert ran.exit_code == 0, ran.output
    return folder / "r.html", json.loads((folder / "r.json").read_text(encoding="utf-8"))


def test_real_pages_report_is_well_formed(real_reports) -> None:  # type: ignore[no-untyped-def]
    page, report = real_reports
    text = page.read_text(encoding="utf-8")
    parsed = _parse(text)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    assert parsed.scripts == [html_render.SCRIPT]
    rows = [attrs for tag, attrs in parsed.tags if tag == "tr" and "data-kind" in attrs]
    assert len(rows) == len(report["clusters"]) > 0
    summary = {attrs["data-summary"]: float(attrs["data-value"] or 0) for tag, attrs in parsed.tags
               if "data-summary" in attrs}
    assert summary == {key: pytest.approx(float(report["summary"][key])) for key in summary}


def test_browser_opens_the_real_pages_report(browser, real_reports) -> None:  # type: ignore[no-untyped-def]
    page, report = real_reports
    logs = _open(browser, page)
    assert [entry for entry in logs if entry["level"] == "SEVERE"] == []
    assert len(_visible_rows(browser)) == len(report["clusters"])
    shown = browser.find_element("css selector", "[data-summary='files']").text
    assert shown == str(report["summary"]["files"])


def _sha256_source(text: str) -> str:
    """A CSP source allowing exactly ``text``: ``sha256-`` and the base64 of its SHA-256."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
