"""bench/run: which rows run, how the report reads them, and the static-limit nginx."""

import shutil
import sys
import urllib.request

import pytest

from bench import _common

sys.path.insert(0, str(_common.BENCH_DIR))  # bench scripts import `_common` by that name
run = _common.load_script("run")


def row(name, value, baseline=None, minimum=None):
    return run.Row(
        name=name, label=name, value=value, unit="req/s", baseline=baseline, minimum_ratio=minimum
    )


def test_a_row_brings_its_baseline_along():
    assert run.parse_args(["--only", "cached,front"]).names == [
        "floor",
        "static",
        "cached",
        "front",
    ]


def test_only_accepts_names_apart_or_with_commas():
    assert run.parse_args(["--only", "leads", "inbox,import"]).names == ["leads", "inbox", "import"]


def test_an_unknown_name_is_refused():
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "everything"])


def test_quick_shortens_the_runs_and_the_datasets_unless_told_otherwise():
    args = run.parse_args(["--quick", "--inbox-contacts", "500"])
    assert (args.duration, args.inbox_contacts) == (run.QUICK["duration"], 500)
    assert run.parse_args([]).inbox_contacts == 100_000


def test_ratios_are_to_the_baseline_measured_in_the_same_run():
    rows = [
        row("floor", 1000, "floor"),
        row("cached", 850, "floor", 0.8),
        row("uncached", 50, "floor", 0.1),
    ]
    run.finish(rows)
    assert [(r.ratio, r.met) for r in rows] == [(1.0, None), (0.85, True), (0.05, False)]


@pytest.mark.skipif(
    shutil.which("nginx", path="/usr/sbin:/usr/bin") is None, reason="nginx is not installed"
)
def test_static_limit_serves_the_saved_page_at_the_article_s_path():
    html = b"<!doctype html><title>Saved article</title>"
    with (
        run.static_nginx(html) as base_url,
        urllib.request.urlopen(base_url + run.ARTICLE, timeout=10) as response,
    ):
        assert response.read() == html
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
