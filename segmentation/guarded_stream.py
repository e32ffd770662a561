"""A reader that counts what passes through it and stops a stream the moment it is larger than allowed.

`GuardedStream` sits between a (possibly gzip) file and pandas' parser: it counts the unpacked bytes and the
length of the current run of bytes without a separator (a line of a CSV, a text node of XML), and raises the
limit's error from inside `read`, before the parser has buffered more than one limit's worth.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from segmentation.limits import LimitExceededError


class GuardedStream(io.RawIOBase):
    """Reads from `source`, raising `too_large()` past `max_bytes` and `too_long(run_number)` past `max_run`.

    Reads are cut to `max_run` bytes, so only a run that crosses a chunk boundary can be long: each chunk is
    checked with two searches, whatever its content.
    """

    def __init__(
        self,
        source: BinaryIO,
        *,
        max_bytes: int,
        too_large: Callable[[], LimitExceededError],
        separator: bytes,
        max_run: int,
        too_long: Callable[[int], LimitExceededError],
    ) -> None:
        self._source = source
        self._max_bytes = max_bytes
        self._too_large = too_large
        self._separator = separator
        self._max_run = max_run
        self._too_long = too_long
        self.total = 0
        self.run = 0
        self.separators = 0
        self._counts_at: dict[int, tuple[int, int, int]] = {}

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._source.read(min(len(buffer), self._max_run))
        self.observe(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def observe(self, chunk: bytes) -> None:
        """Count `chunk` as read (also used for bytes read before the guard was in place)."""
        self.total += len(chunk)
        if self.total > self._max_bytes:
            raise self._too_large()
        step = self._max_run
        for start in range(0, len(chunk), step):  # one pass unless `chunk` is longer than a run may be
            self._observe_part(chunk[start : start + step])

    def _observe_part(self, part: bytes) -> None:
        first = part.find(self._separator)
        if first == -1:
            self.run += len(part)
        else:
            self.run += first
            if self.run > self._max_run:
                raise self._too_long(self.separators + 1)
            self.separators += part.count(self._separator)
            self.run = len(part) - part.rfind(self._separator) - len(self._separator)
        if self.run > self._max_run:
            raise self._too_long(self.separators + 1)

    def seekable(self) -> bool:
        return self._source.seekable()

    def tell(self) -> int:
        position = self._source.tell()
        self._counts_at[position] = (self.total, self.run, self.separators)
        return position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Seek the source; what is read again is counted again, from that position on. Back at a position `tell`
        gave, the counts are those of that moment, so a run is numbered from the start of the stream (a line
        counted, for one, when lines were counted before the head was read again)."""
        position = self._source.seek(offset, whence)
        self.total, self.run, self.separators = self._counts_at.get(position, (position, 0, 0))
        return position


def guarded_read(stream: BinaryIO, guard: GuardedStream, size: int) -> bytes:
    """Up to `size` bytes of `stream`, observed by `guard`."""
    data = stream.read(size)
    guard.observe(data)
    return data
