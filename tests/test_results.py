"""Recorded results (demos/results.py): what a results file holds, saving one, reading them again on change."""
import json
import os
import re

from demos import paths, results


def strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def test_the_committed_results_hold_no_path_of_the_machine_that_recorded_them():
    names = [name for name in os.listdir(paths.RESULTS) if name.endswith(".json")]
    assert names
    for name in names:
        with open(os.path.join(paths.RESULTS, name)) as f:
            data = json.load(f)
        rooted = [text for text in strings(data) if re.search(r"(^|\s)/[\w.-]", text)]
        assert rooted == [], f"{name} holds machine paths: {rooted[:3]}"
        assert all(set(result["interpreter"]) >= {"name", "version", "implementation", "gil_enabled"}
                   for result in data["results"])


def test_a_machines_results_stay_small():
    """Compact timelines: at most 3.5 KB a recorded result, as committed (the 1 ms float timelines of
    schema 1 took ~15 KB). The site loads a slide's own cells only (test_static_site_browser)."""
    for name in os.listdir(paths.RESULTS):
        if name.endswith(".json"):
            with open(os.path.join(paths.RESULTS, name)) as f:
                count = len(json.load(f)["results"])
            assert os.path.getsize(os.path.join(paths.RESULTS, name)) <= 3_500 * count, name


def test_a_file_of_another_schema_is_skipped_and_said(tmp_path, capsys):
    (tmp_path / "old.json").write_text(json.dumps({"schema": 1, "machine": {"name": "m"}, "results": []}))
    assert results.load(str(tmp_path)) == []
    assert "old.json: schema 1, not 2 (record it again" in capsys.readouterr().out


def run(cell_s, timeline="t"):
    return {"status": "ok", "cell_s": cell_s, "timeline": timeline}


def result(cell, interpreter, *cell_times):
    return {"cell": cell, "params": {}, "recorded_at": "2026-11-25T00:00:00Z",
            "interpreter": {"name": interpreter, "version": interpreter.split("-")[1], "implementation": "CPython",
                            "gil_enabled": True},
            "runs": [run(s) for s in cell_times], "summary": {}}


def test_save_keeps_the_median_runs_timeline_and_writes_atomically(tmp_path):
    path = tmp_path / "results" / "m.json"
    results.save(str(path), {"name": "m"}, [result("a", "cpython-3.11.7", 3.0, 1.0, 2.0)])
    data = json.loads(path.read_text())
    assert data["schema"] == results.SCHEMA and data["machine"] == {"name": "m"}
    assert [r["timeline"] for r in data["results"][0]["runs"]] == [None, None, "t"]
    assert "machine" not in data["results"][0]  # the file's
    assert path.read_text().count("\n{\"cell\":") == 1  # a result a line
    assert os.listdir(path.parent) == ["m.json"]  # no temporary file left


def test_the_reader_reads_again_only_when_a_file_changes(tmp_path):
    reader = results.reader(str(tmp_path))
    assert reader.get() == [] and reader.get() is reader.get()
    results.save(str(tmp_path / "m.json"), {"name": "m"}, [result("a", "cpython-3.11.7", 1.0)])
    first = reader.get()
    assert [data["file"] for data in first] == ["m.json"] and reader.get() is first
    results.save(str(tmp_path / "n.json"), {"name": "n"}, [result("a", "cpython-2.7.18", 1.0)])
    assert [data["file"] for data in reader.get()] == ["m.json", "n.json"]


def test_find_and_side_by_side_options_for_the_browser(tmp_path):
    recorded = [result("a", name, 1.0) for name in ("cpython-3.11.7", "cpython-2.7.18", "cpython-3.13.0")]
    results.save(str(tmp_path / "m.json"), {"name": "m"}, recorded)
    files = results.load(str(tmp_path))
    assert results.find(files, "a", {}, "cpython-2.7.18")["machine"] == {"name": "m"}
    assert results.find(files, "a", {"N": 1}, "cpython-2.7.18") is None
    cell = {"id": "a", "compare": {"old-new": ["cpython-2.7", "cpython>=3.2"], "none": ["pypy", "2.7"]}}
    shown = results.for_browser(files, [cell])
    assert len(shown["results"]) == 3
    # the newest match of each selector; an option with a selector matching nothing is left out
    assert shown["compare"] == {"a": [{"name": "old-new", "machine": "m",
                                       "interpreters": ["cpython-2.7.18", "cpython-3.13.0"]}]}
