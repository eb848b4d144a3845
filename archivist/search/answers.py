"""Pagefind's service answers, decoded while their bytes arrive.

Every answer is base64 of one JSON message, ended by a comma. The answer that carries a shard's
bundle (GetFiles) holds every file of the shard, each in base64 again. Read whole, it was in the
build's memory about four times over at its peak: the message, its JSON, the JSON's strings and
the decoded files (some 90 MB for a shard of 625 long articles). Here the message is decoded in
the blocks it arrives in, and each file is parsed and decoded as soon as its closing quote has
come: what is held is the files so far and the one being read.

Pagefind writes that message with serde, compactly and in a fixed order (`message_id`, then the
payload's `type`, then `files`, each file's `path` before its `content`). A message that does
not start that way is read whole, as any other answer is, and gives the same result.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from archivist.util.engines import garbage

# The start of a bundle answer, as Pagefind 1.5 writes it.
FILES_START = re.compile(rb'\{"message_id":(\d{1,10}),"payload":\{"type":"GetFiles","files":\[')
FILES_START_BYTES = 80  # longer than any start FILES_START matches: enough decoded JSON to tell
FILE_START = b'{"path":'
CONTENT = b',"content":"'  # cannot occur inside the JSON string of a path: a quote there is escaped
FILES_END = b"]}}"
SHOWN = 120  # bytes of a message kept to name it when it is not an answer


class NotAnAnswer(Exception):
    """What the process wrote is not an answer; `reason` says so for the build's message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AnswerReader:
    """Fed the process's output in pieces of any size; gives back each complete answer, decoded.

    A bundle answer comes back as `{"message_id": n, "payload": {"type": "GetFiles", "files":
    [{"path": str, "content": bytes}, ...]}}`, its files already decoded from base64."""

    def __init__(self, limit: int):
        self.limit = limit  # bytes one message may hold that are not yet an answer or a file
        self._reset()

    def _reset(self) -> None:
        self._shown = b""  # the message's first bytes, as written
        self._carry = b""  # base64 not yet decoded: fewer than four characters
        self._json = bytearray()  # decoded, not yet parsed
        self._files: list[dict[str, Any]] | None = None  # a bundle answer's files, once its start is seen
        self._read_whole = False  # seen not to be a bundle answer: decoded when it ends
        self._bad = False  # seen not to be base64
        self._message_id = 0

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """The answers that `data` completes, in order; raises NotAnAnswer at the first that is not one."""
        answers = []
        start = 0
        while (end := data.find(b",", start)) != -1:
            self._take(data[start:end])
            answers.append(self._finish())
            start = end + 1
        if start < len(data):
            self._take(data[start:])
        return answers

    def _take(self, encoded: bytes) -> None:
        if len(self._shown) < SHOWN:
            self._shown += encoded[: SHOWN - len(self._shown)]
        if self._bad:
            self._refuse_when_shown()
            return
        encoded = self._carry + encoded
        whole = len(encoded) - len(encoded) % 4
        self._carry = encoded[whole:]
        if whole:
            try:
                self._json += base64.b64decode(encoded[:whole], validate=True)
            except (binascii.Error, ValueError):
                self._bad = True  # refused once enough of it is seen to name it, or at its end
                self._refuse_when_shown()
                return
        if self._files is None and not self._read_whole and len(self._json) >= FILES_START_BYTES:
            self._start_files()
        if self._files is not None:
            self._take_files()
        if len(self._json) > self.limit:
            raise NotAnAnswer(f"it wrote over {self.limit} bytes that are not a message")

    def _refuse_when_shown(self) -> None:
        if len(self._shown) >= SHOWN:
            raise NotAnAnswer(garbage(self._shown))

    def _start_files(self) -> None:
        """Whether this message is a bundle answer: if so, read its files one by one from here on."""
        found = FILES_START.match(self._json)
        if found is None:
            self._read_whole = True
            return
        self._message_id = int(found.group(1))
        self._files = []
        del self._json[: found.end()]

    def _take_files(self) -> None:
        """Parse and decode every file whose closing quote has arrived; keep the rest for later."""
        assert self._files is not None
        text, at = self._json, 0
        while True:
            starts = at + 1 if self._files else at  # after the comma that ends the file before
            if self._files and not text.startswith(b",", at) or not text.startswith(FILE_START, starts):
                break  # the next file has not fully begun to arrive, or the list has ended
            content = text.find(CONTENT, starts)
            if content == -1:
                break
            begins = content + len(CONTENT)
            ends = text.find(b'"', begins)
            if ends == -1 or ends + 1 >= len(text):
                break
            if text[ends + 1] != ord("}"):
                raise NotAnAnswer(garbage(self._shown))
            self._files.append(self._file(bytes(text[starts + len(FILE_START):content]), text[begins:ends]))
            at = ends + 2
        del text[:at]

    def _file(self, path_json: bytes, content: bytearray) -> dict[str, Any]:
        try:
            return {"path": _text(json.loads(path_json)), "content": base64.b64decode(content, validate=True)}
        except (ValueError, TypeError, binascii.Error, RecursionError):
            raise NotAnAnswer(garbage(self._shown)) from None

    def _finish(self) -> dict[str, Any]:
        """The message that has just ended, as an answer."""
        if self._carry or self._bad:
            raise NotAnAnswer(garbage(self._shown))
        if self._files is None:
            answer = self._whole()
        else:
            self._take_files()
            if bytes(self._json) != FILES_END:
                raise NotAnAnswer(garbage(self._shown))
            answer = {"message_id": self._message_id, "payload": {"type": "GetFiles", "files": self._files}}
        self._reset()
        return answer

    def _whole(self) -> dict[str, Any]:
        """A message read whole: any answer, or a bundle answer that did not start as expected."""
        try:
            answer = json.loads(bytes(self._json))
        except (ValueError, RecursionError):
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("payload") or {}, dict):
            raise NotAnAnswer(garbage(self._shown))
        payload = answer.get("payload") or {}
        if payload.get("type") == "GetFiles":
            try:
                payload["files"] = [{"path": _text(item["path"]), "content": base64.b64decode(item["content"], validate=True)}
                                    for item in payload["files"]]
            except (KeyError, TypeError, ValueError, binascii.Error):
                raise NotAnAnswer(garbage(self._shown)) from None
        return answer


def _text(value: Any) -> str:
    """A file's path, which must be a string, however the bundle answer is read."""
    if not isinstance(value, str):
        raise TypeError("a file's path is not a string")
    return value
