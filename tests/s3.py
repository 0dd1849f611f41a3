"""A real S3-compatible server on loopback (moto's server mode) for the tests that keep documents in object storage.

One server per test run; each test takes a prefix of its own in the one bucket, so no test sees another's files.
The server speaks HTTP like any S3 endpoint: the store under test talks to it through boto3, unmocked, from this
process or from the `aragent` processes a test starts.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace

import boto3
import pytest
from moto.server import ThreadedMotoServer

from core.kernel.config import Settings

BUCKET = "aragent-test"
KEYS = {"s3_region": "us-east-1", "s3_access_key_id": "test-key", "s3_secret_access_key": "test-secret"}


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self):  # type: ignore[no-untyped-def]
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=KEYS["s3_region"],
                            aws_access_key_id=KEYS["s3_access_key_id"],
                            aws_secret_access_key=KEYS["s3_secret_access_key"])

    def new_prefix(self) -> str:
        return f"s3://{BUCKET}/{uuid.uuid4().hex[:12]}"

    def settings(self, base: Settings, files_url: str) -> Settings:
        """`base` keeping its documents at `files_url` on this server."""
        return replace(base, files_url=files_url, s3_endpoint_url=self.endpoint_url, s3_region=KEYS["s3_region"],
                       s3_access_key_id=KEYS["s3_access_key_id"], s3_secret_access_key=KEYS["s3_secret_access_key"])

    def env(self, files_url: str) -> dict[str, str]:
        """The same as ARAGENT_* variables, for an `aragent` process."""
        values = {"files_url": files_url, "s3_endpoint_url": self.endpoint_url, **KEYS}
        return {f"ARAGENT_{name.upper()}": value for name, value in values.items()}

    def keys_under(self, files_url: str) -> list[str]:
        prefix = files_url.removeprefix(f"s3://{BUCKET}/") + "/"
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request it answers
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        running = S3Server(f"http://{host}:{port}")
        running.client().create_bucket(Bucket=BUCKET)
        yield running
    finally:
        server.stop()
