"""Demo data for ``python -m server --demo``: one organisation, districts, sites, accounts."""

from __future__ import annotations

from argon2 import PasswordHasher

from sync.db.store import Store
from sync.org.accounts import Role, create_user
from sync.org.sites import SiteType, assign_districts, assign_sites, create_district, create_organisation, create_site

DEMO_PASSWORD = "demo1234"  # noqa: S105 - demo mode only, printed at start-up

DISTRICTS = ["上城区 Shangcheng", "西湖区 Xihu"]
SITES: list[tuple[int, str, SiteType, str]] = [
    (0, "联华超市(解放路店)", "supermarket", "杭州市上城区解放路 88 号"),
    (0, "望江农贸市场", "market", "杭州市上城区望江路 12 号"),
    (0, "上城区政务服务中心", "service_hall", "杭州市上城区江城路 300 号"),
    (1, "物美超市(文三路店)", "supermarket", "杭州市西湖区文三路 200 号"),
    (1, "古荡农贸市场", "market", "杭州市西湖区古荡路 5 号"),
    (1, "西湖区市民服务大厅", "service_hall", "杭州市西湖区天目山路 100 号"),
]
# username -> (role, display name, district index for supervisors / site indexes for inspectors)
ACCOUNTS: dict[str, tuple[Role, str, list[int]]] = {
    "admin": ("admin", "管理员 Admin", []),
    "supervisor1": ("supervisor", "王主管 Wang (supervisor)", [0]),
    "supervisor2": ("supervisor", "李主管 Li (supervisor)", [1]),
    "inspector1": ("inspector", "张巡检 Zhang", [0, 1]),
    "inspector2": ("inspector", "刘巡检 Liu", [1, 2]),
    "inspector3": ("inspector", "陈巡检 Chen", [3, 4]),
    "inspector4": ("inspector", "赵巡检 Zhao", [4, 5]),
}


def load_demo(store: Store, hasher: PasswordHasher) -> list[str]:
    """Load the demo data into an empty database; returns the demo usernames.

    A database that already has an organisation is left as it is.
    """
    if store.db.execute("SELECT count(*) FROM organisation").fetchone()[0]:
        return list(ACCOUNTS)
    org = create_organisation(store, "杭州市市场监督管理局(演示) Hangzhou market supervision (demo)")
    districts = [create_district(store, org.id, name) for name in DISTRICTS]
    sites = [
        create_site(store, org.id, district_id=districts[d].id, name=name, site_type=kind, address=address)
        for d, name, kind, address in SITES
    ]
    for username, (role, display_name, scope) in ACCOUNTS.items():
        user = create_user(
            store,
            hasher,
            org_id=org.id,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=display_name,
            demo_account=True,
        )
        if role == "supervisor":
            assign_districts(store, org.id, user.id, [districts[i].id for i in scope])
        elif role == "inspector":
            assign_sites(store, org.id, user.id, [sites[i].id for i in scope])
    return list(ACCOUNTS)
