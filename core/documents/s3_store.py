"""The file store in S3-compatible object storage (AWS S3, MinIO, Ceph, R2 …): what several machines share.

The same contract as the local folder: a file's key is the SHA-256 of its bytes, kept as the object
`<prefix>/<first two hex digits>/<sha256>`; storing bytes that are there already writes nothing; reading a key
that is not there raises NotFound. `ARAGENT_FILES_URL=s3://bucket/prefix` turns it on (core.bootstrap).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from core.kernel.config import Settings
from core.kernel.errors import NotFound

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3FileStore:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket = client, bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""

    @classmethod
    def from_settings(cls, settings: Settings) -> S3FileStore:
        where = urlsplit(settings.files_url)
        config = Config(
            connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"},
            max_pool_connections=32,  # the web server's worker threads read documents at once
            # An endpoint of our own (MinIO and the like) is addressed by path, not by a bucket subdomain.
            s3={"addressing_style": "path"} if settings.s3_endpoint_url else {},
            # boto3 ≥ 1.36 sends CRC trailers by default, which not every S3-compatible server takes yet.
            request_checksum_calculation="when_required", response_checksum_validation="when_required",
        )
        client = boto3.session.Session().client(
            "s3", endpoint_url=settings.s3_endpoint_url or None, region_name=settings.s3_region or None,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=settings.s3_secret_access_key or None, config=config,
        )
        return cls(client, where.netloc, where.path)

    def _object(self, key: str) -> str:
        return f"{self.prefix}{key[:2]}/{key}"

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        if not self._exists(key):  # a second machine storing the same PDF finds the first one's copy
            self.client.put_object(Bucket=self.bucket, Key=self._object(key), Body=data)
        return key

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._object(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound("file", key) from None
            raise
        return bytes(answer["Body"].read())

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True
