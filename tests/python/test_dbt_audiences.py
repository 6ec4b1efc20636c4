"""Audiences end to end, in one small dbt build: contact columns read from
three inputs (a CSV with its own column names, a typed Parquet file with a
BIGINT phone and a BOOLEAN consent, and the generator's output), the latest
contact and consent per customer, the platforms' normalisation and SHA-256
against digests worked out here with hashlib from hand-normalised strings,
the consent rule, no raw contact data in any table but the two that must
hold it, and the export files written from the marts.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dbt_project_runner import DbtRun, cautious_selection, run_dbt

from segmentation.audiences import export_audiences
from segmentation_dev.datagen import generate_order_lines

# Lines of a shop export. K1: email from the latest line, phone from an
# older one, consent from the latest line that states one. K2: yes, then no.
# K3: a consent nobody foresaw. K4: the latest email is unusable ("n/a"), so
# the older one counts. K5: consent but no contact. K6: its email is only on
# a quarantined line (quantity 0). K7: a phone only.
SHOP_CSV = """Kunde,Beleg,Zeit,Menge,Preis,Mail,Telefon,Einwilligung
K1,B1,2023-03-01 10:00:00,1,10.00,Old.Address@Example.com,07700 900001,yes
K1,B2,2023-05-01 10:00:00,1,10.00,"  Jane.Doe+Newsletter@GMail.com ",,
K2,B3,2023-03-02 10:00:00,1,10.00,John.Smith@Example.co.uk,,yes
K2,B4,2023-05-02 10:00:00,1,10.00,,,no
K3,B5,2023-05-03 10:00:00,1,10.00,k3@example.com,,maybe
K4,B6,2023-03-04 10:00:00,1,10.00,Mary.Ann@googlemail.com,,
K4,B7,2023-05-04 10:00:00,1,10.00,n/a,+44 (0)20 7946 0958,TRUE
K5,B8,2023-05-05 10:00:00,1,10.00,,,yes
K6,B9,2023-05-06 10:00:00,0,10.00,k6@example.com,,1
K6,B10,2023-03-06 10:00:00,1,10.00,,,1
K7,B11,2023-05-07 10:00:00,1,10.00,,+1 (555) 010-0199,Y
"""

# The hand-made customers' contacts, normalised by hand from the lines
# above (design.md, "Activation"), and whether they may be exported.
EXPECTED = {
    # customer: (google email, meta email, google phone, meta phone, allowed)
    "K1": (
        "janedoe@gmail.com",
        "jane.doe+newsletter@gmail.com",
        "+447700900001",
        "447700900001",
        True,
    ),
    "K2": (
        "john.smith@example.co.uk",
        "john.smith@example.co.uk",
        None,
        None,
        False,
    ),
    "K3": ("k3@example.com", "k3@example.com", None, None, False),
    "K4": (
        "maryann@googlemail.com",
        "mary.ann@googlemail.com",
        "+442079460958",
        "442079460958",
        True,
    ),
    "K7": (None, None, "+15550100199", "15550100199", True),
    "K8": ("k8@example.org", "k8@example.org", "+447700900008", "447700900008", True),
    "K9": (None, None, "+447700900009", "447700900009", False),
}
MEMBERS = {"K1", "K4", "K7", "K8"}
RAW_CONTACTS_ALLOWED_IN = {
    "stg_orders__order_lines",
    "stg_orders__new_order_lines",
    "int_customer_contacts_latest",
}


def sha256(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def test_hashlib_agrees_with_a_published_sha256_vector():
    # FIPS 180-2 example: the digests below are only as good as hashlib.
    assert (
        sha256("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three inputs, written into a folder of the module's own."""
    work_dir = tmp_path_factory.mktemp("audiences")
    shop = work_dir / "shop.csv"
    shop.write_text(SHOP_CSV)
    typed = work_dir / "typed.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select * from (values"
            " ('K8', 'T1', timestamp '2023-06-01 10:00', 2, 5.0,"
            "  'K8@Example.org', 447700900008::bigint, true),"
            " ('K9', 'T2', timestamp '2023-06-02 10:00', 1, 5.0,"
            "  null, 7700900009::bigint, false)"
            ") as t(customer_id, order_id, ordered_at, quantity, unit_price,"
            f" email, phone, consent)) to '{typed}' (format parquet)"
        )
    generated = work_dir / "generated.parquet"
    generate_order_lines(generated, 3000, seed=5, contacts=True)
    return {"work_dir": work_dir, "shop": shop, "typed": typed, "generated": generated}


@pytest.fixture(scope="module")
def build(inputs: dict[str, Path]) -> DbtRun:
    """The one dbt build of this module: the audience marts and what they
    read, plus the marts that read staging, on the three inputs."""
    dbt_vars = {
        "order_inputs": [
            {
                "name": "shop",
                "path": str(inputs["shop"]),
                "columns": {
                    "customer_id": "Kunde",
                    "order_id": "Beleg",
                    "ordered_at": "Zeit",
                    "quantity": "Menge",
                    "unit_price": "Preis",
                    "email": "Mail",
                    "phone": "Telefon",
                    "consent": "Einwilligung",
                },
            },
            # Columns under the project's own names: no map needed.
            {"name": "typed", "path": str(inputs["typed"])},
            {"name": "generated", "path": str(inputs["generated"])},
        ],
        "clustering_enabled": False,
        # Value tiers join the audiences from the CLV models: their fits are
        # not what this build tests.
        "clv_enabled": False,
        "audience_phone_default_country_code": "44",
    }
    run = run_dbt(
        inputs["work_dir"],
        "build",
        dbt_vars,
        extra_args=cautious_selection(
            "+path:models/marts/audiences",
            "quarantined_order_lines",
            "order_line_reconciliation",
            "customer_segments",
            "segment_summary",
        ),
    )
    assert run.returncode == 0, run.output[-5000:]
    return run


def hashed_contacts(build: DbtRun) -> dict[tuple[str, str], tuple]:
    rows = build.query(
        "select customer_id, platform, hashed_email, hashed_phone,"
        " is_export_allowed from int_customer_contacts_hashed"
    )
    return {(c, p): (e, ph, a) for c, p, e, ph, a in rows}


def test_contacts_are_hashed_per_platform_rules(build: DbtRun):
    got = hashed_contacts(build)
    for customer, (g_mail, m_mail, g_phone, m_phone, allowed) in EXPECTED.items():
        assert got[(customer, "google")] == (sha256(g_mail), sha256(g_phone), allowed)
        assert got[(customer, "meta")] == (sha256(m_mail), sha256(m_phone), allowed)


def test_latest_usable_contact_and_latest_stated_consent(build: DbtRun):
    rows = build.query(
        "select customer_id, trim(email), phone, has_marketing_consent"
        " from int_customer_contacts_latest"
        " where customer_id like 'K%' order by customer_id"
    )
    assert rows == [
        ("K1", "Jane.Doe+Newsletter@GMail.com", "07700 900001", True),
        ("K2", "John.Smith@Example.co.uk", None, False),
        ("K3", "k3@example.com", None, False),
        ("K4", "Mary.Ann@googlemail.com", "+44 (0)20 7946 0958", True),
        ("K5", None, None, True),
        # K6's email sits on a quarantined line: only its consent counts.
        ("K6", None, None, True),
        ("K7", None, "+1 (555) 010-0199", True),
        ("K8", "K8@Example.org", "447700900008", True),
        ("K9", None, "7700900009", False),
    ]


def test_audiences_hold_consenting_customers_with_a_contact(build: DbtRun):
    rows = build.query(
        "select platform, customer_id, hashed_email, hashed_phone"
        " from audience_members where customer_id like 'K%'"
        " and segment_type = 'rfm_segment'"
    )
    for platform in ("google", "meta"):
        assert {c for p, c, _, _ in rows if p == platform} == MEMBERS
    offset = {"google": 0, "meta": 1}
    for platform, customer, hashed_email, hashed_phone in rows:
        expected = EXPECTED[customer]
        assert hashed_email == sha256(expected[offset[platform]])
        assert hashed_phone == sha256(expected[2 + offset[platform]])
    consent_rules = build.query("select distinct consent_rule from audience_summary")
    assert consent_rules == [("explicit_yes",)]


def test_summary_explains_who_is_left_out(build: DbtRun):
    (row,) = build.query(
        "select sum(customers), sum(members),"
        " sum(customers_without_contact), sum(customers_without_consent),"
        " count(*) from audience_summary where platform = 'meta'"
    )
    customers, members, no_contact, no_consent, audiences = row
    assert audiences == 11  # every RFM segment, empty ones too
    assert customers == members + no_contact + no_consent
    (scored,) = build.query("select count(*) from customer_segments")[0]
    assert customers == scored


# --- The generator's contacts, against an independent implementation --------

WHITESPACE = "\t\n\f\r "  # RE2's \s, what the google rule removes
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def google_email(raw: str | None) -> str | None:
    if raw is None:
        return None
    text = "".join(c for c in raw if c not in WHITESPACE).lower()
    parts = text.split("@")
    if len(parts) == 2 and parts[1] in ("gmail.com", "googlemail.com"):
        text = parts[0].split("+")[0].replace(".", "") + "@" + parts[1]
    return text if EMAIL.fullmatch(text) else None


def meta_email(raw: str | None) -> str | None:
    if raw is None:
        return None
    text = raw.strip(" \t\n\r").lower()
    return text if EMAIL.fullmatch(text) else None


def phone_digits(raw: str | None, code: str = "44") -> str | None:
    if raw is None:
        return None
    text = raw.strip(" \t\n\r").replace("(0)", "")
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith(code) and len(digits) >= 11:
        number = digits
    else:
        number = code + re.sub(r"^0", "", digits)
    return number if re.fullmatch(r"[1-9][0-9]{7,14}", number) else None


YES = {
    "true",
    "t",
    "yes",
    "y",
    "1",
    "opt-in",
    "opted-in",
    "opt_in",
    "opted_in",
    "granted",
}


def expected_generated_contacts(path: Path) -> dict[tuple[str, str], tuple]:
    """Latest usable email and phone, latest stated consent, per customer of
    the generated file (every line of it counts: no bad lines), hashed."""
    lines = pd.read_parquet(path).reset_index(names="line")
    lines = lines.sort_values(["ordered_at", "line"])
    expected = {}
    for customer, group in lines.groupby("customer_id"):
        emails = [e for e in group["email"].dropna() if google_email(e)]
        phones = [p for p in group["phone"].dropna() if phone_digits(p)]
        consents = [c for c in group["consent"].dropna() if c.strip()]
        if not (emails or phones or consents):
            continue
        email = emails[-1] if emails else None
        phone = phones[-1] if phones else None
        allowed = bool(consents) and consents[-1].strip().lower() in YES
        digits = phone_digits(phone)
        expected[(customer, "google")] = (
            sha256(google_email(email)),
            sha256(None if digits is None else "+" + digits),
            allowed,
        )
        expected[(customer, "meta")] = (
            sha256(meta_email(email)),
            sha256(digits),
            allowed,
        )
    return expected


def test_generated_contacts_match_an_independent_implementation(
    build: DbtRun, inputs: dict[str, Path]
):
    expected = expected_generated_contacts(inputs["generated"])
    got = {
        key: value
        for key, value in hashed_contacts(build).items()
        if key[0].startswith("C")
    }
    assert len(expected) > 400  # 300 customers x 2 platforms, most with contacts
    assert got == expected
    # The generator's mess is there to be cleaned: gmail dots, capitals,
    # +tags, spaces, national and international phones.
    raw = pd.read_parquet(inputs["generated"])
    emails = raw["email"].dropna()
    assert emails.str.contains(r"\.[^@]*@g(?:oogle)?mail\.com", case=False).any()
    assert emails.str.contains("[A-Z]").any()
    assert emails.str.contains(r"\+shop@").any()
    assert (emails != emails.str.strip()).any()
    phones = raw["phone"].dropna()
    assert phones.str.startswith("+").any() and phones.str.startswith("0").any()


# --- No raw contact data where it must not be -------------------------------


def raw_contacts(build: DbtRun) -> set[str]:
    """Every raw email and phone of the inputs, trimmed (and as staging has
    them), plus each usable one normalised: none may appear in a table."""
    values = {
        v.strip()
        for (v,) in build.query(
            "select email from stg_orders__order_lines where email is not null"
            " union select phone from stg_orders__order_lines where phone is not null"
        )
    }
    normalised = {
        n
        for v in values
        for n in (google_email(v), meta_email(v), phone_digits(v))
        if n is not None
    }
    return values | normalised | {"+" + n for n in normalised if n.isdigit()}


def test_no_raw_email_or_phone_outside_staging_and_the_contacts_view(
    build: DbtRun,
):
    forbidden = raw_contacts(build)
    checked = 0
    with duckdb.connect(str(build.db_path), read_only=True) as con:
        columns = con.sql(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'main' and data_type = 'VARCHAR'"
        ).fetchall()
        relations = {name for name, _ in columns}
        for name, column in columns:
            if name in RAW_CONTACTS_ALLOWED_IN:
                continue
            values = con.sql(
                f'select distinct "{column}" from "{name}" where "{column}" is not null'
            ).fetchall()
            leaked = {v for (v,) in values if v.strip() in forbidden or "@" in v}
            assert not leaked, f"{name}.{column} holds contact data: {leaked}"
            checked += 1
    assert checked > 50
    assert {
        "audience_members",
        "audience_summary",
        "int_customer_contacts_hashed",
        "quarantined_order_lines",
    } <= relations


# --- Export files from the marts --------------------------------------------


def test_export_files_hold_the_members_hashes_only(build: DbtRun, tmp_path: Path):
    published = tmp_path / "segments.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute(f"attach '{build.db_path}' as build (read_only)")
        for table in ("audience_summary", "audience_members"):
            con.execute(f"create table {table} as select * from build.{table}")
        con.execute(
            "create table publish_metadata as select 'build_a' as build_id,"
            " max(as_of_date) as as_of_date from build.audience_summary"
        )
    exports = tmp_path / "exports"
    result = export_audiences(published, exports)
    assert result.exported
    with duckdb.connect(str(build.db_path), read_only=True) as con:
        audiences = con.sql(
            "select audience_name, members from audience_summary"
        ).fetchall()
        assert len(audiences) == 22
        for name, members in audiences:
            with open(exports / f"{name}.csv", newline="") as handle:
                rows = list(csv.DictReader(handle))
            assert len(rows) == members
            assert all("@" not in value for row in rows for value in row.values())
            expected = con.execute(
                "select customer_id, coalesce(hashed_email, ''),"
                " coalesce(hashed_phone, '') from audience_members"
                " where audience_name = ? order by customer_id",
                [name],
            ).fetchall()
            assert [tuple(r.values()) for r in rows] == expected
            adds = pd.read_parquet(exports / f"{name}_adds.parquet")
            assert len(adds) == members  # the first export adds everyone
            assert len(pd.read_parquet(exports / f"{name}_removes.parquet")) == 0
    with open(exports / "audience_meta_champions.csv") as handle:
        assert handle.readline().strip() == "customer_id,hashed_email,hashed_phone"
