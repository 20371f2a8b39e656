"""The app in a real browser (headless Debian chromium), offline: every request to another host is blocked."""
from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlparse

import openpyxl
import pandas as pd
import pytest

pytestmark = pytest.mark.e2e

MAP_PATHS = "path.choroplethlocation"
PAGES = {"map": "/", "profile": "/profile?region=ES51", "gaps": "/gaps?country=ES", "compare": "/compare",
         "data_method": "/data_method", "presentation": "/?present=1"}


def wait_ready(page, timeout=30_000):
    """Streamlit finished its script run (no 'running' indicator) and the main block is painted."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]')
        && document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]').length > 2""",
                           timeout=timeout)
    page.wait_for_timeout(300)


def assert_offline_clean(page):
    assert page.offline.blocked == [], f"requests left localhost: {page.offline.blocked[:5]}"
    assert page.offline.failed == [], f"failed requests: {page.offline.failed[:5]}"


def test_map_paints_one_path_per_region(page, app_url, wh, screenshots):
    page.goto(app_url + "/")
    page.wait_for_selector(MAP_PATHS, timeout=30_000)
    wait_ready(page)
    expected = wh.execute("""SELECT count(*) FROM mart_map_geometry
                             WHERE (level = 2) OR (level = 0 AND view = 'context')""").fetchone()[0]
    # one path per shape, plus the outlines drawn over regions scored on a fallback (method 2.0)
    outlines = page.evaluate("""() => document.querySelector('.js-plotly-plot').data
        .filter(t => t.name === 'Scored on a fallback').reduce((n, t) => n + t.locations.length, 0)""")
    assert page.locator(MAP_PATHS).count() == expected + outlines
    located = page.evaluate(f"""() => [...document.querySelectorAll('{MAP_PATHS}')]
                                     .map(p => p.__data__ && p.__data__.loc).filter(Boolean)
                                     .map(loc => loc.split('|')[0])""")
    eu_nuts2 = {r[0] for r in wh.execute("SELECT nuts_code FROM mart_region_directory WHERE level = 2").fetchall()}
    assert eu_nuts2 <= set(located)
    assert page.get_by_text("© EuroGeographics for the administrative boundaries").count() >= 1
    page.screenshot(path=str(screenshots / "map.png"), full_page=True)
    assert_offline_clean(page)


def test_clicking_a_region_opens_its_profile(page, app_url, wh):
    page.goto(app_url + "/?metric=alignment&level=2")
    page.wait_for_selector(MAP_PATHS, timeout=30_000)
    wait_ready(page)
    # the largest EU region, clicked at a point inside its polygon (SVG isPointInFill, mapped to the screen)
    eu_nuts2 = [r[0] for r in wh.execute("SELECT nuts_code FROM mart_region_directory WHERE level = 2").fetchall()]
    target = page.evaluate(f"""(codes) => {{
        const paths = [...document.querySelectorAll('{MAP_PATHS}')].filter(p => p.__data__
                        && codes.includes(p.__data__.loc) && p.getBoundingClientRect().width > 0);
        paths.sort((a, b) => b.getBBox().width * b.getBBox().height - a.getBBox().width * a.getBBox().height);
        for (const p of paths) {{
            const box = p.getBBox(), m = p.getScreenCTM();
            for (const [fx, fy] of [[.5, .5], [.4, .6], [.6, .4], [.5, .3], [.5, .7], [.3, .5], [.7, .5]]) {{
                const pt = new DOMPoint(box.x + box.width * fx, box.y + box.height * fy);
                if (p.isPointInFill(pt)) {{
                    const s = pt.matrixTransform(m);
                    return {{x: s.x, y: s.y, loc: p.__data__.loc}};
                }}
            }}
        }}
        return null; }}""", eu_nuts2)
    assert target, "no clickable region found"
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url("**/profile?**", timeout=30_000)
    wait_ready(page)
    params = parse_qs(urlparse(page.url).query)
    assert params["region"] == [target["loc"]]
    name = wh.execute("SELECT name FROM mart_region_directory WHERE nuts_code = ?", [target["loc"]]).fetchone()[0]
    page.get_by_role("heading", name=name).first.wait_for(timeout=15_000)
    assert_offline_clean(page)


def test_downloads_produce_files_that_open(page, app_url, tmp_path):
    page.goto(app_url + "/gaps?country=ES")
    wait_ready(page)
    files = {}
    for label in ["Download Excel", "Download CSV (zip)", "Download Parquet (zip)", "Download CSV"]:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label, exact=True).first.click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[label] = target
    book = openpyxl.load_workbook(files["Download Excel"], read_only=True)
    assert book.sheetnames[0] == "README" and len(book.sheetnames) >= 5
    readme = pd.read_excel(files["Download Excel"], sheet_name="README")
    assert {"method_version", "nuts_version"} <= set(readme.field)
    for label, reader in [("Download CSV (zip)", pd.read_csv), ("Download Parquet (zip)", pd.read_parquet)]:
        with zipfile.ZipFile(files[label]) as z:
            names = z.namelist()
            assert "README.md" in names
            data_files = [n for n in names if n != "README.md" and not n.startswith("README")]
            assert data_files and all(len(reader(io.BytesIO(z.read(n))).columns) for n in data_files)
    table = pd.read_csv(files["Download CSV"])
    assert len(table) > 5 and set(table.country_code) == {"ES"}
    assert_offline_clean(page)


def test_presentation_mode_hides_the_sidebar(page, app_url, screenshots):
    page.goto(app_url + "/story?present=1")
    page.wait_for_selector(MAP_PATHS, state="attached", timeout=30_000)
    wait_ready(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    body_size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.stMarkdown p')).fontSize)")
    assert body_size >= 20
    first = page.locator("h3").first.inner_text()
    page.get_by_role("button", name="Next ▶").click()
    page.wait_for_url("**step=2**", timeout=15_000)
    wait_ready(page)
    assert page.locator("h3").first.inner_text() != first
    assert_offline_clean(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_works_offline(page, app_url, screenshots, name):
    page.goto(app_url + PAGES[name])
    wait_ready(page)
    if name in ("map", "presentation"):
        page.wait_for_selector(MAP_PATHS, state="attached", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    page.set_viewport_size({"width": 1440, "height": 1800})  # Streamlit scrolls inside the page: show more of it
    page.wait_for_timeout(800)
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    assert_offline_clean(page)
