"""Every benchmark still runs with its one command and prints its figures (at toy sizes here:
the figures themselves are taken on demand, see docs/performance.md)."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO

NUMBER = r"[\d,]+(?:\.\d+)?"


def bench(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, f"bench/{script}", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "nproc" in proc.stdout or "CPUs" in proc.stdout      # the machine it ran on
    return proc.stdout


def test_engine_bench_prints_whoosh_and_fts5_percentiles(tmp_path):
    out = bench("engine.py", "--sizes", "real,300", "--rounds", "1", "--workdir", str(tmp_path))
    for size in ("real", "300"):
        # sections, build s | whoosh p50 p95 p99 first-p95 | fts5 p50 p95 p99 | ratio
        row = re.search(rf"^{size}\s+(\d+)\s+{NUMBER}\s+\|(\s+{NUMBER}){{4}}\s+\|(\s+{NUMBER}){{3}}"
                        rf"\s+\|\s+{NUMBER}$", out, re.M)
        assert row, out
        assert int(row.group(1)) > 0


def test_http_bench_reports_search_and_suggest_without_errors():
    out = bench("http_search.py", "--path", "/api/search", "--seconds", "1", "--suggest-seconds", "1",
                "--clients", "2", "--cached")
    for path in ("/api/search", "/api/suggest"):
        m = re.search(rf"GET {path} .*: (\d+) ok, 0 errors, ({NUMBER}) req/s.*\n"
                      rf"  latency ms: p50 \d+  p95 \d+  p99 \d+", out)
        assert m and int(m.group(1)) > 0, out
    # the honest figure first (distinct questions, cache off), the cached one only beside it
    honest = re.search(r"^GET /api/search \(distinct natural-language queries, \d+ pairs, result cache off\): "
                       rf"\d+ ok, 0 errors, {NUMBER} req/s, server CPU {NUMBER} ms/request$", out, re.M)
    cached = re.search(r"^CACHED \(result cache on, \d+ repeated queries\) GET /api/search", out, re.M)
    assert honest and cached and honest.start() < cached.start(), out


def test_reindex_bench_prints_throughput_beside_sudachi_and_publish_latency():
    out = bench("reindex.py", "--sections", "300", "--jobs", "2")
    assert len(re.findall(rf"Sudachi alone.*?({NUMBER}) chars/s", out)) == 2, out      # real and synthetic
    assert len(re.findall(rf"reindex, 2 processes:.*?({NUMBER}) chars/s", out)) == 2, out
    assert re.search(r"publish→searchable .*: median \d+ ms, max \d+ ms", out), out


def test_coldstart_bench_reports_memory_of_every_worker():
    out = bench("coldstart.py", "--workers", "2")
    assert re.search(rf"cold start .*: {NUMBER} s", out), out
    m = re.search(r"peak RSS per process (\d+), (\d+), (\d+) MiB; whole server \(PSS\) (\d+) MiB", out)
    assert m and all(int(x) > 0 for x in m.groups()), out


def test_build_profile_names_the_layers_and_the_hot_functions():
    out = bench("build_profile.py", "--top", "5")
    shares = re.findall(r"^  (Sudachi|our analysis|writing)\s+\d+\.\d+ s\s+(\d+)%", out, re.M)
    assert [name for name, _ in shares] == ["Sudachi", "our analysis", "writing"], out
    assert 90 <= sum(int(p) for _, p in shares) <= 110
    assert "tokenize" in out.split("cProfile of the same build")[1]


def test_api_spec_cost_bench_prints_the_request_cost_of_our_route():
    out = bench("api_spec_cost.py", "--requests", "50", "--rounds", "1")
    row = re.search(rf"^plain Flask \+ own checks \(ours\)\s+{NUMBER}\s+({NUMBER})\s+\+0\.0\s+200 400$", out, re.M)
    assert row and float(row.group(1)) > 0, out


def test_asked_split_bench_scores_the_field_on_and_off():
    out = bench("asked_split.py", "--cutoffs", "2026-06-01")
    rows = re.findall(rf"^\| 2026-06-01 \| (\d+) \| (\d+) \| (on|off) \|(?: {NUMBER} \|){{3}}$", out, re.M)
    assert {r[2] for r in rows} == {"on", "off"} and all(int(r[0]) > 0 and int(r[1]) > 0 for r in rows), out
def test_hardening_bench_prints_growth_ratios_and_vocabulary_time():
    out = bench("hardening.py", "--n", "50", "--rounds", "1")
    for work in ("unique heading ids ×100", "editor preview", "import (articles)"):
        assert re.search(rf"^{re.escape(work)}.*\s{NUMBER}\s+{NUMBER}\s+{NUMBER}$", out, re.M), out
    assert re.search(rf"reader vocabulary rebuild: {NUMBER} s", out), out
def test_share_bench_times_export_import_and_a_repeat_import(tmp_path):
    out = bench("share.py", "--cases", "30", "--workdir", str(tmp_path / "share"))
    assert re.search(rf"kb share export: {NUMBER} s wall .*30 cases", out), out
    assert re.search(rf"kb share import: {NUMBER} s wall .*30 added.*stages: verify {NUMBER} s", out), out
    assert re.search(rf"kb share import again: {NUMBER} s wall .*0 added.*30 unchanged", out), out
    assert re.search(rf"publish gate {NUMBER} s \({NUMBER} ms a case", out), out
def test_ui_layout_bench_prints_card_positions_and_poll_latency():
    out = bench("ui_layout.py", "--queries", "2", "--polls", "3")
    for size in ("768x1024", "375x740"):
        assert re.search(rf"^{size}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+\|\s+\d+\s+\d+\s+\d+$", out, re.M), out
    assert re.search(rf"304 \(unchanged\):\s+p50 {NUMBER} ms", out), out
def test_anonymiser_bench_reports_every_set_per_type_and_the_2000_character_median():
    out = bench("anonymize_eval.py", "--speed-rounds", "3", "--long-sizes", "2000")
    for title in ("(all)", "old lines (p…)", "new lines (q…)"):
        block = out.split(title, 1)[1]
        assert re.search(rf"^person\s+{NUMBER} \(\d+/\d+\)\s+{NUMBER} \(\d+/\d+\)$", block, re.M), out
        assert re.search(r"^keep-words masked: \d+ of \d+; 要確認 spans: \d+$", block, re.M), out
    assert re.search(rf"2,000-character inquiry: median {NUMBER} ms", out), out


def test_tagger_bench_scores_a_held_out_set_with_and_without_the_tagger():
    out = bench("pii_tagger_cv.py", "--every", "8", "bench/pii_fresh2.jsonl")
    block = out.split("pii_fresh2.jsonl (60 texts", 1)[1]
    for label in ("rules:", "+ tagger:"):
        assert re.search(rf"{re.escape(label)}\s+recall {NUMBER}\s+precision {NUMBER}\s+keep-words masked \d+", block), out
