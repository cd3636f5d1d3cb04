"""`copydesk bench --speed`: percentiles, ratios and the target verdicts, on made-up timings."""

from __future__ import annotations

from copydesk.bench import speed
from copydesk.bench.runner import Measurement
from copydesk.bench.scoring import PageScore


def measurements(times: list[float]) -> list[Measurement]:
    return [Measurement(PageScore(0.0, 0.0, 0.0), ms) for ms in times]


def test_latency_percentiles():
    lat = speed.latency(measurements([float(ms) for ms in range(1, 101)]))
    assert (lat.p50, lat.max, lat.pages, lat.errors) == (50.5, 100.0, 100, 0)
    assert 95 < lat.p95 < 96 and 99 < lat.p99 < 100


def test_report_gives_ratios_and_verdicts():
    stats = {"aeb": {"copydesk": speed.latency(measurements([4.0, 5.0, 6.0])),
                     "parse": speed.latency(measurements([1.0, 2.0, 3.0])),
                     "trafilatura": speed.latency(measurements([30.0, 40.0, 50.0]))}}
    text = speed.markdown(stats, {"copydesk": speed.Footprint(100 * speed.MIB, 150 * speed.MIB)})
    assert "| **copydesk** | 5.0 |" in text
    assert "p50 <= 1/5 of trafilatura's: 0.12 (met" in text
    assert "p50 <= 4x the bare parse: 2.50 (met" in text
    assert "| copydesk | 150 | 100 | 50 |" in text


def test_own_peak_rss_is_positive():
    assert speed.own_peak_rss() > 0
