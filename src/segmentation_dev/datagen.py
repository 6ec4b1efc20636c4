"""Synthetic order lines for the customer-segmentation project.

Writes a file of order lines shaped like the UCI "Online Retail" data, at any
size, for benchmarks and quarantine tests::

    python -m segmentation_dev.datagen --lines 10000000 --out data/lines_10m.parquet
    python -m segmentation_dev.datagen --lines 200000 --bad-share 0.01 --out x.csv

Columns, in this order:

* ``customer_id`` (string): ``'C0000001'`` ... (7 digits, more if needed).
* ``order_id`` (string): ``'1000001'`` ... (one more digit per tenfold beyond
  a million orders); a return is the same kind of number with a ``'C'``
  prefix, as in the UCI data: ``'C1000042'``.
* ``ordered_at`` (timestamp[us], no time zone): order time, to the second.
* ``product_id`` (string): ``'P00001'`` ... (4,000 products).
* ``quantity`` (int32): units; negative on return lines.
* ``unit_price`` (double): price per unit, rounded to cents.
* ``country`` (string): the customer's country (constant per customer).

With ``contacts=True`` (``--contacts``) three more string columns follow, so
the audiences have something to hash (see "Contacts" below): ``email``,
``phone`` and ``consent``. Without it the file is exactly as before.

CSV output has the same columns, a header, strings quoted, times as
``YYYY-MM-DD HH:MM:SS`` and NULL as an empty unquoted field.

The shape of the data (clean data, ``bad_share=0``):

* ``lines`` lines exactly, for ``customers`` customers (default
  ``lines // 10``), each with at least one purchase order.
* Orders per customer are skewed: every customer has one order, the
  ``orders - customers`` further orders are spread over customers with a
  multinomial whose weights are ``0.3 + Lomax(alpha=1.2)`` (drawn on stratified
  quantiles, so the shape does not depend on luck at small sizes). With the
  default ten lines per customer about half of the customers order exactly
  once, the top 0.1 % order 100 times or more, and the largest customers order
  a few thousand times.
* Orders have ``1 + Poisson-Gamma`` lines, that is geometric, mean 3.5; the
  total is made exactly ``lines`` with a multinomial. An order never lists the
  same product twice.
* Products are drawn from a Zipf-like popularity (weight ``1/(rank + 5)``);
  unit prices are the product's list price, lognormal (median about 2.1,
  sigma 1.0, heavy right tail). Quantities are geometric (mean 2.5), a fifth of
  them multiplied by a pack size (6, 12 or 24) and a few by 100.
* Order times are spread over ``days`` days from ``start_date`` with a yearly
  season (peak in late November), a weekly one (quiet Saturdays, busier
  weekdays), a mild upward trend and an hour-of-day profile. A customer's first
  order is always a purchase; about 2 % of all orders are returns: later orders
  of a customer that bought before, with an order id starting with ``'C'``,
  taking back part of the quantity of lines the customer bought earlier, at
  the same price (negative quantities); return orders are small (1.7 lines on
  average).
* Country: United Kingdom for about 85 % of customers, then a tail of European
  and other countries.

Bad lines (``bad_share=p``, ``0 <= p <= 0.5``): exactly ``round(p * lines)``
lines are made bad *in place* (the line count stays ``lines``), cycling
through four kinds so that each kind is a quarter of them (up to one line):

1. ``missing_customer``: ``customer_id`` is missing: NULL for half of them,
   the empty string ``''`` for a quarter, blanks ``'   '`` for a quarter
   (in CSV output an empty quoted string reads back as NULL in most readers).
2. ``zero_quantity``: ``quantity`` is 0.
3. ``nonpositive_price``: ``unit_price`` is ``0.0`` (every other one) or the
   negated list price (the others).
4. ``duplicate``: the line is overwritten with an exact copy (all seven
   columns, and the contacts) of the line just before it in the file, which
   is never itself a bad line. Clean data has no exact duplicates, so the
   number of duplicated lines (``DataFrame.duplicated()``) is exactly the
   count of this kind.

Contacts (``contacts=True``), drawn from a random stream of their own, so
the other columns are the same with or without them. Contact details are
per order (every line of an order repeats them) and change over time:

* ``email``: 85 % of customers have one, made of a first and a last name
  and the customer's number (unique per customer), in one of four styles
  (``anna.smith12``, ``annasmith12``, ``a.smith12``, ``anna_smith12``) at
  gmail.com (40 %), googlemail.com (5 %) or example.com / .org / .net (the
  domains reserved for examples). Messy like real exports: 15 % with
  capitals (``Anna.Smith12``), 5 % all capitals, 10 % with a ``+tag``, 5 %
  with spaces around, 3 % with the domain in capitals. 10 % of those
  customers switch to a second address partway through their history; 10 %
  of orders carry no email (null).
* ``phone``: 60 % of customers; British numbers (United Kingdom and the
  Channel Islands) as ``+44 7700 900123``, ``07700 900123``,
  ``(07700) 900-123``, ``0044 7700 900123``, ``+44 (0)7700 900123``,
  ``447700900123`` or ``7700900123``; other countries as ``+<code> ...`` or
  ``00<code>...`` with their calling code. 20 % of orders carry none.
* ``consent``: 70 % of customers say yes, 20 % no, 10 % never say; 8 % of
  the yes revoke it partway through (no from then on). Each customer's
  values come in one of six spellings (yes/no, Y/N, true/false, 1/0,
  opt-in/opt-out, TRUE/FALSE); 15 % of orders leave it blank (null).

Bad lines sit at odd positions within a chunk, so the source of a duplicate is
never bad and no line is bad in two ways. With bad lines a customer may lose
its only purchase line, and an order whose only line is overwritten by a
duplicate disappears (the summary's ``orders`` counts generated orders): the
"every customer has a purchase" guarantee is for clean data.

Determinism: the output depends only on the arguments (and the library
versions): all randomness comes from ``numpy.random.SeedSequence(seed)``, the
work is split into chunks of customers whose boundaries depend only on the
arguments, and Parquet is written with pyarrow with a fixed row group size
(1,000,000 rows) and no time-dependent metadata, so two runs with the same
arguments write byte-identical files. The file is grouped by customer, not
sorted by time.

Memory stays bounded: per-customer plan arrays (a few bytes per customer) plus
one chunk of about a million orders at a time, streamed with
``pyarrow.parquet.ParquetWriter`` (or ``pyarrow.csv.CSVWriter``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

COLUMNS = (
    "customer_id",
    "order_id",
    "ordered_at",
    "product_id",
    "quantity",
    "unit_price",
    "country",
)

SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("order_id", pa.string()),
        ("ordered_at", pa.timestamp("us")),
        ("product_id", pa.string()),
        ("quantity", pa.int32()),
        ("unit_price", pa.float64()),
        ("country", pa.string()),
    ]
)

CONTACT_COLUMNS = ("email", "phone", "consent")

SCHEMA_WITH_CONTACTS = pa.schema(
    [*SCHEMA, *(pa.field(name, pa.string()) for name in CONTACT_COLUMNS)]
)

BAD_KINDS = ("missing_customer", "zero_quantity", "nonpositive_price", "duplicate")

MEAN_LINES_PER_ORDER = 3.5
RETURN_SHARE = 0.02
N_PRODUCTS = 4000
ROW_GROUP_SIZE = 1_000_000
ORDERS_PER_CHUNK = 1_000_000
# Runs this large print a progress line per chunk unless told otherwise.
PROGRESS_MIN_LINES = 1_000_000

# Orders-per-customer weights: 0.3 + Lomax(alpha), capped at this quantile.
_CUSTOMER_WEIGHT_FLOOR = 0.3
_CUSTOMER_WEIGHT_ALPHA = 1.2
_CUSTOMER_WEIGHT_CAP_TAIL = 1e-5

_COUNTRIES = (
    ("United Kingdom", 850.0),
    ("Germany", 25.0),
    ("France", 22.0),
    ("EIRE", 12.0),
    ("Spain", 8.0),
    ("Netherlands", 8.0),
    ("Belgium", 7.0),
    ("Switzerland", 6.0),
    ("Portugal", 5.0),
    ("Australia", 4.0),
    ("Norway", 3.0),
    ("Italy", 3.0),
    ("Channel Islands", 3.0),
    ("Finland", 3.0),
    ("Cyprus", 2.0),
    ("Sweden", 2.0),
    ("Austria", 2.0),
    ("Denmark", 2.0),
    ("Japan", 2.0),
    ("Poland", 2.0),
    ("USA", 2.0),
    ("Canada", 1.0),
    ("Israel", 1.0),
    ("Singapore", 1.0),
    ("Iceland", 1.0),
)

# Contacts: names for email addresses, calling codes per country.
# fmt: off
_FIRST_NAMES = (
    "anna", "ben", "chloe", "david", "emma", "finn", "grace", "harry", "isla",
    "jack", "kate", "liam", "mia", "noah", "olivia", "paul", "ruby", "sam",
    "tara", "tom", "uma", "victor", "will", "zoe",
)
_LAST_NAMES = (
    "smith", "jones", "taylor", "brown", "wilson", "evans", "thomas",
    "roberts", "walker", "wright", "white", "hughes", "green", "hall", "wood",
    "clarke", "martin", "murphy", "muller", "dubois", "garcia", "rossi",
    "jansen", "novak",
)
# fmt: on
_EMAIL_DOMAINS = (
    ("gmail.com", 40.0),
    ("googlemail.com", 5.0),
    ("example.com", 25.0),
    ("example.org", 15.0),
    ("example.net", 15.0),
)
_CALLING_CODES = {
    "United Kingdom": "44",
    "Channel Islands": "44",
    "Germany": "49",
    "France": "33",
    "EIRE": "353",
    "Spain": "34",
    "Netherlands": "31",
    "Belgium": "32",
    "Switzerland": "41",
    "Portugal": "351",
    "Australia": "61",
    "Norway": "47",
    "Italy": "39",
    "Finland": "358",
    "Cyprus": "357",
    "Sweden": "46",
    "Austria": "43",
    "Denmark": "45",
    "Japan": "81",
    "Poland": "48",
    "USA": "1",
    "Canada": "1",
    "Israel": "972",
    "Singapore": "65",
    "Iceland": "354",
}
_CONSENT_SPELLINGS = (
    ("yes", "no"),
    ("Y", "N"),
    ("true", "false"),
    ("1", "0"),
    ("opt-in", "opt-out"),
    ("TRUE", "FALSE"),
)

# Share of orders by hour of day (online shop, UK business hours dominate).
_HOUR_WEIGHTS = np.array(
    [1, 1, 0, 0, 0, 0, 1, 3, 8, 14, 18, 20, 22, 21, 19, 17, 14, 10, 8, 7, 6, 4, 3, 2],
    dtype=np.float64,
)
# Monday .. Sunday.
_WEEKDAY_WEIGHTS = np.array([1.05, 1.1, 1.1, 1.15, 0.9, 0.35, 0.7])


# --------------------------------------------------------------------------
# helpers


def _digits_matrix(numbers: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative integers, zero-padded, one row each."""
    out = np.empty((len(numbers), width), dtype=np.uint8)
    x = numbers.astype(np.int64, copy=True)
    for i in range(width - 1, -1, -1):
        out[:, i] = 48 + x % 10
        x //= 10
    if len(x) and x.max() > 0:
        raise ValueError(f"number does not fit in {width} digits")
    return out


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """String array ``prefix + zero-padded number`` built without Python loops."""
    pre = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    n, length = len(numbers), len(pre) + width
    buf = np.empty((n, length), dtype=np.uint8)
    buf[:, : len(pre)] = pre
    buf[:, len(pre) :] = _digits_matrix(numbers, width)
    offsets = np.arange(n + 1, dtype=np.int64) * length
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(buf.reshape(-1))
    ).cast(pa.string())


def _order_ids(numbers: np.ndarray, is_return: np.ndarray, width: int) -> pa.Array:
    """``'1000001'`` for purchases, ``'C1000001'`` for returns."""
    n = len(numbers)
    buf = np.empty((n, width + 1), dtype=np.uint8)
    buf[:, 0] = ord("C")
    buf[:, 1:] = _digits_matrix(numbers, width)
    keep = np.ones((n, width + 1), dtype=bool)
    keep[:, 0] = is_return
    data = buf[keep]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(width + is_return.astype(np.int64), out=offsets[1:])
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(data)
    ).cast(pa.string())


def _segment_rank(keys_sorted: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal values of a sorted array."""
    n = len(keys_sorted)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.ones(n, dtype=bool)
    starts[1:] = keys_sorted[1:] != keys_sorted[:-1]
    idx = np.arange(n, dtype=np.int64)
    run_start = np.maximum.accumulate(np.where(starts, idx, 0))
    return idx - run_start


def _dedupe_products(
    order_of_line: np.ndarray, product: np.ndarray, n_products: int
) -> np.ndarray:
    """Shift products that repeat within an order to the next free ids."""
    product = product.copy()
    for _ in range(100):
        key = order_of_line * n_products + product
        idx = np.argsort(key, kind="stable")
        rank = _segment_rank(key[idx])
        dup = rank > 0
        if not dup.any():
            return product
        pos = idx[dup]
        product[pos] = (product[pos] + rank[dup]) % n_products
    raise RuntimeError("could not make products distinct within orders")


def _day_weights(start: dt.date, days: int) -> np.ndarray:
    d = np.arange(days)
    dates = np.datetime64(start, "D") + d
    weekday = (dates.astype(np.int64) - 4) % 7  # 1970-01-01 was a Thursday
    year_start = dates.astype("datetime64[Y]").astype("datetime64[D]")
    doy = (dates - year_start).astype(np.int64)
    yearly = 1.0 + 0.35 * np.cos(2 * np.pi * (doy - 325) / 365.25)
    trend = 1.0 + 0.25 * d / max(days - 1, 1)
    return yearly * _WEEKDAY_WEIGHTS[weekday] * trend


class _Plan:
    """Everything decided before the chunks: sizes, catalogue, seeds."""

    def __init__(
        self, lines, customers, seed, start_date, days, bad_share, contacts=False
    ):
        if lines < 1:
            raise ValueError("lines must be >= 1")
        if customers is None:
            customers = max(1, lines // 10)
        if not 1 <= customers <= lines:
            raise ValueError("need 1 <= customers <= lines")
        if days < 1:
            raise ValueError("days must be >= 1")
        if not 0.0 <= bad_share <= 0.5:
            raise ValueError("bad_share must be within [0, 0.5]")
        if isinstance(start_date, str):
            start_date = dt.date.fromisoformat(start_date)
        self.lines, self.customers, self.days = lines, customers, days
        self.start_date, self.bad_share = start_date, bad_share
        self.contacts = contacts
        self.schema = SCHEMA_WITH_CONTACTS if contacts else SCHEMA
        root = np.random.SeedSequence(seed)
        plan_ss, product_ss, chunk_ss = root.spawn(3)
        # Spawned after the others: adding contacts changes no other column.
        (contact_ss,) = root.spawn(1)
        rng = np.random.default_rng(plan_ss)

        # Orders per customer: 1 + multinomial over heavy-tailed weights.
        orders = int(round(lines / MEAN_LINES_PER_ORDER))
        orders = min(max(orders, customers), lines)
        u = (rng.permutation(customers) + rng.random(customers)) / customers
        alpha = _CUSTOMER_WEIGHT_ALPHA
        lomax = (1.0 - u) ** (-1.0 / alpha) - 1.0
        lomax = np.minimum(lomax, _CUSTOMER_WEIGHT_CAP_TAIL ** (-1.0 / alpha))
        weight = _CUSTOMER_WEIGHT_FLOOR + lomax
        del u, lomax
        self.orders_per_customer = 1 + rng.multinomial(
            orders - customers, weight / weight.sum()
        )
        del weight
        self.orders = orders

        # Chunks of customers holding about ORDERS_PER_CHUNK orders each.
        cum = np.cumsum(self.orders_per_customer)
        cuts = np.searchsorted(
            cum, np.arange(ORDERS_PER_CHUNK, orders, ORDERS_PER_CHUNK), side="right"
        )
        bounds = np.unique(np.concatenate([[0], cuts, [customers]]))
        self.chunk_bounds = bounds
        chunk_orders = np.diff(np.concatenate([[0], cum[bounds[1:] - 1]]))
        self.chunk_order_start = np.concatenate([[0], np.cumsum(chunk_orders)[:-1]])
        # Extra lines (beyond one per order) per chunk, exact total: a
        # multinomial over Gamma(orders) weights, the chunk-level marginal of
        # an order-level multinomial over Exp(1) weights.
        g = rng.gamma(chunk_orders.astype(np.float64))
        self.chunk_extra_lines = rng.multinomial(lines - orders, g / g.sum())
        self.chunk_lines = chunk_orders + self.chunk_extra_lines
        self.chunk_line_start = np.concatenate([[0], np.cumsum(self.chunk_lines)[:-1]])
        self.chunk_seeds = chunk_ss.spawn(len(bounds) - 1)
        self.contact_seeds = contact_ss.spawn(len(bounds) - 1)

        # Bad lines per chunk: exact total, spread by cumulative rounding.
        self.bad_total = int(round(bad_share * lines))
        cum_lines = np.cumsum(self.chunk_lines)
        cum_bad = np.floor(bad_share * cum_lines + 0.5).astype(np.int64)
        cum_bad[-1] = self.bad_total
        self.chunk_bad = np.diff(np.concatenate([[0], cum_bad]))
        self.chunk_bad_start = cum_bad - self.chunk_bad

        # Return probability for a non-first order (overall ~RETURN_SHARE).
        later = orders - customers
        self.p_return = min(1.0, RETURN_SHARE * orders / later) if later else 0.0

        # Catalogue.
        prng = np.random.default_rng(product_ss)
        popularity = 1.0 / (np.arange(N_PRODUCTS) + 5.0)
        popularity = popularity[prng.permutation(N_PRODUCTS)]
        self.product_cdf = np.cumsum(popularity / popularity.sum())
        price = np.exp(prng.normal(np.log(2.1), 1.0, N_PRODUCTS))
        self.product_price = np.maximum(np.round(price, 2), 0.06)
        self.product_ids = _ids("P", np.arange(1, N_PRODUCTS + 1), 5)

        names = [c for c, _ in _COUNTRIES]
        cw = np.array([w for _, w in _COUNTRIES])
        self.country_cdf = np.cumsum(cw / cw.sum())
        self.country_names = pa.array(names, pa.string())

        dw = _day_weights(start_date, days)
        self.day_cdf = np.cumsum(dw / dw.sum())
        self.hour_cdf = np.cumsum(_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
        epoch = dt.datetime(1970, 1, 1)
        start = dt.datetime.combine(start_date, dt.time())
        self.start_seconds = int((start - epoch).total_seconds())

        self.customer_width = max(7, len(str(customers)))
        # Order numbers 10**(width - 1) + 1, ...: no leading zeros.
        self.order_width = max(7, len(str(orders)) + 1)
        self.order_number_base = 10 ** (self.order_width - 1)


def _draw(cdf: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    idx = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(idx, len(cdf) - 1)


def _chunk(plan: _Plan, j: int) -> tuple[pa.Table, dict]:
    """Generate the lines of chunk ``j`` (a range of customers)."""
    rng = np.random.default_rng(plan.chunk_seeds[j])
    c0, c1 = int(plan.chunk_bounds[j]), int(plan.chunk_bounds[j + 1])
    n_cust = c1 - c0
    k = plan.orders_per_customer[c0:c1]
    n_ord = int(k.sum())
    cust_start = np.concatenate([[0], np.cumsum(k)[:-1]])  # first order index
    cust_of_order = np.repeat(np.arange(n_cust, dtype=np.int64), k)

    # Order times (seconds from the start), sorted within customer.
    day = _draw(plan.day_cdf, rng, n_ord)
    hour = _draw(plan.hour_cdf, rng, n_ord)
    sec = rng.integers(0, 3600, n_ord)
    t = day * 86400 + hour * 3600 + sec
    period = plan.days * 86400
    t = np.sort(cust_of_order * period + t) - cust_of_order * period
    first_t = t[cust_start]
    is_first = np.zeros(n_ord, dtype=bool)
    is_first[cust_start] = True
    # A later order is strictly after the first one.
    t = np.where(is_first, t, np.maximum(t, np.repeat(first_t, k) + 1))
    is_return = ~is_first & (rng.random(n_ord) < plan.p_return)

    # Lines per order: 1 + multinomial over Exp(1) weights (geometric).
    w = rng.exponential(1.0, n_ord)
    w[is_return] *= 0.3  # returns are small: 1.7 lines on average
    n_lines_ord = 1 + rng.multinomial(int(plan.chunk_extra_lines[j]), w / w.sum())
    del w
    n_lines = int(plan.chunk_lines[j])
    line_start = np.concatenate([[0], np.cumsum(n_lines_ord)[:-1]])
    order_of_line = np.repeat(np.arange(n_ord, dtype=np.int64), n_lines_ord)
    cust_of_line = cust_of_order[order_of_line]
    ret_line = is_return[order_of_line]
    pos_in_order = np.arange(n_lines, dtype=np.int64) - line_start[order_of_line]

    # Products and quantities of purchase lines.
    product = _draw(plan.product_cdf, rng, n_lines)
    qty = rng.geometric(0.4, n_lines).astype(np.int64)
    pack = rng.random(n_lines)
    packs = np.array([6, 12, 24])[rng.integers(0, 3, n_lines)]
    qty = np.where(pack < 0.2, qty * packs, qty)
    qty = np.where(pack > 0.995, qty * 100, qty)
    del pack, packs

    # Return lines take back part of earlier purchase lines of the customer:
    # consecutive lines (from a random start) among the customer's lines
    # before the return order, or of the first order if that hits a return.
    ri = np.flatnonzero(ret_line)
    if len(ri):
        first_ord = cust_start[cust_of_line[ri]]
        first_line = line_start[first_ord]
        n_before = line_start[order_of_line[ri]] - first_line
        offset = rng.integers(0, 1 << 30, n_ord)[order_of_line[ri]]
        src = first_line + (offset + pos_in_order[ri]) % n_before
        hit_return = ret_line[src]
        src[hit_return] = (
            first_line[hit_return]
            + pos_in_order[ri][hit_return] % n_lines_ord[first_ord][hit_return]
        )
        product[ri] = product[src]
        qty[ri] = -(1 + np.floor(rng.random(len(ri)) * qty[src]).astype(np.int64))
    product = _dedupe_products(order_of_line, product, N_PRODUCTS)
    price = plan.product_price[product]
    qty = np.clip(qty, -(2**31 - 1), 2**31 - 1)

    country_of_cust = _draw(plan.country_cdf, rng, n_cust)
    country_of_line = country_of_cust[cust_of_line]
    t_line = t[order_of_line]

    # Bad lines, at odd positions.
    n_bad = int(plan.chunk_bad[j])
    counts = dict.fromkeys(BAD_KINDS, 0)
    cust_code = cust_of_line  # -1 NULL, n_cust '' , n_cust + 1 '   '
    if n_bad:
        if n_bad > n_lines // 2:
            raise ValueError("too many bad lines for the chunk")
        pos = rng.choice(n_lines // 2, n_bad, replace=False) * 2 + 1
        kind = (plan.chunk_bad_start[j] + np.arange(n_bad)) % 4
        serial = (plan.chunk_bad_start[j] + np.arange(n_bad)) // 4
        cust_code = cust_of_line.copy()
        m = pos[kind == 0]
        s = serial[kind == 0] % 4
        cust_code[m] = np.where(s < 2, -1, np.where(s == 2, n_cust, n_cust + 1))
        qty[pos[kind == 1]] = 0
        m = pos[kind == 2]
        s = serial[kind == 2] % 2
        price = price.copy()
        price[m] = np.where(s == 0, 0.0, -price[m])
        m = pos[kind == 3]
        for arr in (
            cust_code,
            order_of_line,
            t_line,
            product,
            qty,
            price,
            country_of_line,
        ):
            arr[m] = arr[m - 1]
        for i, name in enumerate(BAD_KINDS):
            counts[name] = int((kind == i).sum())

    # Arrow columns.
    cust_names = pa.concat_arrays(
        [
            _ids("C", np.arange(c0 + 1, c1 + 1), plan.customer_width),
            pa.array(["", "   "], pa.string()),
        ]
    )
    order_no = plan.order_number_base + 1 + int(plan.chunk_order_start[j])
    order_names = _order_ids(
        np.arange(order_no, order_no + n_ord), is_return, plan.order_width
    )
    cust_idx = pa.array(np.maximum(cust_code, 0), mask=cust_code < 0)
    micros = (plan.start_seconds + t_line) * 1_000_000
    columns = [
        cust_names.take(cust_idx),
        order_names.take(pa.array(order_of_line)),
        pa.array(micros, type=pa.timestamp("us")),
        plan.product_ids.take(pa.array(product)),
        pa.array(qty.astype(np.int32)),
        pa.array(price),
        plan.country_names.take(pa.array(country_of_line)),
    ]
    if plan.contacts:
        # Per order, so a duplicate line (a copy of order_of_line) repeats
        # its source's contacts exactly.
        per_order = _contacts(plan, j, c0, country_of_cust, cust_of_order, t)
        take = pa.array(order_of_line)
        columns += [column.take(take) for column in per_order]
    table = pa.Table.from_arrays(columns, schema=plan.schema)
    stats = {
        "orders": n_ord,
        "return_orders": int(is_return.sum()),
        "return_lines": int(is_return[order_of_line].sum()),
        **counts,
    }
    return table, stats


def _email_addresses(rng: np.random.Generator, numbers: np.ndarray) -> list[str | None]:
    """One messy address per customer number (see the module docstring)."""
    n = len(numbers)
    first = rng.integers(0, len(_FIRST_NAMES), n).tolist()
    last = rng.integers(0, len(_LAST_NAMES), n).tolist()
    style = rng.integers(0, 4, n).tolist()
    domain_w = np.array([w for _, w in _EMAIL_DOMAINS])
    domain = _draw(np.cumsum(domain_w / domain_w.sum()), rng, n).tolist()
    case = rng.random(n).tolist()
    tagged = (rng.random(n) < 0.10).tolist()
    padded = (rng.random(n) < 0.05).tolist()
    upper_domain = (rng.random(n) < 0.03).tolist()
    out: list[str | None] = []
    for i, num in enumerate(numbers.tolist()):
        f, la = _FIRST_NAMES[first[i]], _LAST_NAMES[last[i]]
        local = (f"{f}.{la}", f"{f}{la}", f"{f[0]}.{la}", f"{f}_{la}")[style[i]]
        local = f"{local}{num}"
        if case[i] < 0.05:
            local = local.upper()
        elif case[i] < 0.20:
            local = ".".join(part.capitalize() for part in local.split("."))
        if tagged[i]:
            local += "+shop"
        host = _EMAIL_DOMAINS[domain[i]][0]
        if upper_domain[i]:
            host = host.upper()
        address = f"{local}@{host}"
        out.append(f"  {address} " if padded[i] else address)
    return out


_UK_PHONE_FORMATS = (
    "+44 {a} {b}",
    "0{a} {b}",
    "(0{a}) {c}-{d}",
    "0044 {a} {b}",
    "+44 (0){a} {b}",
    "44{a}{b}",
    "{a}{b}",
)


def _phone_numbers(rng: np.random.Generator, countries: list[str]) -> list[str | None]:
    """One phone number per customer in a format of its country's."""
    n = len(countries)
    subscriber = rng.integers(0, 10**9, n).tolist()
    fmt = rng.integers(0, len(_UK_PHONE_FORMATS), n).tolist()
    out: list[str | None] = []
    for i in range(n):
        code = _CALLING_CODES.get(countries[i], "44")
        digits = f"{subscriber[i]:09d}"
        if code == "44":
            mobile = "7" + digits  # a British mobile: 07... nationally
            out.append(
                _UK_PHONE_FORMATS[fmt[i]].format(
                    a=mobile[:4], b=mobile[4:], c=mobile[4:7], d=mobile[7:]
                )
            )
        elif fmt[i] % 2:
            out.append(f"00{code}{digits}")
        else:
            out.append(f"+{code} {digits[:3]} {digits[3:6]} {digits[6:]}")
    return out


def _contacts(
    plan: _Plan,
    j: int,
    c0: int,
    country_of_cust: np.ndarray,
    cust_of_order: np.ndarray,
    t: np.ndarray,
) -> list[pa.Array]:
    """email, phone and consent per order of chunk ``j``."""
    rng = np.random.default_rng(plan.contact_seeds[j])
    n_cust, n_ord = len(country_of_cust), len(cust_of_order)
    numbers = np.arange(c0 + 1, c0 + n_cust + 1)
    period = plan.days * 86400
    # Email: a first address, and a second one from a switch time on.
    first = _email_addresses(rng, numbers)
    second = _email_addresses(rng, numbers)
    has_email = rng.random(n_cust) < 0.85
    switch_at = np.where(
        rng.random(n_cust) < 0.10, rng.integers(0, period, n_cust), period
    )
    cust = cust_of_order
    email_idx = np.where(t >= switch_at[cust], cust + n_cust, cust)
    email_missing = ~has_email[cust] | (rng.random(n_ord) < 0.10)
    emails = pa.array(first + second, pa.string()).take(
        pa.array(email_idx, mask=email_missing)
    )
    # Phone.
    countries = plan.country_names.take(pa.array(country_of_cust)).to_pylist()
    has_phone = rng.random(n_cust) < 0.60
    phone_missing = ~has_phone[cust] | (rng.random(n_ord) < 0.20)
    phones = pa.array(_phone_numbers(rng, countries), pa.string()).take(
        pa.array(cust, mask=phone_missing)
    )
    # Consent: yes, no or never said; some yes revoked at a time.
    state = rng.random(n_cust)  # < 0.7 yes, < 0.9 no, else never
    revoke_at = np.where(
        rng.random(n_cust) < 0.08, rng.integers(0, period, n_cust), period
    )
    spelling = rng.integers(0, len(_CONSENT_SPELLINGS), n_cust)
    says_yes = (state[cust] < 0.7) & (t < revoke_at[cust])
    consent_missing = (state[cust] >= 0.9) | (rng.random(n_ord) < 0.15)
    words = pa.array([w for pair in _CONSENT_SPELLINGS for w in pair], pa.string())
    word_idx = spelling[cust] * 2 + np.where(says_yes, 0, 1)
    consents = words.take(pa.array(word_idx, mask=consent_missing))
    return [emails, phones, consents]


class _Sink:
    """Parquet (fixed row groups) or CSV writer, picked by file extension."""

    def __init__(self, path: Path, schema: pa.Schema = SCHEMA):
        suffix = path.suffix.lower()
        if suffix not in (".parquet", ".csv"):
            raise ValueError("output must end in .parquet or .csv")
        self.csv = suffix == ".csv"
        self.pending: pa.Table | None = None
        if self.csv:
            csv_schema = schema.set(2, pa.field("ordered_at", pa.timestamp("s")))
            self.writer = pacsv.CSVWriter(str(path), csv_schema)
            self.schema = csv_schema
        else:
            self.writer = pq.ParquetWriter(
                str(path),
                schema,
                compression="snappy",
                write_statistics=True,
                use_dictionary=True,
            )

    def write(self, table: pa.Table) -> None:
        if self.csv:
            self.writer.write_table(table.cast(self.schema))
            return
        self.pending = (
            table if self.pending is None else pa.concat_tables([self.pending, table])
        )
        while self.pending.num_rows >= ROW_GROUP_SIZE:
            self.writer.write_table(
                self.pending.slice(0, ROW_GROUP_SIZE), row_group_size=ROW_GROUP_SIZE
            )
            self.pending = self.pending.slice(ROW_GROUP_SIZE)

    def close(self) -> None:
        if self.pending is not None and self.pending.num_rows:
            self.writer.write_table(self.pending, row_group_size=ROW_GROUP_SIZE)
        self.pending = None
        self.writer.close()


# --------------------------------------------------------------------------
# API


def generate_order_lines(
    path: str | Path,
    lines: int,
    customers: int | None = None,
    seed: int = 0,
    start_date: str | dt.date = "2022-01-01",
    days: int = 730,
    bad_share: float = 0.0,
    progress: bool | None = None,
    contacts: bool = False,
) -> dict:
    """Write ``lines`` synthetic order lines to ``path`` (.parquet or .csv).

    ``customers`` defaults to ``lines // 10``. ``progress`` (default: only for
    runs of a million lines or more) prints one line per chunk to stderr:
    chunk, share done, lines written, lines per second, seconds so far.
    ``contacts`` adds the email, phone and consent columns.
    Returns summary figures: lines, customers, orders, return_orders,
    return_lines, bad_lines and the count of each bad kind, chunks, path,
    seconds.
    """
    t0 = time.perf_counter()
    path = Path(path)
    plan = _Plan(lines, customers, seed, start_date, days, bad_share, contacts)
    if progress is None:
        progress = lines >= PROGRESS_MIN_LINES
    path.parent.mkdir(parents=True, exist_ok=True)
    totals = {
        "orders": 0,
        "return_orders": 0,
        "return_lines": 0,
        **dict.fromkeys(BAD_KINDS, 0),
    }
    written = 0
    n_chunks = len(plan.chunk_bounds) - 1
    sink = _Sink(path, plan.schema)
    try:
        for j in range(n_chunks):
            table, stats = _chunk(plan, j)
            sink.write(table)
            written += table.num_rows
            for key, value in stats.items():
                totals[key] += value
            del table
            if progress:
                seconds = time.perf_counter() - t0
                print(
                    f"datagen: chunk {j + 1}/{n_chunks} {written / lines:4.0%}:"
                    f" {written:,} / {lines:,} lines,"
                    f" {written / max(seconds, 1e-9):,.0f} lines/s,"
                    f" {seconds:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        sink.close()
    if written != lines:  # pragma: no cover - guarded by construction
        raise RuntimeError(f"wrote {written} lines instead of {lines}")
    return {
        "lines": written,
        "customers": plan.customers,
        "orders": totals.pop("orders"),
        "return_orders": totals.pop("return_orders"),
        "return_lines": totals.pop("return_lines"),
        "bad_lines": plan.bad_total,
        **totals,
        "chunks": n_chunks,
        "path": str(path),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="segmentation data",
        description="Write synthetic order lines (Parquet or CSV by extension).",
    )
    parser.add_argument("--lines", type=int, required=True, help="exact line count")
    parser.add_argument("--customers", type=int, default=None, help="default N/10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start-date", default="2022-01-01", help="YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument(
        "--bad-share", type=float, default=0.0, help="share of bad lines, 0..0.5"
    )
    parser.add_argument("--out", required=True, help="PATH.parquet or PATH.csv")
    parser.add_argument(
        "--quiet", action="store_true", help="no per-chunk progress lines"
    )
    parser.add_argument(
        "--contacts",
        action="store_true",
        help="add synthetic email, phone and consent columns",
    )
    args = parser.parse_args(argv)
    try:
        summary = generate_order_lines(
            args.out,
            lines=args.lines,
            customers=args.customers,
            seed=args.seed,
            start_date=args.start_date,
            days=args.days,
            bad_share=args.bad_share,
            progress=False if args.quiet else None,
            contacts=args.contacts,
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(
        f"datagen: wrote {summary['lines']:,} lines, {summary['customers']:,} "
        f"customers, {summary['orders']:,} orders "
        f"({summary['return_orders']:,} returns, {summary['bad_lines']:,} bad "
        f"lines) to {summary['path']} in {summary['seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
