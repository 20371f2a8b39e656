"""Presentation mode: any page in large type without the sidebar; the story of saved views stepped with
next/previous (and the keys), regions chosen live, Exit back to the same view."""
from __future__ import annotations

import json
from pathlib import Path

from .conftest import plotly_specs

PAGE = "views/story.py"
STORY = json.loads((Path(__file__).resolve().parents[2] / "dashboard/stories/eu_overview.json").read_text())


def test_story_presented_full_screen_with_keys_and_jump_box(open_page):
    at = open_page(PAGE, present="1")
    bodies = [h.proto.body for h in at.get("html")]
    assert any("font-size" in b and "stSidebar" in b for b in bodies)
    assert any("ArrowRight" in b and "PageDown" in b for b in bodies)  # clicker keys press Next / Previous
    assert at.subheader[0].value == STORY["steps"][0]["title"]
    assert not at.sidebar.button  # no sidebar controls in presentation mode
    assert at.text_input(key="find") and at.button(key="exit_present")
    spec = plotly_specs(at)[0]
    assert spec["layout"]["font"]["size"] >= 24 and spec["layout"]["legend"]["font"]["size"] >= 24


def test_next_and_previous_step_through_the_story(open_page):
    at = open_page(PAGE, present="1")
    at.button(key="next").click().run()
    assert at.query_params["step"] == "2" and at.subheader[0].value == STORY["steps"][1]["title"]
    at.button(key="next").click().run()
    at.button(key="prev").click().run()
    assert at.query_params["step"] == "2"


def test_region_in_the_url_is_outlined_live_and_kept(open_page):
    at = open_page(PAGE, present="1", step="2", region="fi1d")
    assert at.query_params["step"] == "2"  # a region link no longer falls back to step 1
    outlined = [t for t in plotly_specs(at)[0]["data"] if t.get("name") == "Selected"]
    assert outlined and outlined[0]["locations"][0] == "FI1D"
    assert any("(FI1D)" in s.value for s in at.subheader)


def test_jump_box_in_presentation_selects_a_region(open_page):
    at = open_page(PAGE, present="1")
    at.text_input(key="find").input("Oulu").run()
    assert at.query_params["region"] == "FI1D" and at.query_params["present"] == "1"


def test_any_page_can_be_presented_and_exit_returns_to_it(open_page):
    at = open_page(None, present="1", metric="coverage", country="PL")
    assert at.title == [] or at.title[0].value != "Presentation"
    spec = plotly_specs(at)[0]
    assert spec["layout"]["height"] >= 850 and spec["layout"]["coloraxis"]["colorbar"]["title"]["font"]["size"] >= 24
    at.button(key="exit_present").click().run()
    assert "present" not in at.query_params and at.query_params["country"] == "PL"
    assert at.query_params["metric"] == "coverage" and at.title[0].value == "S3 Hub Atlas"


def test_step_from_url_and_its_metric(open_page):
    n = len(STORY["steps"])
    at = open_page(PAGE, story="eu_overview", step=str(n))
    last = STORY["steps"][-1]
    assert at.header[0].value == last["title"] and at.button(key="next").disabled
    assert not any(h.proto.body.count("stSidebar") for h in at.get("html"))  # not presenting: sidebar stays


def test_every_step_of_every_story_renders(open_page):
    for story_file in sorted((Path(__file__).resolve().parents[2] / "dashboard/stories").glob("*.json")):
        story = json.loads(story_file.read_text())
        assert story["version"] == 1 and story["steps"]
        for number, step in enumerate(story["steps"], start=1):
            at = open_page(PAGE, story=story_file.stem, step=str(number))
            assert at.header[0].value == step["title"]
            spec = plotly_specs(at)[0]
            assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"].split(" (")[0] in {
                "Alignment score", "Coverage of priority domains", "EDIHs", "Uncovered priorities",
                "ERDF R&I per inhabitant", "Focus of hub competences", "Hubs", "Hubs per million inhabitants",
                "Horizon 2020 per inhabitant", "Coverage, declared competences only"}
            if step.get("region"):
                outlined = [t for t in spec["data"] if t.get("name") == "Selected"]
                assert outlined and outlined[0]["locations"][0].split("|")[0] == step["region"]
            if step.get("hubs"):
                assert [t for t in spec["data"] if t.get("name") == "Hubs"]
