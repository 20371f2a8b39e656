"""The dashboard as its three users meet it, in headless chromium, offline: country views that frame each of the
27 countries, the search box (name, code, city), a mistyped link, the ministry's Excel opened with openpyxl, and a
presentation stepped with the keyboard at 1920×1080 without scrolling. Screenshots in artifacts/screenshots/."""
from __future__ import annotations

import csv
import io
import zipfile
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from .test_browser import MAP_PATHS, assert_offline_clean, wait_ready

pytestmark = pytest.mark.e2e

GEOMETRY_JS = """(country) => {
    const rect = e => { const b = e.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
    const svg = document.querySelector('.main-svg').getBoundingClientRect();
    const clip = [...document.querySelectorAll('clipPath[id*=geo] rect')][0];
    const x = svg.left + parseFloat(clip.getAttribute('x')), y = svg.top + parseFloat(clip.getAttribute('y'));
    const plot = {l: x, t: y, r: x + parseFloat(clip.getAttribute('width')), b: y + parseFloat(clip.getAttribute('height'))};
    const regions = [...document.querySelectorAll('path.choroplethlocation')]
        .filter(p => p.__data__ && p.__data__.loc && p.__data__.loc.startsWith(country)
                     && p.getBoundingClientRect().width > 0)
        .map(p => ({loc: p.__data__.loc, ...rect(p)}));
    return {plot, regions, legend: [...document.querySelectorAll('g.legend')].map(rect),
            colorbar: [...document.querySelectorAll('g.colorbar')].map(rect)};
}"""


def _overlaps(a, b, tol=1.0) -> bool:
    return a["l"] < b["r"] - tol and b["l"] < a["r"] - tol and a["t"] < b["b"] - tol and b["t"] < a["b"] - tol


def _load(page, url, selector=MAP_PATHS):
    page.goto(url)
    page.wait_for_selector(selector, state="attached", timeout=30_000)
    wait_ready(page)


def test_every_country_view_frames_its_regions(page, app_url, wh, screenshots):
    """Each of the 27 countries: all its regions (mainland and insets) inside the visible plot area, none under the
    legend or the colour bar."""
    countries = [r[0] for r in wh.execute("SELECT nuts_code FROM mart_region_directory WHERE level = 0 ORDER BY 1").fetchall()]
    assert len(countries) == 27
    problems = []
    for country in countries:
        _load(page, f"{app_url}/?country={country}")
        page.wait_for_timeout(300)
        geo = page.evaluate(GEOMETRY_JS, country)
        assert geo["regions"], f"{country}: no region drawn"
        plot = geo["plot"]
        for region in geo["regions"]:
            if not (region["l"] >= plot["l"] - 2 and region["r"] <= plot["r"] + 2 and region["t"] >= plot["t"] - 2
                    and region["b"] <= plot["b"] + 2):
                problems.append(f"{country}: {region['loc']} outside the plot area")
            for other in geo["legend"] + geo["colorbar"]:
                if _overlaps(region, other):
                    problems.append(f"{country}: {region['loc']} under the legend or colour bar")
        # the country fills its frame: it is not a small patch in a corner of someone else's map
        width = max(r["r"] for r in geo["regions"]) - min(r["l"] for r in geo["regions"])
        height = max(r["b"] for r in geo["regions"]) - min(r["t"] for r in geo["regions"])
        if width < 0.6 * (plot["r"] - plot["l"]) and height < 0.6 * (plot["b"] - plot["t"]):
            problems.append(f"{country}: fills only {width:.0f}×{height:.0f} px of the plot")
        if country in ("PL", "FI", "ES", "FR", "IT", "PT"):
            page.screenshot(path=str(screenshots / f"country_{country}_1440x1000.png"))
    assert not problems, problems[:20]
    assert_offline_clean(page)


@pytest.mark.parametrize("typed, region, heading", [("Oulu", "FI1D", "Pohjois- ja Itä-Suomi"),
                                                    ("itc4", "ITC4", "Lombardia"),
                                                    ("Lombardy", "ITC4", "Lombardia"),
                                                    ("Pohjois-Pohjanmaa", "FI1D", "Pohjois- ja Itä-Suomi")])
def test_search_by_city_code_or_name(page, app_url, typed, region, heading):
    _load(page, app_url + "/")
    box = page.get_by_placeholder("Name, NUTS code or city: Oulu, itc4, Lombardy")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_url(f"**region={region}**", timeout=30_000)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=15_000)
    assert parse_qs(urlparse(page.url).query)["region"] == [region]
    assert_offline_clean(page)


def test_mistyped_link_warns_and_shows_no_other_region(page, app_url, screenshots):
    page.goto(app_url + "/profile?region=ES5l")
    wait_ready(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]').first
    warning.wait_for(timeout=15_000)
    assert "ES5l" in warning.inner_text() and "Cataluña (ES51)" in warning.inner_text()
    assert page.get_by_role("heading", name="Cataluña").count() == 0
    page.screenshot(path=str(screenshots / "profile_mistyped_link_1440x1000.png"))
    assert_offline_clean(page)


def test_ministry_excel_and_csv_downloads(page, app_url, tmp_path):
    page.goto(app_url + "/gaps?country=ES")
    wait_ready(page)
    files = {}
    for label in ["Download Excel", "Download CSV (zip)", "Download CSV"]:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label, exact=True).first.click()
        files[label] = tmp_path / info.value.suggested_filename
        info.value.save_as(files[label])
    book = openpyxl.load_workbook(files["Download Excel"])
    assert book.sheetnames == ["README", "regions", "gaps", "partner_suggestions", "unaligned_competences",
                               "columns"]
    regions = book["regions"]
    header = [c.value for c in regions[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    assert regions.freeze_panes == "A2" and regions.auto_filter.ref
    assert regions.cell(row=2, column=col["coverage"]).number_format == "0.0%"
    assert regions.cell(row=2, column=col["erdf_to01_eur"]).number_format == "€#,##0"
    assert regions.cell(row=2, column=col["population"]).number_format == "#,##0"
    assert regions.column_dimensions[openpyxl.utils.get_column_letter(col["name"])].width >= 15
    assert {regions.cell(row=r, column=col["level"]).value for r in range(2, regions.max_row + 1)} == {0, 1, 2}
    why = [regions.cell(row=r, column=col["why_text"]).value for r in range(2, regions.max_row + 1)]
    assert all(why) and any("Hubs serving Cataluña" in w or "Cataluña scores" in w for w in why)
    columns = book["columns"]
    described = {(r[0], r[1]) for r in columns.iter_rows(min_row=2, values_only=True)}
    assert ("regions", "coverage") in described and ("gaps", "nearest_hub_name") in described
    assert all(r[2] and r[4] for r in columns.iter_rows(min_row=2, values_only=True) if r[1] != "method_version")
    assert book["README"].cell(row=2, column=2).alignment.wrap_text
    for sheet in book.worksheets:  # no literal "nan" or "None" anywhere
        assert not any(v in ("nan", "None") for row in sheet.iter_rows(values_only=True) for v in row)
    with zipfile.ZipFile(files["Download CSV (zip)"]) as z:
        assert "columns.csv" in z.namelist()
        assert all(z.read(n).startswith(b"\xef\xbb\xbf") for n in z.namelist() if n.endswith(".csv"))
    raw = files["Download CSV"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # per-table downloads too: Andalucía reads right in Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert "Andalucía" in {r[1] for r in rows[1:]} and not any(".0," in ",".join(r) for r in rows[1:])
    assert_offline_clean(page)


def _no_vertical_scroll(page) -> bool:
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return document.documentElement.scrollHeight <= window.innerHeight + 1
               && (!main || main.scrollHeight <= main.clientHeight + 1); }""")


def test_presentation_keyboard_at_1920x1080(browser, app_url, screenshots):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    from .conftest import Offline

    page.offline = Offline(page)
    _load(page, app_url + "/story?present=1")
    steps = []
    for key in ["ArrowRight", "PageDown", " ", "ArrowLeft", "PageUp", "ArrowDown", "ArrowRight", "ArrowRight",
                "ArrowRight", "ArrowRight"]:
        page.keyboard.press(key)
        page.wait_for_timeout(400)
        wait_ready(page)
        steps.append(parse_qs(urlparse(page.url).query)["step"][0])
    assert steps[:6] == ["2", "3", "4", "3", "2", "3"]
    assert steps[-1] == "7"  # the last step; Next is disabled there
    for number in range(1, 8):
        _load(page, f"{app_url}/story?present=1&step={number}")
        page.wait_for_timeout(500)
        assert _no_vertical_scroll(page), f"step {number} scrolls"
        page.screenshot(path=str(screenshots / f"presentation_step{number}_1920x1080.png"))
        legend = page.evaluate("() => [...document.querySelectorAll('.legendtext, .colorbar text')]"
                               ".map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert legend and min(legend) >= 24
    # a region jumped to live, then Exit back to the same view
    box = page.get_by_placeholder("Name, NUTS code or city: Oulu, itc4, Lombardy")
    box.fill("Milano")
    box.press("Enter")
    page.wait_for_url("**region=ITC4**", timeout=30_000)
    wait_ready(page)
    assert parse_qs(urlparse(page.url).query)["step"] == ["7"]
    page.get_by_role("button", name="Exit presentation").click()
    page.wait_for_function("() => !location.search.includes('present=1')", timeout=15_000)
    assert "step=7" in page.url
    _load(page, f"{app_url}/?present=1&country=ES")
    assert _no_vertical_scroll(page)
    page.screenshot(path=str(screenshots / "presentation_map_ES_1920x1080.png"))
    assert page.offline.blocked == []
    context.close()


@pytest.mark.parametrize("size", [(1440, 900), (1920, 1080)])
def test_screenshots_of_every_page(browser, app_url, screenshots, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    for name, url in [("map", "/"), ("profile", "/profile?region=ES51"), ("gaps", "/gaps?country=ES"),
                      ("compare", "/compare?regions=ES51,ITC4,FI1D"), ("data_method", "/data_method"),
                      ("story", "/story"), ("map_PL", "/?country=PL"), ("map_FI", "/?country=FI"),
                      ("map_ES", "/?country=ES"), ("map_FR", "/?country=FR")]:
        page.goto(app_url + url)
        wait_ready(page)
        page.wait_for_timeout(600)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.screenshot(path=str(screenshots / f"{name}_{size[0]}x{size[1]}.png"))
    context.close()


def test_back_goes_back_one_view_in_one_press(page, app_url):
    page.goto(app_url + "/profile?region=ES51")
    wait_ready(page)
    caption = page.locator('[data-testid="stCaptionContainer"]').first
    assert caption.inner_text().endswith("2021-2027")
    page.get_by_text("2014-2020").first.click()
    page.wait_for_url("**period=2014-2020**", timeout=15_000)
    wait_ready(page)
    assert caption.inner_text().endswith("2014-2020")
    page.go_back()
    page.wait_for_function("() => !location.search.includes('period=2014-2020')", timeout=15_000)
    wait_ready(page)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stCaptionContainer\"]').innerText"
                           ".endsWith('2021-2027')", timeout=15_000)
    assert_offline_clean(page)
