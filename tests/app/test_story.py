"""Presentation mode: large type, no sidebar navigation, a story of saved views stepped with next/previous."""
from __future__ import annotations

import json
from pathlib import Path

from .conftest import plotly_specs

PAGE = "views/story.py"
STORY = json.loads((Path(__file__).resolve().parents[2] / "dashboard/stories/eu_overview.json").read_text())


def test_present_param_opens_story_full_screen(open_page):
    at = open_page(present="1")
    assert any("font-size" in h.proto.body and "stSidebar" in h.proto.body for h in at.get("html"))
    assert at.header[0].value == STORY["steps"][0]["title"]
    assert not at.sidebar.button  # no sidebar controls in presentation mode
    assert plotly_specs(at)[0]["layout"]["font"]["size"] == 18


def test_next_and_previous_step_through_the_story(open_page):
    at = open_page(present="1")
    at.button(key="next").click().run()
    assert at.query_params["step"] == "2" and at.header[0].value == STORY["steps"][1]["title"]
    at.button(key="next").click().run()
    at.button(key="prev").click().run()
    assert at.query_params["step"] == "2"


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
                "Horizon 2020 per inhabitant"}
            if step.get("region"):
                outlined = [t for t in spec["data"] if t.get("name") == "Selected"]
                assert outlined and outlined[0]["locations"][0].split("|")[0] == step["region"]
            if step.get("hubs"):
                assert [t for t in spec["data"] if t.get("name") == "Hubs"]
