"""bench/run: which rows run, how the report reads them, and the static-limit nginx."""

import os
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


def wrk_result(p50=1.0, p99=4.0, rate=500.0, errors=0):
    return _common.WrkResult(
        requests=int(rate * 10),
        seconds=10.0,
        requests_per_second=rate,
        p50_ms=p50,
        p99_ms=p99,
        non_2xx_3xx=errors,
        socket_errors=0,
    )


def test_publish_under_load_is_a_row_of_its_own():
    assert run.parse_args(["--only", "publish"]).names == ["publish"]
    assert "publish" in run.parse_args([]).names


def test_publish_under_load_compares_p99_after_the_publish_with_p99_before():
    capacity = wrk_result(rate=1000)
    calm = run.publish_rows(wrk_result(p99=4), wrk_result(p99=7.9), capacity=capacity)
    slow = run.publish_rows(wrk_result(p99=4), wrk_result(p99=8.1), capacity=capacity)
    failing = run.publish_rows(wrk_result(p99=4), wrk_result(p99=5, errors=3), capacity=capacity)
    run.finish(calm)
    assert [row.name for row in calm] == ["publish-before", "publish"]
    assert (calm[1].ratio, calm[1].met) == (7.9 / 4, True)
    assert "p50 1.0 ms" in calm[1].note and "cached capacity 1,000 req/s" in calm[0].note
    assert (slow[1].met, failing[1].met, failing[1].errors) == (False, False, 3)


def test_the_uncached_article_reports_cpu_and_queries_against_a_query_target():
    within = run.uncached_row(wrk_result(rate=50), "CPU per request: app 38.0 ms", 15)
    over = run.uncached_row(wrk_result(rate=50), "CPU per request: app 38.0 ms", 16)
    run.finish([run.Row("floor", "floor", 2000, "req/s"), within])
    assert within.minimum_ratio is None  # the speed target is withdrawn
    assert (within.target, within.met, over.met) == ("<= 15 queries", True, False)
    assert within.note == "CPU per request: app 38.0 ms; 15 queries"
    assert within.ratio == 50 / 2000  # still reported against the floor


@pytest.mark.skipif(
    shutil.which("wrk") is None and not os.environ.get("LEADSITE_REQUIRE_WRK"),
    reason="needs wrk (apt-get install wrk); LEADSITE_REQUIRE_WRK=1 makes it fail instead",
)
def test_steady_load_script_requests_every_page_in_turn_and_counts_cache_states(tmp_path):
    """wrk with the publish row's script against a server that records the paths asked."""
    import http.server
    import threading

    asked = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.send_header("X-Page-Cache", "stale")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    paths = [f"/posts/article-{n}/" for n in range(run.PUBLISH_PAGES)]
    states = tmp_path / "states.txt"
    script = run.load_script(tmp_path / "steady.lua", paths, delay_ms=5, states=states)
    server = http.server.ThreadingHTTPServer((_common.HOST, 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://{_common.HOST}:{server.server_port}{paths[0]}"
        result = _common.run_wrk(url, duration=2, threads=1, connections=2, script=script)
    finally:
        server.shutdown()
    assert result.non_2xx_3xx == 0
    assert set(asked) == set(paths)
    hit, stale, miss = (int(word) for word in states.read_text().split()[::2])
    assert (hit, miss) == (0, 0) and stale >= len(paths)  # counted by X-Page-Cache
