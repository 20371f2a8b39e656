"""Benchmark baseline: the plainest Streamlit page drawing the same NUTS 2 choropleth (alignment score, latest
period) with plotly.express straight from the raw GISCO GeoJSON in shapefiles/. The dashboard's landing map must
paint within 1.15 × this page's time (benchmarks/bench_dashboard.py). Reads values from the same warehouse."""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import plotly.express as px
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
RAW_GEOJSON = ROOT / "shapefiles" / "nuts2021_20M" / "NUTS_RG_20M_2021_4326_LEVL_2.geojson"
WAREHOUSE = os.environ.get("ATLAS_WAREHOUSE") or str(ROOT / "data" / "warehouse" / "atlas.duckdb")


@st.cache_data
def load_geojson() -> dict:
    return json.loads(RAW_GEOJSON.read_text(encoding="utf-8"))


@st.cache_data
def load_values():
    with duckdb.connect(WAREHOUSE, read_only=True) as con:
        return con.execute("""SELECT nuts_code, alignment_score FROM mart_map_metrics
                              WHERE level = 2 AND period = (SELECT max(period) FROM mart_map_metrics)""").df()


st.title("Baseline: NUTS 2 choropleth with plotly.express")
fig = px.choropleth(load_values(), geojson=load_geojson(), locations="nuts_code", featureidkey="properties.NUTS_ID",
                    color="alignment_score", color_continuous_scale="YlGnBu")
fig.update_geos(fitbounds="locations", visible=False)
fig.update_layout(height=620, margin=dict(l=0, r=0, t=10, b=0))
st.plotly_chart(fig)
