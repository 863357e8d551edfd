"""The vocabulary of the checklist schemas over HTTP: public, the meta-schema itself, cached by ETag."""

from __future__ import annotations

import jsonschema_rs

from schemas.vocabulary import META_SCHEMA, META_SCHEMA_ID
from tests.clients import Client, World

URL = "/api/checklists/vocabulary"


def test_anyone_gets_the_meta_schema_and_it_checks_a_published_schema(client: Client, world: World) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/schema+json")
    meta = response.json()
    assert meta == META_SCHEMA
    schema = client.get("/api/checklists/supermarket_service/versions/1/schema", headers=world.headers["inspector1"])
    assert URL in schema.json()["$comment"]
    validator = jsonschema_rs.validator_for(meta, registry=jsonschema_rs.Registry([(META_SCHEMA_ID, meta)]))
    assert validator.is_valid(schema.json())


def test_the_vocabulary_has_a_strong_etag_and_answers_304(client: Client) -> None:
    first = client.get(URL)
    etag = first.headers["etag"]

    again = client.get(URL, headers={"If-None-Match": etag})
    other = client.get(URL, headers={"If-None-Match": '"other"'})

    assert etag.startswith('"') and not etag.startswith("W/")
    assert again.status_code == 304 and again.content == b""
    assert other.status_code == 200 and other.json() == first.json()
