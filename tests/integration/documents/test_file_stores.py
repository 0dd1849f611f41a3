"""The file store's contract, kept alike by the data folder and by S3-compatible object storage (moto's server on
loopback, spoken to over HTTP by boto3): content-addressed keys, a second put writes nothing, a missing key is
NotFound, and two machines pointed at one store read each other's files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from litestar.testing import TestClient

from channels.web.app import create_app
from core.bootstrap import Services, bootstrap, file_store
from core.documents import link_secret
from core.documents.files import LocalFileStore
from core.documents.s3_store import S3FileStore
from core.kernel.apikeys import create_api_key
from core.kernel.config import Settings, SettingsError, load_settings
from core.kernel.errors import NotFound
from core.kernel.runtime import FileStore
from core.statements import ensure_statement_pdf
from tests.books import TEST_ACTOR
from tests.integration.statements.test_statement_pdf import add_statement
from tests.s3 import BUCKET, S3Server

# Bytes any re-encoding would damage: every byte value, in a PDF's header and trailer.
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


class Machine:
    """One process's view of the store, as `aragent` builds it from its settings; `writes` counts the writes."""

    def __init__(self, settings: Settings) -> None:
        self.store: FileStore = file_store(settings)
        self.writes = 0
        if isinstance(self.store, S3FileStore):
            self.store.client.meta.events.register("before-call.s3.PutObject", self._count)

    def _count(self, **_: object) -> None:
        self.writes += 1


@pytest.fixture(params=["local", "s3"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Where the documents go: a folder, or a prefix of its own on the loopback S3 server."""
    settings = Settings(data_dir=tmp_path / "machine-a")
    if request.param == "local":
        return settings
    s3: S3Server = request.getfixturevalue("s3_server")
    return s3.settings(settings, s3.new_prefix())


def stored_copies(settings: Settings, s3: S3Server | None) -> int:
    if settings.files_url:
        assert s3 is not None
        return len(s3.keys_under(settings.files_url))
    return sum(1 for path in settings.files_dir.rglob("*") if path.is_file())


def test_a_file_is_kept_under_the_sha256_of_its_bytes_and_read_back_intact(place: Settings) -> None:
    store = Machine(place).store
    key = store.put(PDF)
    assert key == hashlib.sha256(PDF).hexdigest()
    assert store.get(key) == PDF


def test_storing_the_same_bytes_again_keeps_one_copy_and_writes_nothing(
        place: Settings, request: pytest.FixtureRequest) -> None:
    machine = Machine(place)
    first = machine.store.put(PDF)
    if not place.files_url:
        written = (place.files_dir / first[:2] / first).stat().st_mtime_ns
    assert machine.store.put(PDF) == first
    s3 = request.getfixturevalue("s3_server") if place.files_url else None
    assert stored_copies(place, s3) == 1
    if place.files_url:
        assert machine.writes == 1
    else:
        assert (place.files_dir / first[:2] / first).stat().st_mtime_ns == written


def test_a_key_that_is_not_there_is_not_found(place: Settings) -> None:
    with pytest.raises(NotFound, match=f"file {'0' * 64} not found"):
        Machine(place).store.get("0" * 64)


def test_what_one_machine_stores_another_reads(place: Settings, tmp_path: Path) -> None:
    """Two processes with their own data folders and one store: the S3 prefix, or (locally) one shared folder."""
    a = Machine(place)
    b = Machine(replace(place, data_dir=tmp_path / "machine-b") if place.files_url else place)
    key = a.store.put(PDF)
    assert b.store.get(key) == PDF
    assert b.store.put(PDF) == key and b.writes == 0  # the second machine finds the first one's copy


def test_a_bucket_that_is_not_there_is_an_error_not_a_missing_file(s3_server: S3Server) -> None:
    """A misconfigured store must not pass for a document that was never stored."""
    store = Machine(s3_server.settings(Settings(), "s3://no-such-bucket/docs")).store
    with pytest.raises(ClientError, match="NoSuchBucket"):
        store.get("0" * 64)
    with pytest.raises(ClientError, match="NoSuchBucket"):
        store.put(PDF)


def test_the_settings_choose_the_store(s3_server: S3Server, tmp_path: Path) -> None:
    assert isinstance(file_store(Settings(data_dir=tmp_path)), LocalFileStore)
    url = f"s3://{BUCKET}/documents/"
    settings = load_settings(data_dir=str(tmp_path), files_url=url, s3_endpoint_url=s3_server.endpoint_url)
    store = file_store(settings)
    assert isinstance(store, S3FileStore) and (store.bucket, store.prefix) == (BUCKET, "documents/")
    assert settings.files_url == f"s3://{BUCKET}/documents"
    for wrong in ("/srv/files", "s3://", "https://bucket.example/files", "s3://Upper_Case"):
        with pytest.raises(SettingsError, match="ARAGENT_FILES_URL"):
            load_settings(files_url=wrong)


# -- served from the store ---------------------------------------------------------------------------------------


@pytest.fixture
def api(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services)) as client:
        client.headers["X-API-Key"] = create_api_key(services.db.uow(), "erp", TEST_ACTOR)
        yield client


@pytest.mark.file_stores
def test_a_signed_link_serves_the_statement_from_the_store(services: Services, api: TestClient) -> None:
    statement_id = add_statement(services.db, "ACME")
    link = api.post(f"/api/statements/{statement_id}/link").json()["url"]
    token_path = link.removeprefix(services.settings.public_url)
    _, pdf = ensure_statement_pdf(services.db, services.files, statement_id)
    served = api.get(token_path)
    assert served.status_code == 200 and served.content == pdf
    # Another process of the deployment (a data folder of its own, the same database, store and link secret):
    # with S3 it serves the file too; a data folder is one machine's, so there the other finds no copy.
    elsewhere = bootstrap(replace(services.settings, data_dir=services.settings.data_dir / "other",
                                  link_secret=link_secret(services.settings)))
    try:
        with TestClient(create_app(elsewhere)) as other:
            answer = other.get(token_path)
    finally:
        elsewhere.close()
    if services.settings.files_url:
        assert (answer.status_code, answer.content) == (200, pdf)
    else:
        assert answer.status_code == 404 and "not found" in answer.text
