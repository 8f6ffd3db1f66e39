from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from itemadapter import ItemAdapter

from replica import ReplicaServer
from tcacrawler.exporters import AtomicFileFeedStorage, JsonLinesExporter, exportable
from tcacrawler.items import ArticleItem, RateItem
from tests.crawling import run_crawl


def test_line_separators_are_escaped_and_transient_fields_dropped() -> None:
    item = ArticleItem(
        story_id="timesca:1",
        url="https://timesca.com/a/",
        headline="Tenge\u2028rises",
        article_body="One\u2029two\x85three — Oʻzbekiston",
        site="timesca",
        furniture_text="KGS/USD = 0.01144 0%",
    )
    buffer = io.BytesIO()
    JsonLinesExporter(buffer).export_item(item)
    raw = buffer.getvalue()
    assert raw.count(b"\n") == 1 and raw.endswith(b"\n")
    text = raw.decode("utf-8")
    assert len(text.splitlines()) == 1
    record = json.loads(text)
    assert record["headline"] == "Tenge\u2028rises"
    assert record["article_body"] == "One\u2029two\x85three — Oʻzbekiston"
    assert "furniture_text" not in record
    assert "Oʻzbekiston" in text  # UTF-8, not \u escapes


def test_atomic_storage_publishes_only_on_store(tmp_path: Path) -> None:
    target = tmp_path / "site" / "run.jsonl"
    storage = AtomicFileFeedStorage(str(target), feed_options={"overwrite": True})
    file = storage.open(None)
    file.write(b'{"a":1}\n')
    assert not target.exists()
    assert len(list(target.parent.glob(".run.jsonl.*.part"))) == 1
    storage.store(file)
    assert target.read_bytes() == b'{"a":1}\n'
    assert list(target.parent.glob("*.part")) == []


def test_exportable_dataclass_items_as_itemadapter_gives_them() -> None:
    # exportable() reads our dataclass items directly; the same dict as through ItemAdapter
    article = ArticleItem(
        story_id="timesca:1",
        url="https://timesca.com/a/",
        headline="H",
        article_body="B",
        site="timesca",
        aliases=["https://timesca.com/?p=1"],
        furniture_text="KGS/USD = 0.01144 0%",
    )
    rate = RateItem("KGS", "USD", 0.01144, 0.0, None, "https://timesca.com/a/", "timesca")
    for item in (article, rate):
        adapter = ItemAdapter(item)
        expected = {
            name: value
            for name, value in adapter.items()
            if not adapter.get_field_meta(name).get("transient")
        }
        record = exportable(item)
        assert record == expected and list(record) == list(expected)
        assert record.get("aliases") is getattr(item, "aliases", None)  # no copies
    assert exportable({"type": "x", "a": 1}) == {"type": "x", "a": 1}


def test_dumps_line_is_json_dumps_compact() -> None:
    # dumps_line reuses one encoder; the bytes are those of json.dumps with the same options
    import json

    from tcacrawler.exporters import dumps_line

    for record in (
        {"a": "é\u2028x", "b": [1, 2.5, None, True], "c": {"d": "\x85"}},
        {},
        {"n": 1e300},
    ):
        want = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        want = (
            want.replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
            .replace("\x85", "\\u0085")
        )
        assert dumps_line(record) == want


@pytest.mark.e2e
def test_published_files_are_readable_as_the_umask_allows(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # mkstemp makes its files 0600 whatever the umask: the published records and
    # manifests were readable by the crawl's own user only, not by the downstream jobs
    story = fresh_replica.site.truth()[0]["url"]
    previous = os.umask(0o022)
    try:
        result = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"urls": story})
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.log[-2000:]
    site_dir = tmp_path / "output" / "timesca"
    run_id = result.manifest["run_id"]
    for path in (
        site_dir / f"{run_id}.jsonl",
        site_dir / "rates" / f"{run_id}.jsonl",
        site_dir / "manifests" / f"{run_id}.json",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


@pytest.mark.e2e
def test_an_existing_output_file_keeps_its_mode(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # -o appends to a file a downstream job shares (group-writable here): the temporary
    # file renamed over it took the umask's mode, and the group lost its write access
    shared = tmp_path / "shared.jsonl"
    shared.write_text("")
    shared.chmod(0o664)
    story = fresh_replica.site.truth()[0]["url"]
    result = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"urls": story},
        options=("-o", str(shared)),
    )
    assert result.returncode == 0, result.log[-2000:]
    assert shared.read_text().count("\n") >= 1
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
