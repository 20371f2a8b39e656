"""AppTest helpers: every page test runs the real app (dashboard/app.py with st.navigation) against the warehouse
built for this test session (ATLAS_WAREHOUSE points at it)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture
def open_page(built_warehouse, monkeypatch):
    """open_page("views/profile.py", region="ES51") → an AppTest that has run that page with those URL params."""
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(built_warehouse))

    def _open(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = str(value)
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [h.value for h in at.header] + [s.value for s in at.subheader]
    return "\n".join(parts)


def array(value) -> list:
    """A Plotly data array as a list: plotly 7 sends numeric arrays as base64 typed arrays ({dtype, bdata})."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)
