"""The matchers' disk cache: hit, miss, corrupt, foreign and unwritable files, same results."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Any

import pytest

from crawler.enrichment import cache, core
from crawler.enrichment.cache import cache_dir, cache_key, cached, dumps, loads
from crawler.enrichment.core import Matchers, build_matchers
from crawler.enrichment.trie import CAPITALISED_WORD

ARTICLES = [
    {
        "title": "Drone strike near Erbil as Kataib Hezbollah warns US forces",
        "summary": "Iraqi officials said the attack hit a base.",
        "body": "Two rockets struck near Baghdad airport. Michael Jordan was not there.\n\n"
        "Protesters stormed the council in Tripoli, Lebanon, on Monday. "
        "العراق وسوريا: هجوم بطائرة مسيرة على قاعدة عين الأسد.",
        "section": "Middle East",
        "tags": ["Iraq"],
    },
    {"title": "Lebanon, Pa., holds a fair", "body": "The Hague hosted talks on Gaza."},
]


class Build:
    """A build function that counts its calls."""

    def __init__(self, value: Any) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def _entry(directory: Path) -> Path:
    return directory / f"matchers-{cache_key()}.pickle"


@pytest.fixture(scope="module")
def built() -> Matchers:
    return build_matchers()


def test_miss_builds_and_stores_then_hit_loads_without_building(tmp_path: Path) -> None:
    build = Build({"a": [1, 2]})
    assert cached(build, dict, tmp_path) == {"a": [1, 2]}
    assert build.calls == 1 and _entry(tmp_path).is_file()
    assert cached(build, dict, tmp_path) == {"a": [1, 2]}
    assert build.calls == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_loaded_matchers_enrich_exactly_like_built_ones(
    tmp_path: Path, built: Matchers, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached(Build(built), Matchers, tmp_path)
    loaded = cached(Build(None), Matchers, tmp_path)
    assert isinstance(loaded, Matchers) and loaded is not built
    expected = []
    for matchers in (built, loaded):
        monkeypatch.setattr(core, "matchers", lambda m=matchers: m)
        expected.append([core.enrich_article(a) for a in ARTICLES])
    assert expected[0] == expected[1]
    assert expected[0][0]["actors"] and expected[0][0]["places"]


def test_identity_shared_objects_survive_the_round_trip(built: Matchers) -> None:
    loaded = loads(dumps(built))
    cases = {id(alias.case) for aliases in loaded.gazetteer.trie.entries() for alias in aliases}
    assert id(CAPITALISED_WORD) in cases
    assert all(
        alias.case is CAPITALISED_WORD or alias.case != CAPITALISED_WORD
        for aliases in loaded.gazetteer.trie.entries()
        for alias in aliases
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle", pickle.dumps({"a": 1})[:-3], pickle.dumps(["a list"])],
    ids=["empty", "garbage", "truncated", "wrong-type"],
)
def test_a_bad_file_means_build_and_replace(tmp_path: Path, content: bytes) -> None:
    _entry(tmp_path).write_bytes(content)
    build = Build({"a": 1})
    assert cached(build, dict, tmp_path) == {"a": 1}
    assert build.calls == 1
    assert loads(_entry(tmp_path).read_bytes()) == {"a": 1}


def test_an_unknown_shared_object_is_a_bad_file(tmp_path: Path) -> None:
    class Foreign(pickle.Pickler):
        def persistent_id(self, obj: Any) -> str | None:
            return "SOMETHING_ELSE" if obj == "x" else None

    with _entry(tmp_path).open("wb") as fh:
        Foreign(fh).dump({"a": "x"})
    build = Build({"a": 1})
    assert cached(build, dict, tmp_path) == {"a": 1} and build.calls == 1


def test_unusable_directory_builds_and_does_not_fail(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the directory should be")
    build = Build({"a": 1})
    assert cached(build, dict, blocker / "cache") == {"a": 1}
    assert cached(build, dict, blocker / "cache") == {"a": 1}
    assert build.calls == 2


def test_unpicklable_value_is_returned_and_not_stored(tmp_path: Path) -> None:
    build = Build({"lock": threading.Lock()})
    assert "lock" in cached(build, dict, tmp_path)
    assert not _entry(tmp_path).exists()
    assert not list(tmp_path.iterdir())


def test_entries_of_other_keys_are_removed_when_a_new_one_is_written(tmp_path: Path) -> None:
    stale = tmp_path / "matchers-0123456789abcdef.pickle"
    stale.write_bytes(dumps({"old": 1}))
    other = tmp_path / "unrelated.txt"
    other.write_text("kept")
    cached(Build({"a": 1}), dict, tmp_path)
    assert not stale.exists() and other.exists() and _entry(tmp_path).exists()


def test_concurrent_writers_leave_one_whole_entry(tmp_path: Path) -> None:
    values = [{"n": list(range(20000))} for _ in range(6)]
    threads = [threading.Thread(target=cached, args=(Build(v), dict, tmp_path)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads(_entry(tmp_path).read_bytes()) == values[0]
    assert [p.name for p in tmp_path.iterdir()] == [_entry(tmp_path).name]


def test_key_is_stable_and_names_the_file(tmp_path: Path) -> None:
    assert cache_key() == cache_key()
    assert len(cache_key()) == 32


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x"
    monkeypatch.setenv(cache.ENV, "")
    assert cache_dir() is None
    build = Build({"a": 1})
    cached(build, dict)
    cached(build, dict)
    assert build.calls == 2  # no cache: built every time
    monkeypatch.delenv(cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "mesec-crawler" / "enrichment"


def test_a_written_entry_is_private(tmp_path: Path) -> None:
    directory = tmp_path / "new"
    cached(Build({"a": 1}), dict, directory)
    assert os.stat(directory).st_mode & 0o077 == 0
    assert os.stat(_entry(directory)).st_mode & 0o077 == 0


def test_a_file_others_may_write_is_not_read(tmp_path: Path) -> None:
    cached(Build({"a": 1}), dict, tmp_path)
    os.chmod(_entry(tmp_path), 0o666)
    build = Build({"a": 2})
    assert cached(build, dict, tmp_path) == {"a": 2} and build.calls == 1
    assert os.stat(_entry(tmp_path)).st_mode & 0o077 == 0  # replaced by a private file
