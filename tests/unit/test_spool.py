"""The spool hands back a file the last build published when it holds the very bytes asked for, and
writes its own file otherwise."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

import pytest

from archivist.write.spool import PublishedFile, Spool, SpooledFile, file_stamp


@pytest.fixture
def published(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    (folder / "articles" / "one").mkdir(parents=True)
    (folder / "articles" / "one" / "cite.bib").write_bytes(b"@article{one}\n")
    return folder


def spooled_names(spool: Spool) -> list[str]:
    site = spool.folder / "site"
    return sorted(os.listdir(site)) if site.is_dir() else []


def test_the_same_bytes_are_the_published_file_and_nothing_is_written(published: Path, tmp_path: Path) -> None:
    with Spool(tmp_path / "cache", published=published) as spool:
        found = spool.put("articles/one/cite.bib", b"@article{one}\n")
        assert isinstance(found, PublishedFile) and not isinstance(found, SpooledFile)
        assert os.path.samefile(found, published / "articles" / "one" / "cite.bib")
        assert found.stamp == file_stamp(os.stat(found))
        assert spooled_names(spool) == []
        back = pickle.loads(pickle.dumps(found))  # as a forked worker hands it back
        assert isinstance(back, PublishedFile) and back == found and back.stamp == found.stamp


def test_a_link_to_a_folder_in_the_published_tree_is_never_followed(published: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "one"
    elsewhere.mkdir(parents=True)
    (elsewhere / "cite.bib").write_bytes(b"@article{one}\n")
    (published / "linked").symlink_to(tmp_path / "elsewhere")
    with Spool(tmp_path / "cache", published=published) as spool:
        assert isinstance(spool.put("linked/one/cite.bib", b"@article{one}\n"), SpooledFile)
        assert isinstance(spool.put("articles/one/cite.bib", b"@article{one}\n"), PublishedFile)


def test_a_pipe_in_the_published_tree_does_not_stop_the_build(published: Path, tmp_path: Path) -> None:
    os.mkfifo(published / "articles" / "one" / "cite.ris")
    found: list[Path] = []
    with Spool(tmp_path / "cache", published=published) as spool:
        reader = threading.Thread(target=lambda: found.append(spool.put("articles/one/cite.ris", b"TY  - JOUR\n")),
                                  daemon=True)
        reader.start()
        reader.join(timeout=10)
        assert found and isinstance(found[0], SpooledFile)


@pytest.mark.parametrize("data", [b"@article{two}\n", b"@article{one}\n\n", b""])
def test_other_bytes_are_written_to_the_spool(published: Path, tmp_path: Path, data: bytes) -> None:
    with Spool(tmp_path / "cache", published=published) as spool:
        found = spool.put("articles/one/cite.bib", data)
        assert isinstance(found, SpooledFile) and found.read_bytes() == data
        assert len(spooled_names(spool)) == 1
    assert (published / "articles" / "one" / "cite.bib").read_bytes() == b"@article{one}\n"


def test_a_path_the_last_build_did_not_publish_is_written_to_the_spool(published: Path, tmp_path: Path) -> None:
    with Spool(tmp_path / "cache", published=published) as spool:
        assert isinstance(spool.put("articles/two/cite.bib", b"@article{one}\n"), SpooledFile)
        assert isinstance(spool.put("articles/one", b""), SpooledFile)  # a folder there


def test_a_link_in_the_published_tree_is_never_taken_for_the_file(published: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.bib"
    outside.write_bytes(b"@article{one}\n")
    (published / "articles" / "one" / "cite.ris").symlink_to(outside)
    with Spool(tmp_path / "cache", published=published) as spool:
        assert isinstance(spool.put("articles/one/cite.ris", b"@article{one}\n"), SpooledFile)


def test_a_path_leaving_the_published_tree_is_not_read(published: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"kept\n")
    with Spool(tmp_path / "cache", published=published) as spool:
        assert isinstance(spool.put("../secret.txt", b"kept\n"), SpooledFile)
        assert isinstance(spool.put(str(tmp_path / "secret.txt"), b"kept\n"), SpooledFile)


def test_without_a_published_folder_every_file_is_the_spool_s(published: Path, tmp_path: Path) -> None:
    with Spool(tmp_path / "cache") as spool:
        assert isinstance(spool.put("articles/one/cite.bib", b"@article{one}\n"), SpooledFile)
