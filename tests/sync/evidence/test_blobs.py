"""Blob states per organisation, who may read a blob, and garbage collection."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.errors import Forbidden, NotFound
from sync.evidence import gc
from sync.evidence.blobs import blob_path, blob_states, get_blob, missing_hashes, readable_blob
from sync.org.accounts import Role, User, create_user
from sync.org.sites import assign_sites, create_district, create_organisation, create_site
from tests.evidence import reference, sha256, store_blob
from tests.images import encode, phone_jpeg, quadrants

PHOTOS = [phone_jpeg(n) for n in (1, 3, 6)]


class Org:
    def __init__(self, store: Store, hasher: PasswordHasher, name: str) -> None:
        org = create_organisation(store, name)
        self.id = org.id
        district = create_district(store, org.id, "d")
        self.sites = [
            create_site(store, org.id, district_id=district.id, name=f"s{n}", site_type="market", address="a").id
            for n in range(2)
        ]

        def user(username: str, role: Role) -> User:
            login = f"{name}-{username}"
            return create_user(
                store, hasher, org_id=org.id, username=login, password="password1", role=role, display_name=username
            )

        self.admin = user("admin", "admin")
        self.uploader = user("uploader", "inspector")
        self.colleague = user("colleague", "inspector")
        self.outsider = user("outsider", "inspector")
        assign_sites(store, org.id, self.uploader.id, [self.sites[0]])
        assign_sites(store, org.id, self.colleague.id, [self.sites[0]])
        assign_sites(store, org.id, self.outsider.id, [self.sites[1]])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "evidence"


@pytest.fixture
def orgs(store: Store, hasher: PasswordHasher) -> tuple[Org, Org]:
    return Org(store, hasher, "a"), Org(store, hasher, "b")


def test_a_referenced_photo_is_awaiting_until_it_arrives(store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    org = orgs[0]
    hashes = [sha256(p) for p in PHOTOS]
    for digest in hashes:
        reference(store, org.id, digest, org.sites[0], org.uploader.id)
    assert blob_states(store, org.id, hashes) == dict.fromkeys(hashes, "awaiting")
    store_blob(store, root, org.uploader, PHOTOS[1])
    assert blob_states(store, org.id, hashes) == {hashes[0]: "awaiting", hashes[1]: "ready", hashes[2]: "awaiting"}
    for photo in PHOTOS:
        store_blob(store, root, org.uploader, photo)
    assert blob_states(store, org.id, hashes) == dict.fromkeys(hashes, "ready")


def test_blobs_are_per_organisation(store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    store_blob(store, root, a.uploader, PHOTOS[0])
    digest = sha256(PHOTOS[0])
    assert blob_states(store, b.id, [digest]) == {digest: "awaiting"}
    assert missing_hashes(store, b.id, [digest]) == [digest]
    store_blob(store, root, b.uploader, PHOTOS[0])
    assert blob_path(root, a.id, digest).read_bytes() == blob_path(root, b.id, digest).read_bytes() == PHOTOS[0]


def test_missing_hashes_keep_the_order_asked_without_repeats(store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    org = orgs[0]
    store_blob(store, root, org.uploader, PHOTOS[1])
    a, b, c = (sha256(p) for p in PHOTOS)
    assert missing_hashes(store, org.id, [c, b, a, c]) == [c, a]
    many = [f"{n:064x}" for n in range(1200)]
    assert missing_hashes(store, org.id, many) == many


def test_who_may_read_a_blob(store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    a, b = orgs
    blob = store_blob(store, root, a.uploader, PHOTOS[0])
    assert readable_blob(store, a.uploader, blob.sha256, "original") == blob
    for user in (a.admin, a.colleague, a.outsider, b.admin):
        with pytest.raises(NotFound):
            readable_blob(store, user, blob.sha256, "display")
    reference(store, a.id, blob.sha256, a.sites[0], a.uploader.id)
    assert readable_blob(store, a.admin, blob.sha256, "original") == blob
    assert readable_blob(store, a.colleague, blob.sha256, "display") == blob
    with pytest.raises(Forbidden):
        readable_blob(store, a.colleague, blob.sha256, "original")
    for user in (a.outsider, b.admin):
        with pytest.raises(NotFound):
            readable_blob(store, user, blob.sha256, "thumb")


def test_not_found_reads_the_same_for_a_hidden_and_an_absent_blob(
    store: Store, root: Path, orgs: tuple[Org, Org]
) -> None:
    a, b = orgs
    blob = store_blob(store, root, a.uploader, PHOTOS[0])
    store_blob(store, root, b.uploader, PHOTOS[1])
    messages = []
    for digest in (blob.sha256, sha256(PHOTOS[1]), sha256(b"never uploaded")):
        with pytest.raises(NotFound) as hidden:
            readable_blob(store, a.outsider, digest, "display")
        messages.append(str(hidden.value).replace(digest, "<hash>"))
    assert len(set(messages)) == 1


DAY = 24 * 3600


def test_garbage_is_unreferenced_and_past_its_grace_period(store: Store, root: Path, orgs: tuple[Org, Org]) -> None:
    org = orgs[0]
    kept, dropped = (store_blob(store, root, org.uploader, p) for p in PHOTOS[:2])
    reference(store, org.id, kept.sha256, org.sites[0], org.uploader.id)
    assert gc.find_garbage(store, grace_s=7 * DAY) == []
    later = time.time() + 8 * DAY
    listed = gc.collect_garbage(store, root, grace_s=7 * DAY, now=later, dry_run=True)
    assert [g.sha256 for g in listed] == [dropped.sha256]
    assert get_blob(store, org.id, dropped.sha256) is not None
    assert blob_path(root, org.id, dropped.sha256).exists()
    removed = gc.collect_garbage(store, root, grace_s=7 * DAY, now=later)
    assert removed == listed
    assert get_blob(store, org.id, dropped.sha256) is None
    assert not blob_path(root, org.id, dropped.sha256).parent.joinpath(f"{dropped.sha256}.display.jpg").exists()
    assert not blob_path(root, org.id, dropped.sha256).exists()
    assert get_blob(store, org.id, kept.sha256) is not None
    assert blob_path(root, org.id, kept.sha256, "thumb").exists()


def test_gc_from_the_command_line(tmp_path: Path, hasher: PasswordHasher, capsys: pytest.CaptureFixture[str]) -> None:
    from sync.db.store import open_store

    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    org = Org(store, hasher, "cli")
    blob = store_blob(store, data_dir, org.uploader, encode(quadrants(), "PNG"), media_type="image/png")
    store.close()
    assert gc.main(["--data-dir", str(data_dir), "--grace-s", "-60", "--dry-run"]) == 0
    out = capsys.readouterr()
    assert blob.sha256 in out.out
    assert "would remove 1 blob(s)" in out.err
    assert blob_path(data_dir, org.id, blob.sha256).exists()
    assert gc.main(["--data-dir", str(data_dir), "--grace-s", "-60"]) == 0
    assert "removed 1 blob(s)" in capsys.readouterr().err
    assert not blob_path(data_dir, org.id, blob.sha256).exists()
