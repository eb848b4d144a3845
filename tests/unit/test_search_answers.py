"""Pagefind's service answers read as they arrive: the same answers, whatever pieces the bytes come
in, garbage refused, and a shard's bundle never held in memory several times over."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest

from archivist.search.answers import AnswerReader, NotAnAnswer

LIMIT = 2**28


def message(message_id: int | None, payload: dict) -> bytes:
    """An answer as Pagefind's service writes it: compact JSON (serde's), in base64, then a comma."""
    text = json.dumps({"message_id": message_id, "payload": payload}, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")) + b","


def bundle_answer(message_id: int, files: dict[str, bytes]) -> bytes:
    return message(message_id, {"type": "GetFiles", "files": [
        {"path": path, "content": base64.b64encode(data).decode("ascii")} for path, data in files.items()]})


FILES = {
    "pagefind-entry.json": b'{"version":"1.5.2","languages":{}}',
    "fragment/en_0a1b2c3.pf_fragment": bytes(range(256)) * 40,
    "index/en_9f8e7d6.pf_index": b"\x1f\x8b" + b"words" * 3001,
    'odd "quoted" \\ path/ü.bin': b"",  # escapes in the path's JSON string; an empty file
    "pagefind.js": b"x" * 7,
}
INDEXED = message(3, {"type": "IndexedFile", "page_word_count": 12, "page_url": "/a/", "page_meta": {"title": "A"}})
ERROR = message(None, {"type": "Error", "original_message": '{"message_id":4}', "message": "no such index"})
STREAM = INDEXED + bundle_answer(7, FILES) + ERROR


def expected() -> list[dict]:
    return [json.loads(base64.b64decode(INDEXED[:-1])),
            {"message_id": 7, "payload": {"type": "GetFiles",
                                          "files": [{"path": path, "content": data} for path, data in FILES.items()]}},
            json.loads(base64.b64decode(ERROR[:-1]))]


def read_in_pieces(stream: bytes, cuts: list[int]) -> list[dict]:
    reader, answers, start = AnswerReader(LIMIT), [], 0
    for cut in sorted(cuts) + [len(stream)]:
        answers += reader.feed(stream[start:cut])
        start = cut
    return answers


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 64, 1000, len(STREAM)])
def test_the_answers_do_not_depend_on_the_pieces_they_arrive_in(size: int) -> None:
    assert read_in_pieces(STREAM, list(range(size, len(STREAM), size))) == expected()


def test_answers_cut_at_random_places() -> None:
    chance = random.Random(11)
    for _ in range(200):
        cuts = chance.sample(range(1, len(STREAM)), chance.randint(1, 40))
        assert read_in_pieces(STREAM, cuts) == expected()


def test_a_bundle_answer_that_starts_otherwise_is_read_whole_with_the_same_files() -> None:
    """A member order other than serde's: not streamed, but the files come back decoded all the same."""
    text = json.dumps({"payload": {"files": [{"content": base64.b64encode(b"abc").decode(), "path": "p"}] * 30,
                                   "type": "GetFiles"}, "message_id": 9})
    answers = AnswerReader(LIMIT).feed(base64.b64encode(text.encode()) + b",")
    assert answers == [{"payload": {"files": [{"content": b"abc", "path": "p"}] * 30, "type": "GetFiles"},
                        "message_id": 9}]


def test_an_empty_bundle_answer() -> None:
    assert AnswerReader(LIMIT).feed(bundle_answer(2, {})) == [
        {"message_id": 2, "payload": {"type": "GetFiles", "files": []}}]


@pytest.mark.parametrize("stream", [
    b"\x00\xffthis is garbage, not an answer{\n,",  # not base64
    base64.b64encode(b"[1, 2]") + b",",  # JSON, but no message
    base64.b64encode(b'{"message_id": 1, "payload": ') + b",",  # cut short
    bundle_answer(7, FILES)[:-40] + b",",  # a bundle answer cut short inside a file
    bundle_answer(7, FILES)[:-5] + b",",  # a bundle answer whose list never ends
    base64.b64encode(b'{"message_id":7,"payload":{"type":"GetFiles","files":[{"path":"a","content":"@@@@"}]}}') + b",",
    base64.b64encode(b'{"message_id":7,"payload":{"type":"GetFiles","files":[{"path":"a","content":"QQ=="]]}}') + b",",
    base64.b64encode(b'{"message_id":7,"payload":{"type":"GetFiles","files":[{"path":7,"content":"QUFB"}]}}') + b",",
])
def test_what_is_not_an_answer_is_refused_naming_its_first_bytes(stream: bytes) -> None:
    with pytest.raises(NotAnAnswer) as refused:
        read_in_pieces(stream, list(range(3, len(stream), 3)))
    assert refused.value.reason.startswith("it wrote something that is not an answer: ")
    first = stream[:min(20, stream.index(b","))]  # a message ends at the first comma, garbage or not
    assert ascii(first.decode("utf-8", "replace"))[1:-1] in refused.value.reason


def test_output_that_never_ends_a_message_is_refused_at_the_limit() -> None:
    reader = AnswerReader(limit=1000)
    with pytest.raises(NotAnAnswer, match="wrote over 1000 bytes that are not a message"):
        for _ in range(100):
            reader.feed(base64.b64encode(b'{"message_id": 1, "payload": "' + b"a" * 60))


def test_a_large_bundle_is_held_about_once_while_it_is_read() -> None:
    """Read whole, the message, its JSON, its strings and the files were alive together: about four
    times the bundle. Read as it arrives, the peak is the files themselves and one piece."""
    chance = random.Random(5)
    files = {f"fragment/en_{n:07x}.pf_fragment": chance.randbytes(40_000) for n in range(250)}  # 10 MB
    stream = bundle_answer(1, files)
    total = sum(map(len, files.values()))
    reader = AnswerReader(LIMIT)
    tracemalloc.start()
    try:
        answers = [answer for start in range(0, len(stream), 65536) for answer in reader.feed(stream[start:start + 65536])]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [item["content"] for item in answers[0]["payload"]["files"]] == list(files.values())
    assert peak < 1.3 * total, f"peak {peak} bytes for a bundle of {total}"


@pytest.mark.parametrize("stream", [
    # nesting deep enough to exhaust the JSON reader, in a path and in a message read whole
    base64.b64encode(b'{"message_id":7,"payload":{"type":"GetFiles","files":[{"path":' + b"[" * 100_000
                     + b',"content":"QUFB"}]}}') + b",",
    base64.b64encode(b'{"message_id":' + b"[" * 100_000) + b",",
    # a bundle answer short enough to be read whole, with a path that is no string or content that is no base64
    base64.b64encode(b'{"message_id":7,"payload":{"type":"GetFiles","files":[{"path":1,"content":""}]}}') + b",",
    base64.b64encode(b'{"message_id":7,"payload":{"type":"GetFiles","files":[{"path":"a","content":"@@"}]}}') + b",",
])
def test_malformed_answers_of_every_shape_are_refused_as_garbage(stream: bytes) -> None:
    with pytest.raises(NotAnAnswer, match="not an answer"):
        AnswerReader(LIMIT).feed(stream)


def test_an_answer_the_service_cannot_take_fails_the_waiting_call_at_once(tmp_path, monkeypatch) -> None:
    """An answer no check foresaw (here a message id that is a list) ends the process and fails the
    call waiting on it at once: it must not wait for the shard's deadline, as a reader that stopped
    silently would make it."""
    from archivist.search.service import ProcessLost, PromptService

    fake = tmp_path / "pagefind"
    answer = base64.b64encode(b'{"message_id":[1],"payload":{"type":"NewIndex","index_id":0}}') + b","
    fake.write_text(f"#!/bin/sh\nprintf '%s' '{answer.decode()}'\nexec sleep 60\n", encoding="utf-8")
    fake.chmod(0o755)

    async def call() -> None:
        service = PromptService()
        service._bin = fake
        await service.launch()
        try:
            await asyncio.wait_for(service.submit({"type": "NewIndex"}), timeout=10)
        finally:
            await service.stop(failed=True)

    with ThreadPoolExecutor(max_workers=1) as apart:  # a browser test may leave this thread an event loop
        with pytest.raises(ProcessLost, match="could not be read"):
            apart.submit(asyncio.run, call()).result()
