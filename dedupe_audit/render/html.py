"""HTML report (``-f html``): one self-contained page a person can look at.

Why: a reviewer of thousands of pages wants to sort and filter clusters, see two copies side by
side with the changed words marked, and see where text came from as a chart; Markdown cannot do
that. The page needs no network (inline CSS, a small inline script, inline SVG charts) and reads
the same with scripts off: the script only adds sorting and the cluster filters, over rows that
carry their values in ``data-`` attributes (no scraped text inside ``<script>``). Every scraped
string goes through ``esc``; a Content-Security-Policy allows only this page's own script and
style (by hash), so even a missed escape could not run a script. Like every renderer it reads the
``AuditResult`` and computes no findings: the word diffs and per-site shares are presentation.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..model import AuditResult, Cluster, DocumentReport, EraMarker, ParagraphRef, Staleness
from .common import location, paragraph, percent, row_limit, word_changes
from .html_charts import Bar, bar_chart, flow_chart
from .html_escape import esc

# The HTML report shows this many times ``report_rows`` rows per table (it can sort and filter;
# the Markdown report cannot), and at most these many locations / diffs / examples per item.
ROWS_FACTOR = 10
CELL_LOCATIONS = 10
DIFFS_PER_CLUSTER = 20
OPEN_NEAR = 20  # near clusters shown unfolded; the rest are one click away
FURNITURE_EXAMPLES = 30  # paragraphs listed under each furniture rule
TEXT_LIMIT = 220
DATE_BUCKETS = 40  # more distinct page dates than this are counted per month

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:0 16px 40px;color:#1b1f24}
h1{font-size:22px}h2{margin-top:32px;border-bottom:1px solid #ccd;padding-bottom:4px}
nav a{margin-right:12px}table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f7}th[data-sort]{cursor:pointer}th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}td.n,th.n{text-align:right}
.loc{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.text{max-width:520px}.muted{color:#57606a}
del{background:#ffd7d5;text-decoration:line-through}ins{background:#ccf2d1;text-decoration:none}
mark{background:#fff1a8}.pairs{display:grid;grid-template-columns:1fr 1fr;gap:6px 12px}
.copy{border:1px solid #d0d7de;padding:6px;background:#fbfcfd}.copy h4{margin:0 0 4px;font-weight:normal}
details{margin:6px 0}summary{cursor:pointer}#cluster-controls label{margin-right:14px}
svg.chart{display:block;max-width:100%;height:auto;font-size:12px}svg.chart rect{fill:#4c78a8}
svg.chart .more,svg.chart .head{fill:#57606a}svg.flow .link{fill:none;stroke:#4c78a8;stroke-opacity:.35}
svg.flow .node rect{fill:#2f4b7c}.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{border:1px solid #d0d7de;padding:6px 10px;min-width:120px}.card b{display:block;font-size:18px}
section{content-visibility:auto;contain-intrinsic-size:auto 2000px}
"""

# Sorting for every table with class "sortable", and the cluster filters (kind, site, size).
# Values come from data- attributes written by Python; text is only ever set with textContent.
SCRIPT = """
(function () {
  "use strict";
  function value(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell ? (cell.getAttribute("data-value") || cell.textContent) : "";
    return numeric ? parseFloat(raw) || 0 : raw.toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var body = table.tBodies[0];
    var original = Array.prototype.slice.call(body.rows);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-sort") === "num";
        var rows = original.slice();
        rows.sort(function (a, b) {
          var x = value(a, col, numeric), y = value(b, col, numeric);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return (ascending ? order : -order) || original.indexOf(a) - original.indexOf(b);
        });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });
  var controls = document.getElementById("cluster-controls");
  var table = document.getElementById("clusters-table");
  if (!controls || !table) { return; }
  controls.hidden = false;
  var kind = document.getElementById("filter-kind");
  var site = document.getElementById("filter-site");
  var size = document.getElementById("filter-size");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function apply() {
    var wantKind = kind.value, wantSite = site.value, least = parseInt(size.value, 10) || 0, shown = 0;
    rows.forEach(function (row) {
      var sites = JSON.parse(row.getAttribute("data-sites"));
      var ok = (!wantKind || row.getAttribute("data-kind") === wantKind) &&
        (!wantSite || sites.indexOf(wantSite) >= 0) &&
        parseInt(row.getAttribute("data-size"), 10) >= least;
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " clusters shown";
  }
  [kind, site, size].forEach(function (element) {
    element.addEventListener("input", apply);
    element.addEventListener("change", apply);
  });
  apply();
}());
"""


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# Only this page's own style and script may apply; nothing is fetched (no images, fonts, frames).
CSP = (f"default-src 'none'; style-src '{_hash(CSS)}'; script-src '{_hash(SCRIPT)}'; "
       "img-src 'none'; base-uri 'none'; form-action 'none'")


def _limit(result: AuditResult) -> int:
    return row_limit(result) * ROWS_FACTOR


def _short(text: str, limit: int = TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def site_of(report: DocumentReport) -> str:
    """The page's site as its metadata names it, else its URL's host, else "(no site)"."""
    if report.meta.site:
        return report.meta.site
    if report.meta.url:
        host = urlsplit(report.meta.url).hostname
        if host:
            return host.removeprefix("www.")
    return "(no site)"


def _loc(result: AuditResult, ref: ParagraphRef) -> str:
    return f'<span class="loc">{esc(location(result, ref))}</span>'


def _omitted(count: int, what: str) -> str:
    return (f'<p class="muted">{count} more {esc(what)} not shown here (limit: {ROWS_FACTOR} × '
            "<code>report_rows</code>); the JSON report has all of them.</p>")


def _num(value: float | int, shown: str | None = None) -> str:
    return f'<td class="n" data-value="{value}">{esc(shown if shown is not None else value)}</td>'


# --------------------------------------------------------------------------- summary


def summary_section(result: AuditResult) -> list[str]:
    s = result.summary
    cards = [
        ("files", "Files audited", s.files, None), ("skipped", "Files skipped", s.skipped, None),
        ("paragraphs", "Paragraphs", s.paragraphs, None), ("body", "Body paragraphs", s.body, None),
        ("boilerplate", "Furniture paragraphs", s.boilerplate, None),
        ("unique", "Unique body paragraphs", s.unique, None),
        ("in_clusters", "Body paragraphs in clusters", s.in_clusters, None),
        ("duplicated_share", "Duplicated share of body", s.duplicated_share, percent(s.duplicated_share)),
        ("clusters", "Clusters", s.clusters, None), ("exact_clusters", "Exact", s.exact_clusters, None),
        ("near_clusters", "Near", s.near_clusters, None),
        ("contained_clusters", "Contained", s.contained_clusters, None),
        ("stale", "Stale paragraphs", s.stale, None), ("conflicts", "Era conflicts", s.conflicts, None),
    ]
    out = ['<section id="summary"><h2>Summary</h2><div class="cards">']
    for key, label, value, shown in cards:
        out.append(f'<div class="card"><b data-summary="{key}" data-value="{value}">'
                   f"{esc(shown if shown is not None else value)}</b>{esc(label)}</div>")
    out.append("</div>")
    settings = ", ".join(f"{key}={value}" for key, value in result.settings.items())
    out.append(f'<p class="muted">Settings: {esc(settings)}.</p>')
    for warning in result.warnings:
        out.append(f'<p class="warning">Warning: {esc(warning)}</p>')
    return [*out, "</section>"]


# --------------------------------------------------------------------------- clusters


def _cluster_refs(cluster: Cluster) -> list[ParagraphRef]:
    return [m.ref for m in cluster.members] + [c.container for c in cluster.containers]


def clusters_section(result: AuditResult) -> list[str]:
    out = ['<section id="clusters"><h2>Duplicate clusters</h2>']
    if not result.clusters:
        return [*out, "<p>No repeated or near-duplicate paragraphs found.</p></section>"]
    limit = _limit(result)
    shown = result.clusters[:limit]
    sites_of = {doc: site_of(result.documents[doc]) for cluster in shown
                for doc in sorted({ref.doc for ref in _cluster_refs(cluster)})}
    all_sites = sorted(set(sites_of.values()))
    kinds = sorted({cluster.kind for cluster in shown})
    out.append('<div id="cluster-controls" hidden><label>Kind <select id="filter-kind"><option value="">all'
               "</option>" + "".join(f'<option value="{esc(k)}">{esc(k)}</option>' for k in kinds)
               + '</select></label><label>Site <select id="filter-site"><option value="">all</option>'
               + "".join(f'<option value="{esc(site)}">{esc(site)}</option>' for site in all_sites)
               + '</select></label><label>At least <input id="filter-size" type="number" min="0" value="0">'
               ' copies</label> <span id="filter-count" class="muted"></span></div>')
    out.append('<table id="clusters-table" class="sortable"><thead><tr><th data-sort="text">Cluster</th>'
               '<th data-sort="text">Kind</th><th data-sort="num" class="n">Similarity</th>'
               '<th data-sort="num" class="n">Copies</th><th data-sort="text">Sites</th><th>Locations</th>'
               "<th>Text</th></tr></thead><tbody>")
    for cluster in shown:
        refs = _cluster_refs(cluster)
        sites = sorted({sites_of[ref.doc] for ref in refs})
        sites_json = json.dumps(sites, ensure_ascii=False)
        places = [_loc(result, m.ref) for m in cluster.members]
        places += [f"inside {_loc(result, c.container)} (chars {c.start}-{c.end}, {percent(c.share)})"
                   for c in cluster.containers]
        if len(places) > CELL_LOCATIONS:
            places = [*places[:CELL_LOCATIONS], f"… and {len(places) - CELL_LOCATIONS} more"]
        name = esc(cluster.cluster_id)
        if cluster.kind == "near":
            name = f'<a href="#near-{name}">{name}</a>'
        out.append(
            f'<tr data-kind="{esc(cluster.kind)}" data-size="{len(refs)}" data-sites="{esc(sites_json)}">'
            f'<td data-value="{esc(cluster.cluster_id)}">{name}</td><td>{esc(cluster.kind)}</td>'
            f"{_num(cluster.similarity, f'{cluster.similarity:.2f}')}{_num(len(refs))}"
            f"<td>{'<br>'.join(esc(site) for site in sites)}</td><td>{'<br>'.join(places)}</td>"
            f'<td class="text">{esc(_short(paragraph(result, cluster.members[0].ref).text))}</td></tr>')
    out.append("</tbody></table>")
    if len(result.clusters) > limit:
        out.append(_omitted(len(result.clusters) - limit, "clusters"))
    return [*out, "</section>"]


def word_diff(old: str, new: str) -> tuple[str, str]:
    """Both copies as HTML, words only in the first in ``<del>``, words only in the second in ``<ins>``."""
    left: list[str] = []
    right: list[str] = []
    for kind, removed, added in word_changes(old, new):
        if kind == "equal":
            left.append(esc(removed))
            right.append(esc(added))
            continue
        if removed:
            left.append(f"<del>{esc(removed)}</del>")
        if added:
            right.append(f"<ins>{esc(added)}</ins>")
    return " ".join(left), " ".join(right)


def near_section(result: AuditResult) -> list[str]:
    near = [cluster for cluster in result.clusters if cluster.kind == "near"]
    if not near:
        return []
    out = ['<section id="near"><h2>Near duplicates side by side</h2>',
           "<p>Each copy beside the cluster's first copy: words only in the first are "
           "<del>struck through</del>, words only in the other copy are <ins>marked</ins>.</p>"]
    limit = _limit(result)
    for number, cluster in enumerate(near[:limit]):
        first = cluster.members[0]
        base = paragraph(result, first.ref).text
        words = base.split()
        differing = [m for m in cluster.members[1:] if paragraph(result, m.ref).text.split() != words]
        opened = " open" if number < OPEN_NEAR else ""
        name = esc(cluster.cluster_id)
        out.append(f'<details id="near-{name}"{opened}><summary>{name}: '
                   f"{len(cluster.members)} copies, lowest Jaccard {cluster.similarity:.2f}</summary>"
                   '<div class="pairs">')
        for member in differing[:DIFFS_PER_CLUSTER]:
            left, right = word_diff(base, paragraph(result, member.ref).text)
            out.append(f'<div class="copy"><h4>{_loc(result, first.ref)} (first copy)</h4>{left}</div>'
                       f'<div class="copy"><h4>{_loc(result, member.ref)} (Jaccard {member.jaccard:.2f}, '
                       f"fuzz {member.fuzz:.0f})</h4>{right}</div>")
        out.append("</div>")
        if len(differing) > DIFFS_PER_CLUSTER:
            out.append(f'<p class="muted">… and {len(differing) - DIFFS_PER_CLUSTER} more differing copies '
                       "(all in the JSON report)</p>")
        out.append("</details>")
    if len(near) > limit:
        out.append(_omitted(len(near) - limit, "near-duplicate clusters"))
    return [*out, "</section>"]


# --------------------------------------------------------------------------- provenance


def provenance_section(result: AuditResult) -> list[str]:
    if not result.provenance:
        return []
    s = result.summary
    paths: Counter[tuple[str, str, str]] = Counter()
    relay_outlets: dict[str, set[str]] = defaultdict(set)
    relay_paragraphs: Counter[str] = Counter()
    for doc, items in enumerate(result.provenance):
        report = result.documents[doc]
        if report.reference:
            continue
        site = site_of(report)
        for para, item in zip(report.paragraphs, items, strict=True):
            if not para.is_body or item.outlet is None:
                continue
            relays = [relay for relay in item.via if relay != item.outlet]
            paths[(item.outlet, " → ".join(relays) or "(direct)", site)] += 1
            for relay in relays:
                relay_outlets[relay].add(item.outlet)
                relay_paragraphs[relay] += 1
    out = ['<section id="provenance"><h2>Provenance</h2>',
           "<p>Body paragraphs by likely original outlet (<em>unknown</em>: no cue, no inherited "
           "attribution, no decisive copy), the relays that carried them and the sites that publish them."
           "</p><h3>Outlet → relay → site</h3>",
           flow_chart("Body paragraphs from outlet through relay to site", dict(paths), "chart-flow")
           or "<p>No attributed paragraphs.</p>"]
    outlet_bars = [Bar(name, count, f"{count} ({percent(count / s.body) if s.body else '-'})")
                   for name, count in s.outlets]
    out.append("<h3>Paragraphs per outlet</h3>")
    out.append(bar_chart("Body paragraphs per likely original outlet", outlet_bars, "chart-outlets"))
    relay_bars = [Bar(relay, len(outlets), f"{len(outlets)} outlets, {relay_paragraphs[relay]} paragraphs",
                      f"{relay}: {', '.join(sorted(outlets))}")
                  for relay, outlets in sorted(relay_outlets.items(),
                                               key=lambda kv: (-len(kv[1]), -relay_paragraphs[kv[0]], kv[0]))]
    if relay_bars:
        out += ["<h3>Outlets per relay</h3>",
                bar_chart("Distinct outlets each relay carried", relay_bars, "chart-relays")]
    limit = _limit(result)
    out.append('<h3>Outlet → relay chains</h3><table class="sortable"><thead><tr>'
               '<th data-sort="text">Chain</th>'
               '<th data-sort="num" class="n">Paragraphs</th></tr></thead><tbody>')
    out += [f"<tr><td>{esc(chain)}</td>{_num(count)}</tr>" for chain, count in s.relays[:limit]]
    out.append("</tbody></table>")
    if len(s.relays) > limit:
        out.append(_omitted(len(s.relays) - limit, "chains"))
    return [*out, "</section>"]


# --------------------------------------------------------------------------- stale context


IN_BLOCK = ' <span class="muted">(in its block)</span>'


def _era(marker: EraMarker) -> str:
    return f"{marker.valid_from or '…'}..{marker.valid_to or 'now'}"


def highlighted(text: str, offset: int, markers: Sequence[EraMarker]) -> str:
    """The paragraph with each marker that lies inside it in ``<mark>`` (offsets are the page's)."""
    spans = sorted({(m.start - offset, m.end - offset, m.fact) for m in markers
                    if m.start >= offset and m.end <= offset + len(text) and m.end > m.start})
    out: list[str] = []
    at = 0
    for start, end, fact in spans:
        if start < at:
            continue  # overlaps the previous marker
        out.append(esc(text[at:start]))
        out.append(f'<mark title="{esc(fact)}">{esc(text[start:end])}</mark>')
        at = end
    out.append(esc(text[at:]))
    return "".join(out)


def _date_bucket(dates: Counter[str]) -> list[tuple[str, int]]:
    if len(dates) <= DATE_BUCKETS:
        return sorted(dates.items())
    months: Counter[str] = Counter()
    for date, count in dates.items():
        months[date[:7] if date != "undated" else date] += count
    return sorted(months.items())


def _stale_row(result: AuditResult, doc: int, index: int, item: Staleness) -> str:
    para = result.documents[doc].paragraphs[index]
    eras = "<br>".join(
        f"“{esc(m.phrase)}”: {esc(m.fact)} <b>{esc(_era(m))}</b>"
        + ("" if para.start <= m.start and m.end <= para.end else IN_BLOCK)
        for m in item.markers)
    gap = item.gap_days if item.gap_days is not None else ""
    return (f"<tr><td>{_loc(result, ParagraphRef(doc, index))}</td>"
            f'<td class="text">{highlighted(para.text, para.start, item.markers)}'
            f'<br><span class="muted">{esc(item.explanation)}</span></td><td>{eras}</td>'
            f"<td>{esc(item.page_date or 'undated')}</td>{_num(gap if gap != '' else -1, str(gap))}"
            f"{_num(item.confidence, f'{item.confidence:.2f}')}</tr>")


def staleness_section(result: AuditResult) -> list[str]:
    if not result.staleness:
        return []
    limit = _limit(result)
    rows: list[str] = []
    per_date: Counter[str] = Counter()
    total = 0
    for doc, verdicts in enumerate(result.staleness):
        if result.documents[doc].reference:
            continue
        for index, item in enumerate(verdicts):
            if item.verdict != "stale":
                continue
            total += 1
            per_date[item.page_date or "undated"] += 1
            if len(rows) < limit:
                rows.append(_stale_row(result, doc, index, item))
    out = ['<section id="stale"><h2>Stale context</h2>',
           "<p>Paragraphs whose own markers place their writing outside the page's date: the marker is "
           "<mark>highlighted</mark>, the era window is in bold.</p>"]
    if not total:
        out.append("<p>No stale paragraphs found.</p>")
    else:
        bars = [Bar(date, count, str(count)) for date, count in _date_bucket(per_date)]
        out += ["<h3>Stale paragraphs per page date</h3>",
                bar_chart("Stale paragraphs per page date", bars, "chart-stale"),
                '<table id="stale-table" class="sortable"><thead><tr><th data-sort="text">Location</th>'
                '<th>Paragraph</th><th>Markers and era window</th><th data-sort="text">Page date</th>'
                '<th data-sort="num" class="n">Gap (days)</th><th data-sort="num" class="n">Confidence</th>'
                "</tr></thead><tbody>", *rows, "</tbody></table>"]
        if total > len(rows):
            out.append(_omitted(total - len(rows), "stale paragraphs"))
    if result.conflicts:
        out.append('<h3>Era conflicts</h3><table class="sortable"><thead><tr><th data-sort="text">File</th>'
                   "<th>One era</th><th>Another era</th></tr></thead><tbody>")
        for conflict in result.conflicts[:limit]:
            sides = [f"{_loc(result, ParagraphRef(conflict.doc, at))} “{esc(marker.phrase)}”: "
                     f"{esc(marker.fact)} <b>{esc(_era(marker))}</b>"
                     for marker, at in ((conflict.first, conflict.first_paragraph),
                                        (conflict.second, conflict.second_paragraph))]
            out.append(f'<tr><td class="loc">{esc(result.documents[conflict.doc].path)}</td>'
                       f"<td>{sides[0]}</td><td>{sides[1]}</td></tr>")
        out.append("</tbody></table>")
    if result.recycled:
        out.append('<h3>Recycled text</h3><table class="sortable"><thead><tr>'
                   '<th data-sort="text">Location</th><th>Older copy</th>'
                   '<th data-sort="text">Older copy date</th><th data-sort="text">Page date</th>'
                   '<th data-sort="num" class="n">Gap (days)</th></tr></thead><tbody>')
        out += [f"<tr><td>{_loc(result, item.ref)}</td><td>{_loc(result, item.older)}</td>"
                f"<td>{esc(item.older_date)}</td><td>{esc(item.page_date)}</td>{_num(item.gap_days)}</tr>"
                for item in result.recycled[:limit]]
        out.append("</tbody></table>")
    return [*out, "</section>"]


# --------------------------------------------------------------------------- files, furniture, skipped


def files_section(result: AuditResult) -> list[str]:
    limit = _limit(result)
    rows: list[str] = []
    site_body: Counter[str] = Counter()
    site_copied: Counter[str] = Counter()
    for doc, report in enumerate(result.documents):
        body = [p for p in report.paragraphs if p.is_body]
        copied = sum(1 for p in body if ParagraphRef(doc, p.index) in result.paragraph_cluster)
        site = site_of(report)
        if not report.reference:
            site_body[site] += len(body)
            site_copied[site] += copied
        if len(rows) < limit:
            page = report.page_date.date if report.page_date and report.page_date.date else "undated"
            share = copied / len(body) if body else -1.0
            note = "reference" if report.reference else ""
            rows.append(f'<tr><td class="loc">{esc(report.path)}</td><td>{esc(site)}</td><td>{esc(page)}</td>'
                        f"{_num(len(report.paragraphs))}{_num(len(body))}"
                        f"{_num(len(report.paragraphs) - len(body))}{_num(copied)}"
                        f"{_num(share, percent(share) if body else '-')}<td>{esc(note)}</td></tr>")
    bars = [Bar(site, site_copied[site] / site_body[site], percent(site_copied[site] / site_body[site]),
                f"{site}: {site_copied[site]} of {site_body[site]} body paragraphs have a copy")
            for site in sorted(site_body, key=lambda name: (-site_copied[name] / site_body[name], name))
            if site_body[site]]
    out = ['<section id="files"><h2>Files</h2>', "<h3>Duplicated share of body paragraphs per site</h3>",
           bar_chart("Share of each site's body paragraphs that have a copy", bars, "chart-sites", 1.0),
           '<table id="files-table" class="sortable"><thead><tr><th data-sort="text">File</th>'
           '<th data-sort="text">Site</th><th data-sort="text">Page date</th>'
           '<th data-sort="num" class="n">Paragraphs</th><th data-sort="num" class="n">Body</th>'
           '<th data-sort="num" class="n">Furniture</th><th data-sort="num" class="n">Duplicated</th>'
           '<th data-sort="num" class="n">Share</th><th>Notes</th></tr></thead><tbody>', *rows,
           "</tbody></table>"]
    if len(result.documents) > limit:
        out.append(_omitted(len(result.documents) - limit, "files"))
    return [*out, "</section>"]


def furniture_section(result: AuditResult) -> list[str]:
    rules = result.summary.boilerplate_rules
    if not rules:
        return []
    examples: dict[str, list[str]] = defaultdict(list)
    for doc, report in enumerate(result.documents):
        if report.reference:
            continue
        for para in report.paragraphs:
            rule = para.boilerplate_rule or "?"
            if not para.is_body and len(examples[rule]) < FURNITURE_EXAMPLES:
                examples[rule].append(f"<li>{_loc(result, ParagraphRef(doc, para.index))} "
                                      f"{esc(_short(para.text, 160))}</li>")
    out = ['<section id="furniture"><h2>Furniture by rule</h2>',
           "<p>Paragraphs classified as site furniture, with the rule that named them; not counted as "
           "duplicated content unless <code>--include-boilerplate</code>.</p>",
           bar_chart("Furniture paragraphs per rule", [Bar(rule, count, str(count)) for rule, count in rules],
                     "chart-furniture")]
    for rule, count in rules:
        shown = examples.get(rule, [])
        more = f'<li class="muted">… and {count - len(shown)} more</li>' if count > len(shown) else ""
        out.append(f'<details><summary>{esc(rule)}: <span data-rule-count="{esc(rule)}">{count}</span> '
                   f"paragraphs</summary><ul>{''.join(shown)}{more}</ul></details>")
    return [*out, "</section>"]


def skipped_section(result: AuditResult) -> list[str]:
    if not result.skipped:
        return ['<section id="skipped"><h2>Skipped files</h2><p>None.</p></section>']
    limit = _limit(result)
    out = ['<section id="skipped"><h2>Skipped files</h2>'
           '<table id="skipped-table" class="sortable"><thead><tr>'
           '<th data-sort="text">File</th><th data-sort="text">Reason</th></tr></thead><tbody>']
    out += [f'<tr><td class="loc">{esc(item.path)}</td><td>{esc(item.reason)}</td></tr>'
            for item in result.skipped[:limit]]
    out.append("</tbody></table>")
    if len(result.skipped) > limit:
        out.append(_omitted(len(result.skipped) - limit, "skipped files"))
    return [*out, "</section>"]


SECTIONS = (summary_section, clusters_section, near_section, provenance_section, staleness_section,
            furniture_section, files_section, skipped_section)
NAV = (("summary", "Summary"), ("clusters", "Clusters"), ("near", "Near duplicates"),
       ("provenance", "Provenance"), ("stale", "Stale context"), ("furniture", "Furniture"),
       ("files", "Files"), ("skipped", "Skipped"))


def render(result: AuditResult) -> str:
    body: list[str] = []
    for section in SECTIONS:
        body.extend(section(result))
    text = "\n".join(body)
    nav = " ".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in NAV if f'id="{anchor}"' in text)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>dedupe-audit report</title><style>{CSS}</style></head>\n<body>\n"
        f'<h1>dedupe-audit report</h1><p class="muted">dedupe-audit {esc(result.tool_version)}, '
        f"report schema {esc(result.schema_version)}</p><nav>{nav}</nav>\n"
        f"{text}\n<script>{SCRIPT}</script>\n</body></html>\n"
    )
