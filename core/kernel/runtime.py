"""What a use case that spans the engine is handed: the settings, the database and the file store.

The composition root's `core.bootstrap.Services` is one; a context names this protocol, never the root, so
no context imports the module that wires them all together.
"""

from __future__ import annotations

from typing import Protocol

from core.kernel.config import Settings
from core.kernel.db import Database


class FileStore(Protocol):
    """Where files are kept, by content: `put` answers the key `get` reads them back with.

    The key is the SHA-256 of the bytes, so storing the same bytes twice keeps one copy; `get` of a key that is
    not there raises NotFound. Kept in a local folder or in S3-compatible object storage (core.documents).
    """

    def put(self, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...


class Runtime(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def db(self) -> Database: ...
    @property
    def files(self) -> FileStore: ...
