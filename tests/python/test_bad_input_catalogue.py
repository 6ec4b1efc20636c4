"""A catalogue of bad inputs and what the project does with each, on the
real dbt project: a clear error that names the problem, or lines quarantined
with the expected reason (or, for odd but valid input, counted as it is).
Whatever happens, every line written is accounted for: clean + quarantined =
raw, per input, read from the tables and compared with the lines written
here.

`CATALOGUE` is the list of cases with their expected outcome; the same table
is docs/bad_input_catalogue.md, and a test keeps the two in step.

Time: every case that ends in counted or quarantined lines shares one
`dbt build` (each case is its own entry of var order_inputs, with its own
customer and order ids, so cases meet only where they should: the same file
given twice). Each error needs a run of its own on the smallest selection
that shows it. Runs start in the background, one at a time in this
process, so that all but the shared build and the K-means runs share one
parse of the project; each test waits only for the run it reads, and each
run is made once for the whole test run, whichever worker asks first.
Three cases are run by test_dbt_clear_errors.py; here they are only
checked to be still there.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pytest
import test_dbt_clear_errors
import yaml
from built_once import built_once
from dbt_project_runner import PROJECT_DIR, DbtRun, run_dbt

from segmentation.publish.failure_reasons import explain_run

BUILD = "build"  # the shared build of the quarantine and acceptance cases
ELSEWHERE = "test_dbt_clear_errors.py"  # cases run there, not again here


@dataclass(frozen=True)
class Case:
    """One bad input: what it is, and what the project must do with it."""

    id: str
    given: str  # the input, in words
    outcome: str  # what must happen, in words
    run: str  # BUILD, the name of an error run below, or ELSEWHERE


# fmt: off
CATALOGUE = [
    Case("empty_input",
         "a CSV file with a header and no lines",
         "error: `the input has no rows`, naming the input and var order_inputs",
         ELSEWHERE),
    Case("empty_file",
         "a CSV file of 0 bytes (no header either)",
         "error: `the input has no rows` (not a complaint about missing columns)",
         "empty_file"),
    Case("required_column_missing",
         "a CSV file without a quantity column",
         "error: `column 'quantity' (mapped to quantity) is not in the input`",
         ELSEWHERE),
    Case("wrong_column_types",
         "a Parquet file whose quantity is BOOLEAN, unit_price DATE and "
         "ordered_at BIGINT (epoch seconds)",
         "error naming each column, its type and the types it may have; "
         "nothing is built",
         "wrong_column_types"),
    Case("text_in_amount",
         "prices `abc`, `12,50`, `$10`, `10 EUR`, `1,000.00` and blank; "
         "quantity `two`; decimal_separator `.` given",
         "quarantined: `unparseable_amount` with the text kept, "
         "`unparseable_quantity`",
         BUILD),
    Case("nan_and_infinity",
         "NaN, inf, -Infinity and 1e400 in price and quantity, as text (CSV) "
         "and as doubles (Parquet)",
         "quarantined: `unparseable_amount` / `unparseable_quantity`; "
         "every sum stays finite",
         BUILD),
    Case("non_positive_prices",
         "unit prices 0, -5, -0.01; line amounts 0, and -10 on a purchase",
         "quarantined: `non_positive_unit_price`; a return (negative quantity) "
         "with a negative amount counts",
         BUILD),
    Case("zero_quantity",
         "quantities `0`, `0.0`, `-0`",
         "quarantined: `zero_quantity`",
         BUILD),
    Case("huge_amounts",
         "a unit price of 1e13; 10^6 units at 2 x 10^6",
         "quarantined: `amount_out_of_range` (10^12 or more)",
         BUILD),
    Case("duplicate_lines",
         "one line three times, another twice, and a line that differs from "
         "the first only in quantity (a product column mapped)",
         "the first copy counts, the others are `duplicate_line` pointing at "
         "it; the near-copy counts",
         BUILD),
    Case("duplicates_without_line_key",
         "two identical lines in a file with no product or line-number column",
         "both counted: without a line key they may be two products at one "
         "price, so the duplicate check is off",
         BUILD),
    Case("same_file_twice",
         "two order_inputs entries with the same path",
         "error: `both read file`, naming both entries and var order_inputs",
         "same_file_twice"),
    Case("future_timestamps",
         "orders dated 2099 and 2999",
         "quarantined: `timestamp_in_future`; the default as-of date ignores "
         "them",
         BUILD),
    Case("year_1900_timestamps",
         "orders dated 1900-01-01, 1899-12-31 and 0001-01-01",
         "quarantined: `timestamp_before_min_order_date`",
         BUILD),
    Case("ambiguous_timestamp_formats",
         "`01/02/2024 10:00`, `2024/01/02 10:00`, `Jan 2, 2024`, `1704189600` "
         "with the default var timestamp_formats",
         "quarantined: `unparseable_timestamp` with the text kept; day or month "
         "first is never guessed",
         BUILD),
    Case("iso_8601_timestamps",
         "`2024-01-18T10:00:00`, and with `Z`, `+02:00`, `-05:00`, a fraction",
         "counted, offsets converted to UTC: ISO 8601 needs no format",
         BUILD),
    Case("missing_customer_ids",
         "customer ids null, empty, quoted empty, spaces, a tab, a line break; "
         "an empty order id",
         "quarantined: `missing_customer_id`, `missing_order_id`",
         BUILD),
    Case("ids_case_and_trailing_zero",
         "customer ids `cs-abc`, `CS-ABC`, `Cs-Abc`; `90017850.0`, `90017850`, "
         "`90017850.00`; order ids `KI-6.0`, `KI-6`",
         "counted: case is kept (three customers), a trailing `.0` is dropped "
         "(one customer, one order)",
         BUILD),
    Case("unicode_and_long_ids",
         "customer ids `Zoë-顧客-😀` (composed and decomposed) and one of 5,000 "
         "characters; order id `Bestellung-ß-№1`",
         "counted, ids kept exactly: the two spellings of Zoë are two customers",
         BUILD),
    Case("unicode_whitespace_ids",
         "customer ids wrapped in no-break, zero-width, ideographic, figure "
         "and narrow spaces and a byte-order mark; one id of such characters "
         "only",
         "counted as one customer, trimmed; the id of spaces only is "
         "`missing_customer_id`",
         BUILD),
    Case("placeholder_ids",
         "customer ids `NULL`, `N/A`, `#N/A`, `nan`, `None`, `-`, `null`, "
         "`n/a`, ` NaN `; an order id `None`",
         "quarantined: `missing_customer_id`, `missing_order_id` (var "
         "missing_value_placeholders, any case)",
         BUILD),
    Case("exponent_ids",
         "customer ids `1.23457E+11` and `9.8E+5`, an order id `4.5E+05`, and "
         "a double id of 1.2345678901234567e17 in Parquet",
         "quarantined: `customer_id_in_exponent_form`, "
         "`order_id_in_exponent_form` (the digits are lost)",
         BUILD),
    Case("ids_across_types",
         "one customer as BIGINT 90017853 (Parquet), as DOUBLE 90017853.0 "
         "(Parquet) and as text ` 90017853 ` (CSV)",
         "counted as one customer, id `90017853`",
         BUILD),
    Case("superstore_order_ids",
         "order ids `CA-2023-100001`, `US-2023-100002`, `CA-2023-100003` "
         "(purchases) and a negative quantity in the last",
         "counted as purchases: the default return pattern `^C[0-9]` needs a "
         "digit after the C; the negative line is a return",
         BUILD),
    Case("return_flag_column",
         "a refund column (`No`, `Yes`, blank, `REFUND`) mapped as "
         "return_flag",
         "the Yes and REFUND lines are returns, the others purchases",
         BUILD),
    Case("european_numbers",
         "a `;` file with `1.000,50` and `12,50`, and `1.5`, with "
         "decimal_separator `,` and thousands `.` given",
         "1000.5 and 12.5; `1.5` is `unparseable_amount` (not grouped by "
         "three)",
         BUILD),
    Case("currency_column",
         "amounts in EUR (two rates by date), GBP, JPY (an undated rate) and "
         "one blank currency, reporting currency GBP",
         "converted by the rate of each line's date; the blank one is "
         "`missing_currency`",
         BUILD),
    Case("empty_first_file_in_glob",
         "a glob whose first file is empty (0 bytes) and whose other files "
         "have headers",
         "the empty file is skipped (input_reading_log says so) and no header "
         "is read as data",
         BUILD),
    Case("glob_with_union_by_name",
         "a glob where one file has an extra column in the middle, with "
         "union_by_name true",
         "every line counted with its own columns",
         BUILD),
    Case("quoting_varies_by_day",
         "daily exports of one writer: the first day quotes no field (one "
         "holds an inch mark, `12\" plate`), the second quotes a description "
         "with a comma, the third one with an escaped quote (`\"\"`)",
         "every line counted and read whole, all days with the quote and "
         "escape the later days show (input_reading_log says so)",
         BUILD),
    Case("utf16_file",
         "a UTF-16 file with a byte-order mark",
         "counted: the encoding is detected (input_reading_log: utf-16, "
         "detected)",
         BUILD),
    Case("latin1_with_option",
         "a Latin-1 file with encoding latin-1 given",
         "counted, `Zoë` read right",
         BUILD),
    Case("day_first_timestamps",
         "`05/01/2024 10:00` and `25/01/2024 09:00` with the default var "
         "timestamp_formats",
         "read day first (5 January): only `%d/%m/%Y %H:%M` reads every value",
         BUILD),
    Case("uuid_ids",
         "a Parquet file whose customer_id column is a UUID",
         "counted, the id as lowercase canonical text",
         BUILD),
    Case("million_orders_one_customer",
         "one customer with 10^6 orders of one line each (Parquet)",
         "counted: frequency 1,000,000, monetary 1,250,000.00 exactly",
         BUILD),
    Case("glob_extra_column",
         "a glob where one file has an extra column in the middle",
         "error: `has other columns than`, naming the file and "
         "`union_by_name: true`",
         "glob_extra_column"),
    Case("glob_file_without_header",
         "a glob where one file has no header line",
         "error: `has no header line where`, naming the file and the "
         "`header` option",
         "glob_file_without_header"),
    Case("escape_differs_between_files",
         "a glob where one file escapes quotes with `\\` and another doubles "
         "them",
         "error: `has escape`, naming both files, both values and the "
         "`escape` option",
         "escape_differs_between_files"),
    Case("stray_quote_in_an_unquoted_file",
         "a glob where one file quotes a description with a comma and "
         "another starts a description with a quote it never closes "
         "properly (`\"Best\" mug set`)",
         "error: `has quote '(empty)' where`, naming both files and the "
         "`quote` option",
         "stray_quote_in_an_unquoted_file"),
    Case("parquet_id_types_differ",
         "two Parquet files whose customer id is BIGINT in one and VARCHAR in "
         "the other",
         "error: `has other columns or types than`, naming `union_by_name`",
         "parquet_id_types_differ"),
    Case("missing_file_in_list",
         "a path list whose second file does not exist",
         "error: `no file matches path`, naming the entry of the list",
         "missing_file_in_list"),
    Case("relation_typo",
         "relation `raw_shop.ordres` where the table is `raw_shop.orders`",
         "error: `does not exist (closest: ...raw_shop.orders`",
         "relation_typo"),
    Case("csv_named_parquet",
         "a CSV file named `.parquet`",
         "error: `is text, not Parquet`, naming `format: csv`",
         "csv_named_parquet"),
    Case("parquet_named_csv",
         "a Parquet file named `.csv`",
         "error: `is not text`, naming `format: parquet`",
         "parquet_named_csv"),
    Case("latin1_without_option",
         "a Latin-1 file (`Zoë`) with no encoding given",
         "error: `is not utf-8 text`, naming `encoding: latin-1`",
         "latin1_without_option"),
    Case("late_latin1_byte",
         "a UTF-8 file with one Latin-1 byte after 30,000 lines (past the "
         "sniffer's sample)",
         "error: `line 30002 of file`, naming `encoding: latin-1`",
         "late_latin1_byte"),
    Case("over_long_line",
         "a line of 3 MB",
         "error: `bytes long, above max_line_size`, naming `max_line_size`",
         "over_long_line"),
    Case("ambiguous_day_month",
         "timestamps whose days are all 12 or less (`05/01/2024 10:00`)",
         "error: both `%d/%m/%Y %H:%M` and `%m/%d/%Y %H:%M` read every value "
         "and disagree; examples and `timestampformat` named",
         "ambiguous_day_month"),
    Case("european_numbers_without_options",
         "prices `1.000,50` and `12,50` with no separators given",
         "error: `Set decimal_separator: ',' and thousands: '.'`",
         "european_numbers_without_options"),
    Case("thousands_comma_without_option",
         "prices `1,000.00` and `25.50` with no separators given",
         "error: `Set thousands: ','`",
         "thousands_comma_without_option"),
    Case("dot_thousands_only",
         "prices `1.000`, `2.500`, `12.990` (every one with three decimals)",
         "error: the point may separate thousands; names `thousands` and "
         "`decimal_separator`",
         "dot_thousands_only"),
    Case("currency_without_rate",
         "a currency column with EUR and no EUR rate",
         "error: `EUR has no rate to GBP`, naming var currency_rates and var "
         "reporting_currency",
         "currency_without_rate"),
    Case("implausible_returns",
         "order ids `CA-...` and `US-...` with var return_order_pattern `^C`",
         "the build fails on `return_shares_plausible`, whose failure_reason "
         "names var return_only_customer_share_error",
         "implausible_returns"),
    Case("as_of_before_all_orders",
         "var as_of_date before the first order",
         "error: `var as_of_date ... is not after the first order`",
         ELSEWHERE),
    Case("single_customer",
         "one customer, K-means on",
         "RFM scores are built; K-means stops: `there is only 1 customer`, "
         "naming var clustering_enabled",
         "single_customer"),
    Case("identical_customers",
         "four customers with identical orders, K-means on",
         "K-means stops: `all 4 customers have the same value of every feature`",
         "identical_customers"),
    Case("fixed_k_above_customers",
         "12 customers and var clustering.fixed_k 15",
         "K-means stops: `asked for k=15 clusters but the data has only 12 "
         "distinct customers; lower k (var clustering.fixed_k)`",
         "fixed_k_above_customers"),
]
# fmt: on
CASES = {case.id: case for case in CATALOGUE}

# The cases run by test_dbt_clear_errors.py: their id there, and the part of
# the message it checks that this catalogue quotes.
CLEAR_ERRORS_CASES = {
    "empty_input": ("empty_input", "the input has no rows"),
    "required_column_missing": (
        "required_column_missing",
        "column 'quantity' (mapped to quantity)",
    ),
    "as_of_before_all_orders": (
        "as_of_before_first_order",
        "is not after the first order",
    ),
}


# --- The shared build: its inputs, as written ---------------------------------

HEADER = "customer_id,order_id,ordered_at,quantity,unit_price\n"
LONG_ID = "長" * 4999 + "😀"  # 5,000 characters
ZOE = "Zoë-顧客-😀"
ZOE_DECOMPOSED = unicodedata.normalize("NFD", ZOE)
CUSTOMER_UUID = "5f0c6a3e-2b1d-4c8e-9a7f-3d2e1b0c9a8f"
MILLION = 1_000_000


def with_header(*lines: str) -> str:
    return HEADER + "".join(lines)


# Every clean line is dated in January 2024 (the 10^6 orders are in 2023),
# the latest on 2024-01-31: the build's as-of date is 2024-02-01. Order ids
# never start with "C", the return prefix.
CSV_FILES = {
    "text_in_amount.csv": with_header(
        "TA-1,TA-1-1,2024-01-10 10:00:00,1,abc\n"
        'TA-1,TA-1-2,2024-01-10 10:00:00,1,"12,50"\n'
        "TA-1,TA-1-3,2024-01-10 10:00:00,1,$10\n"
        "TA-1,TA-1-4,2024-01-10 10:00:00,1,10 EUR\n"
        'TA-1,TA-1-5,2024-01-10 10:00:00,1,"1,000.00"\n'
        "TA-1,TA-1-6,2024-01-10 10:00:00,1,\n"
        "TA-1,TA-1-7,2024-01-10 10:00:00,two,10\n"
        "TA-1,TA-1-8,2024-01-10 10:00:00,1,10.50\n"
    ),
    "nan_and_infinity.csv": with_header(
        "NI-1,NI-1-1,2024-01-11 10:00:00,1,NaN\n"
        "NI-1,NI-1-2,2024-01-11 10:00:00,1,inf\n"
        "NI-1,NI-1-3,2024-01-11 10:00:00,1,-Infinity\n"
        "NI-1,NI-1-4,2024-01-11 10:00:00,1,1e400\n"
        "NI-1,NI-1-5,2024-01-11 10:00:00,NaN,10\n"
        "NI-1,NI-1-6,2024-01-11 10:00:00,-inf,10\n"
        "NI-1,NI-1-7,2024-01-11 10:00:00,2,5\n"
    ),
    "non_positive_unit_price.csv": with_header(
        "NP-1,NP-1-1,2024-01-12 10:00:00,1,0\n"
        "NP-1,NP-1-2,2024-01-12 10:00:00,1,-5\n"
        "NP-1,NP-1-3,2024-01-12 10:00:00,3,-0.01\n"
        "NP-1,NP-1-4,2024-01-12 10:00:00,1,0.01\n"
    ),
    # A line amount instead of a unit price: the price is amount / quantity.
    "non_positive_line_amount.csv": (
        "customer_id,order_id,ordered_at,quantity,line_amount\n"
        "NP-2,NP-2-1,2024-01-12 10:00:00,2,0\n"
        "NP-2,NP-2-2,2024-01-12 10:00:00,1,-10\n"
        "NP-2,NP-2-3,2024-01-12 10:00:00,2,30\n"
        "NP-2,NP-2-4,2024-01-12 10:00:00,-1,-15\n"
    ),
    "zero_quantity.csv": with_header(
        "ZQ-1,ZQ-1-1,2024-01-13 10:00:00,0,10\n"
        "ZQ-1,ZQ-1-2,2024-01-13 10:00:00,0.0,10\n"
        "ZQ-1,ZQ-1-3,2024-01-13 10:00:00,-0,10\n"
        "ZQ-1,ZQ-1-4,2024-01-13 10:00:00,1,10\n"
    ),
    "huge_amounts.csv": with_header(
        "HA-1,HA-1-1,2024-01-13 11:00:00,1,1e13\n"
        "HA-1,HA-1-2,2024-01-13 11:00:00,1000000,2000000\n"
        "HA-1,HA-1-3,2024-01-13 11:00:00,1,99\n"
    ),
    "duplicate_lines.csv": (
        "customer_id,order_id,product_id,ordered_at,quantity,unit_price\n"
        "DL-1,DL-1-1,P1,2024-01-14 10:00:00,1,10\n"
        "DL-1,DL-1-1,P1,2024-01-14 10:00:00,1,10\n"
        "DL-1,DL-1-2,P2,2024-01-14 11:00:00,2,5\n"
        "DL-1,DL-1-1,P1,2024-01-14 10:00:00,1,10\n"
        "DL-1,DL-1-2,P2,2024-01-14 11:00:00,2,5\n"
        "DL-1,DL-1-1,P1,2024-01-14 10:00:00,2,10\n"
    ),
    "duplicates_without_line_key.csv": with_header(
        "NK-1,NK-1-1,2024-01-14 10:00:00,1,10\nNK-1,NK-1-1,2024-01-14 10:00:00,1,10\n"
    ),
    "future_timestamps.csv": with_header(
        "FU-1,FU-1-1,2099-06-01 10:00:00,1,10\n"
        "FU-1,FU-1-2,2999-12-31 23:59:59,1,10\n"
        "FU-1,FU-1-3,2024-01-31 12:00:00,1,10\n"
    ),
    "year_1900_timestamps.csv": with_header(
        "Y1-1,Y1-1-1,1900-01-01 00:00:00,1,10\n"
        "Y1-1,Y1-1-2,1899-12-31 23:59:59,1,10\n"
        "Y1-1,Y1-1-3,0001-01-01 00:00:00,1,10\n"
        "Y1-1,Y1-1-4,2024-01-17 10:00:00,1,10\n"
    ),
    "ambiguous_timestamp_formats.csv": with_header(
        "AT-1,AT-1-1,01/02/2024 10:00,1,10\n"
        "AT-1,AT-1-2,2024/01/02 10:00,1,10\n"
        'AT-1,AT-1-3,"Jan 2, 2024",1,10\n'
        "AT-1,AT-1-4,1704189600,1,10\n"
        "AT-1,AT-1-5,2024-01-02 10:00:00,1,10\n"
    ),
    "iso_8601_timestamps.csv": with_header(
        "IS-1,IS-1-1,2024-01-18T10:00:00,1,10\n"
        "IS-1,IS-1-2,2024-01-18T10:00:00Z,1,10\n"
        "IS-1,IS-1-3,2024-01-18T12:00:00+02:00,1,10\n"
        "IS-1,IS-1-4,2024-01-18T05:00:00.5-05:00,1,10\n"
        "IS-1,IS-1-5,2024-01-18T10:00,1,10\n"
    ),
    # Escapes are real characters here: a tab, and a quoted line break.
    "missing_customer_ids.csv": with_header(
        ",MC-1-1,2024-01-19 10:00:00,1,10\n"
        '"",MC-1-2,2024-01-19 10:00:00,1,10\n'
        '"   ",MC-1-3,2024-01-19 10:00:00,1,10\n'
        '"\t",MC-1-4,2024-01-19 10:00:00,1,10\n'
        '" \t\r\n ",MC-1-5,2024-01-19 10:00:00,1,10\n'
        "MC-1,,2024-01-19 10:00:00,1,10\n"
        "MC-1,MC-1-7,2024-01-19 10:00:00,1,10\n"
    ),
    "ids_case_and_trailing_zero.csv": with_header(
        "cs-abc,KI-1,2024-01-20 10:00:00,1,10\n"
        "CS-ABC,KI-2,2024-01-20 10:00:00,1,10\n"
        "Cs-Abc,KI-3,2024-01-20 10:00:00,1,10\n"
        "90017850.0,KI-4,2024-01-20 10:00:00,1,10\n"
        "90017850,KI-5,2024-01-21 10:00:00,1,10\n"
        "90017850.00,KI-6.0,2024-01-22 10:00:00,1,10\n"
        "90017850,KI-6,2024-01-22 10:00:00,1,5\n"
    ),
    "unicode_whitespace_ids.csv": with_header(
        "\u00a0UW-1,UW-1-1,2024-01-10 10:00:00,1,10\n"
        "UW-1\u200b,UW-1-2,2024-01-11 10:00:00,1,10\n"
        "\u3000UW-1\ufeff,UW-1-3,2024-01-12 10:00:00,1,10\n"
        "\u2007UW-1\u202f,UW-1-4,2024-01-13 10:00:00,1,10\n"
        "\u200b\u00a0\u3000,UW-1-5,2024-01-13 10:00:00,1,10\n"
    ),
    "placeholder_ids.csv": with_header(
        *(
            f"{placeholder},PH-1-{n},2024-01-10 10:00:00,1,10\n"
            for n, placeholder in enumerate(
                ["NULL", "N/A", "#N/A", "nan", "None", "-", "null", "n/a", '" NaN "'],
                start=1,
            )
        ),
        "PH-1,None,2024-01-10 10:00:00,1,10\n",
        "PH-1,PH-1-11,2024-01-10 10:00:00,1,10\n",
    ),
    "exponent_ids.csv": with_header(
        "1.23457E+11,EX-1-1,2024-01-10 10:00:00,1,10\n"
        "9.8E+5,EX-1-2,2024-01-10 10:00:00,1,10\n"
        "EX-1,4.5E+05,2024-01-10 10:00:00,1,10\n"
        "EX-1,EX-1-4,2024-01-10 10:00:00,1,10\n"
    ),
    "ids_text.csv": with_header('" 90017853 ",IT-3,2024-01-12 10:00:00,1,10\n'),
    "superstore_order_ids.csv": with_header(
        "SS-1,CA-2023-100001,2024-01-10 10:00:00,2,10\n"
        "SS-1,US-2023-100002,2024-01-11 10:00:00,2,10\n"
        "SS-1,CA-2023-100003,2024-01-12 10:00:00,2,10\n"
        "SS-1,CA-2023-100003,2024-01-12 10:00:00,-1,10\n"
    ),
    "return_flag_column.csv": (
        "customer_id,order_id,ordered_at,quantity,unit_price,refund\n"
        "RF-1,RF-1-1,2024-01-10 10:00:00,1,10,No\n"
        "RF-1,RF-1-2,2024-01-11 10:00:00,1,5,Yes\n"
        "RF-1,RF-1-3,2024-01-12 10:00:00,1,10,\n"
        "RF-1,RF-1-4,2024-01-13 10:00:00,1,5,REFUND\n"
    ),
    "european_numbers.csv": (
        "customer_id;order_id;ordered_at;quantity;unit_price\n"
        "EU-1;EU-1-1;2024-01-10 10:00:00;1;1.000,50\n"
        "EU-1;EU-1-2;2024-01-11 10:00:00;2;12,50\n"
        "EU-1;EU-1-3;2024-01-12 10:00:00;1;1.5\n"
    ),
    "currency_column.csv": (
        "customer_id,order_id,ordered_at,quantity,unit_price,currency\n"
        "CC-1,CC-1-1,2024-01-10 10:00:00,1,100,EUR\n"
        "CC-1,CC-1-2,2024-01-20 10:00:00,1,100,eur\n"
        "CC-1,CC-1-3,2024-01-21 10:00:00,1,10,GBP\n"
        "CC-1,CC-1-4,2024-01-22 10:00:00,1,1000,JPY\n"
        "CC-1,CC-1-5,2024-01-22 10:00:00,1,1000,\n"
    ),
    "glob_empty_first/a.csv": "",
    "glob_empty_first/b.csv": with_header(
        "EG-1,EG-1-1,2024-01-10 10:00:00,1,10\nEG-1,EG-1-2,2024-01-11 10:00:00,1,10\n"
    ),
    "glob_empty_first/c.csv": with_header("EG-1,EG-1-3,2024-01-12 10:00:00,1,10\n"),
    "glob_union/a.csv": with_header("GU-1,GU-1-1,2024-01-10 10:00:00,1,10\n"),
    "glob_union/b.csv": (
        "customer_id,order_id,ordered_at,note,quantity,unit_price\n"
        "GU-1,GU-1-2,2024-01-11 10:00:00,gift,3,5\n"
        "GU-1,GU-1-3,2024-01-12 10:00:00,,1,2\n"
    ),
    # One writer, three days: quotes only where a field needs them.
    "quoting_by_day/2024-01-10.csv": (
        "customer_id,order_id,description,ordered_at,quantity,unit_price\n"
        'QV-1,QV-1-1,12" plate,2024-01-10 10:00:00,1,10\n'
    ),
    "quoting_by_day/2024-01-11.csv": (
        "customer_id,order_id,description,ordered_at,quantity,unit_price\n"
        'QV-1,QV-1-2,"Mug, blue",2024-01-11 10:00:00,2,10\n'
    ),
    "quoting_by_day/2024-01-12.csv": (
        "customer_id,order_id,description,ordered_at,quantity,unit_price\n"
        'QV-1,QV-1-3,"Tray, 12"" round",2024-01-12 10:00:00,3,10\n'
    ),
    "day_first_timestamps.csv": with_header(
        "DF-1,DF-1-1,05/01/2024 10:00,1,10\nDF-1,DF-1-2,25/01/2024 09:00,1,10\n"
    ),
    "unicode_and_long_ids.csv": with_header(
        f"{ZOE},UL-1,2024-01-23 10:00:00,1,10\n"
        f"{ZOE_DECOMPOSED},UL-2,2024-01-23 10:00:00,1,20\n"
        f"{LONG_ID},UL-3,2024-01-23 10:00:00,1,30\n"
        f"{LONG_ID},Bestellung-ß-№1,2024-01-24 10:00:00,1,40\n"
    ),
}

# Files in other encodings, as bytes.
ENCODED_FILES = {
    "utf16.csv": with_header(
        "Zoë-16,U16-1,2024-01-10 10:00:00,1,10\nZoë-16,U16-2,2024-01-11 10:00:00,1,10\n"
    ).encode("utf-16"),
    "latin1.csv": with_header(
        "Zoë-L1,L1-1,2024-01-10 10:00:00,1,10\nZoë-L1,L1-2,2024-01-11 10:00:00,1,10\n"
    ).encode("latin-1"),
}

# Parquet files, typed: the SQL DuckDB writes each one from.
PARQUET_FILES = {
    "exponent_ids.parquet": """
        select * from (values
            (1.2345678901234567e17, 'EX-P-1', timestamp '2024-01-10 10:00', 1, 10.0),
            (90017852.0, 'EX-P-2', timestamp '2024-01-10 10:00', 1, 10.0)
        ) as t(customer_id, order_id, ordered_at, quantity, unit_price)
    """,
    "ids_bigint.parquet": """
        select 90017853::bigint as customer_id, 'IT-1' as order_id,
            timestamp '2024-01-10 10:00' as ordered_at, 1 as quantity,
            10.0 as unit_price
    """,
    "ids_double.parquet": """
        select 90017853.0::double as customer_id, 'IT-2' as order_id,
            timestamp '2024-01-11 10:00' as ordered_at, 1 as quantity,
            10.0 as unit_price
    """,
    "nan_and_infinity.parquet": """
        select * from (values
            ('NI-2', 'NI-2-1', timestamp '2024-01-11 10:00', 1.0, 'nan'::double),
            ('NI-2', 'NI-2-2', timestamp '2024-01-11 10:00', 1.0, 'inf'::double),
            ('NI-2', 'NI-2-3', timestamp '2024-01-11 10:00', 1.0, '-inf'::double),
            ('NI-2', 'NI-2-4', timestamp '2024-01-11 10:00', 'nan'::double, 3.0),
            ('NI-2', 'NI-2-5', timestamp '2024-01-11 10:00', 1.0, 3.0)
        ) as t(customer_id, order_id, ordered_at, quantity, unit_price)
    """,
    "missing_customer_ids.parquet": """
        select * from (values
            (null, 'MC-2-1', timestamp '2024-01-19 10:00', 1, 10.0),
            ('', 'MC-2-2', timestamp '2024-01-19 10:00', 1, 10.0),
            (' ' || chr(9) || ' ', 'MC-2-3', timestamp '2024-01-19 10:00', 1, 10.0),
            ('MC-2', 'MC-2-4', timestamp '2024-01-19 10:00', 1, 10.0)
        ) as t(customer_id, order_id, ordered_at, quantity, unit_price)
    """,
    "uuid_ids.parquet": f"""
        select '{CUSTOMER_UUID.upper()}'::uuid as customer_id,
            'UU-' || i as order_id,
            timestamp '2024-01-25 10:00' + to_days(i::integer) as ordered_at,
            1 as quantity, 10.0 as unit_price
        from range(2) as t(i)
    """,
    # Ten seconds apart from 2023-01-01 (to 2023-04-26), 1.25 each.
    "million_orders.parquet": f"""
        select 'MEGA-1' as customer_id, 'MEGA-' || i as order_id,
            timestamp '2023-01-01' + to_seconds(i * 10) as ordered_at,
            1 as quantity, 1.25 as unit_price
        from range({MILLION}) as t(i)
    """,
}


@dataclass(frozen=True)
class BuildInput:
    """One entry of var order_inputs in the shared build, and where its lines
    must end up (order_line_reconciliation: outcome -> lines)."""

    case: str
    name: str
    file: str  # a file or a glob, relative to the work folder
    outcomes: dict[str, int]
    entry: dict = field(default_factory=dict)  # more keys of its entry


# fmt: off
BUILD_INPUTS = [
    BuildInput("text_in_amount", "text_in_amount", "text_in_amount.csv",
               {"clean": 1, "unparseable_amount": 6, "unparseable_quantity": 1},
               {"decimal_separator": "."}),
    BuildInput("nan_and_infinity", "nan_and_infinity_csv", "nan_and_infinity.csv",
               {"clean": 1, "unparseable_amount": 4, "unparseable_quantity": 2}),
    BuildInput("nan_and_infinity", "nan_and_infinity_parquet",
               "nan_and_infinity.parquet",
               {"clean": 1, "unparseable_amount": 3, "unparseable_quantity": 1}),
    BuildInput("non_positive_prices", "non_positive_unit_price",
               "non_positive_unit_price.csv",
               {"clean": 1, "non_positive_unit_price": 3}),
    BuildInput("non_positive_prices", "non_positive_line_amount",
               "non_positive_line_amount.csv",
               {"clean": 2, "non_positive_unit_price": 2}),
    BuildInput("zero_quantity", "zero_quantity", "zero_quantity.csv",
               {"clean": 1, "zero_quantity": 3}),
    BuildInput("huge_amounts", "huge_amounts", "huge_amounts.csv",
               {"clean": 1, "amount_out_of_range": 2}),
    BuildInput("duplicate_lines", "duplicate_lines", "duplicate_lines.csv",
               {"clean": 3, "duplicate_line": 3}),
    BuildInput("duplicates_without_line_key", "duplicates_without_line_key",
               "duplicates_without_line_key.csv", {"clean": 2}),
    BuildInput("future_timestamps", "future_timestamps", "future_timestamps.csv",
               {"clean": 1, "timestamp_in_future": 2}),
    BuildInput("year_1900_timestamps", "year_1900_timestamps",
               "year_1900_timestamps.csv",
               {"clean": 1, "timestamp_before_min_order_date": 3}),
    BuildInput("ambiguous_timestamp_formats", "ambiguous_timestamp_formats",
               "ambiguous_timestamp_formats.csv",
               {"clean": 1, "unparseable_timestamp": 4}),
    BuildInput("iso_8601_timestamps", "iso_8601_timestamps",
               "iso_8601_timestamps.csv", {"clean": 5}),
    BuildInput("missing_customer_ids", "missing_customer_ids_csv",
               "missing_customer_ids.csv",
               {"clean": 1, "missing_customer_id": 5, "missing_order_id": 1}),
    BuildInput("missing_customer_ids", "missing_customer_ids_parquet",
               "missing_customer_ids.parquet",
               {"clean": 1, "missing_customer_id": 3}),
    BuildInput("ids_case_and_trailing_zero", "ids_case_and_trailing_zero",
               "ids_case_and_trailing_zero.csv", {"clean": 7}),
    BuildInput("unicode_and_long_ids", "unicode_and_long_ids",
               "unicode_and_long_ids.csv", {"clean": 4}),
    BuildInput("unicode_whitespace_ids", "unicode_whitespace_ids",
               "unicode_whitespace_ids.csv", {"clean": 4, "missing_customer_id": 1}),
    BuildInput("placeholder_ids", "placeholder_ids", "placeholder_ids.csv",
               {"clean": 1, "missing_customer_id": 9, "missing_order_id": 1}),
    BuildInput("exponent_ids", "exponent_ids_csv", "exponent_ids.csv",
               {"clean": 1, "customer_id_in_exponent_form": 2,
                "order_id_in_exponent_form": 1}),
    BuildInput("exponent_ids", "exponent_ids_parquet", "exponent_ids.parquet",
               {"clean": 1, "customer_id_in_exponent_form": 1}),
    BuildInput("ids_across_types", "ids_bigint", "ids_bigint.parquet", {"clean": 1}),
    BuildInput("ids_across_types", "ids_double", "ids_double.parquet", {"clean": 1}),
    BuildInput("ids_across_types", "ids_text", "ids_text.csv", {"clean": 1}),
    BuildInput("superstore_order_ids", "superstore_order_ids",
               "superstore_order_ids.csv", {"clean": 4}),
    BuildInput("return_flag_column", "return_flag_column",
               "return_flag_column.csv", {"clean": 4},
               {"columns": {"return_flag": "refund"}}),
    BuildInput("european_numbers", "european_numbers", "european_numbers.csv",
               {"clean": 2, "unparseable_amount": 1},
               {"decimal_separator": ",", "thousands": "."}),
    BuildInput("currency_column", "currency_column", "currency_column.csv",
               {"clean": 4, "missing_currency": 1}),
    BuildInput("empty_first_file_in_glob", "empty_first_file_in_glob",
               "glob_empty_first/*.csv", {"clean": 3}),
    BuildInput("glob_with_union_by_name", "glob_with_union_by_name",
               "glob_union/*.csv", {"clean": 3}, {"union_by_name": True}),
    BuildInput("quoting_varies_by_day", "quoting_varies_by_day",
               "quoting_by_day/*.csv", {"clean": 3}),
    BuildInput("utf16_file", "utf16_file", "utf16.csv", {"clean": 2}),
    BuildInput("latin1_with_option", "latin1_with_option", "latin1.csv",
               {"clean": 2}, {"encoding": "latin-1"}),
    BuildInput("day_first_timestamps", "day_first_timestamps",
               "day_first_timestamps.csv", {"clean": 2}),
    BuildInput("uuid_ids", "uuid_ids", "uuid_ids.parquet", {"clean": 2}),
    BuildInput("million_orders_one_customer", "million_orders_one_customer",
               "million_orders.parquet", {"clean": MILLION}),
]
# fmt: on
INPUTS = {spec.name: spec for spec in BUILD_INPUTS}


ENCODINGS = {"utf16.csv": "utf-16", "latin1.csv": "latin-1"}


def lines_in_file(path: Path) -> int:
    """Data lines of a CSV or Parquet file (or of every file a glob
    matches), counted without the project."""
    if "*" in path.name:
        return sum(lines_in_file(one) for one in sorted(path.parent.glob(path.name)))
    if path.suffix == ".csv":
        encoding = ENCODINGS.get(path.name, "utf-8")
        with path.open(newline="", encoding=encoding) as handle:
            delimiter = ";" if handle.readline().count(";") else ","
            handle.seek(0)
            return max(sum(1 for _ in csv.reader(handle, delimiter=delimiter)) - 1, 0)
    with duckdb.connect() as con:
        return con.sql(f"select count(*) from '{path}'").fetchall()[0][0]


def write_build_files(work_dir: Path) -> dict[str, int]:
    """Writes the shared build's files; returns the lines written per input."""
    for name, text in CSV_FILES.items():
        (work_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (work_dir / name).write_text(text, encoding="utf-8", newline="")
    for name, data in ENCODED_FILES.items():
        (work_dir / name).write_bytes(data)
    with duckdb.connect() as con:
        for name, sql in PARQUET_FILES.items():
            con.execute(f"copy ({sql}) to '{work_dir / name}' (format parquet)")
    return {spec.name: lines_in_file(work_dir / spec.file) for spec in BUILD_INPUTS}


def prepare_build(work_dir: Path) -> tuple[str, dict, list[str]]:
    order_inputs = [
        {"name": spec.name, "path": str(work_dir / spec.file), **spec.entry}
        for spec in BUILD_INPUTS
    ]
    # EUR at 0.85 from 2024-01-01 and 0.9 from 2024-01-15; JPY at 0.005
    # whatever the date.
    with duckdb.connect(str(work_dir / "warehouse.duckdb")) as con:
        con.execute(
            "create table catalogue_rates as select * from (values"
            " ('EUR', 'GBP', date '2024-01-01', 0.85),"
            " ('EUR', 'GBP', date '2024-01-15', 0.9),"
            " ('JPY', 'GBP', null, 0.005)"
            ") as t(from_currency, to_currency, rate_date, rate)"
        )
    dbt_vars = {
        "order_inputs": order_inputs,
        # Most lines here are bad on purpose; the check stays on, at a share
        # no input comes near on its own.
        "max_quarantine_share": 0.9,
        "clustering_enabled": False,
        # Too few customers with a repeat purchase for the CLV fits.
        "clv_enabled": False,
        "currency_rates": "main.catalogue_rates",
    }
    # dbt's unit tests bring their own rows, not these inputs.
    return "build", dbt_vars, ["--exclude", "resource_type:unit_test"]


# --- Error runs: one each, on the smallest selection that shows the error -----

STAGING_ONLY = ["--select", "stg_orders__order_lines"]
# What the Python models read, without data tests: these cases are K-means's.
KMEANS_ONLY = ["--select", "+int_customers_clustered"]
KMEANS_ONLY += ["--resource-type", "model", "--resource-type", "seed"]
# Nothing here reads dbt's JSON artefacts or parses a second time.
NO_ARTEFACTS = ["--no-write-json", "--no-partial-parse"]
ORDERS_CSV = "orders.csv"  # the input of each K-means run


def one_input(path: Path, name: str = "orders") -> dict:
    return {"order_inputs": [{"name": name, "path": str(path)}]}


def prepare_empty_file(work_dir: Path) -> tuple[str, dict, list[str]]:
    (work_dir / "empty.csv").write_bytes(b"")
    return "run", one_input(work_dir / "empty.csv", "empty_file"), STAGING_ONLY


def prepare_wrong_column_types(work_dir: Path) -> tuple[str, dict, list[str]]:
    path = work_dir / "wrong_types.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'WT-1' as customer_id, 'WT-1-1' as order_id,"
            " 1705312800::bigint as ordered_at, true as quantity,"
            f" date '2024-01-15' as unit_price) to '{path}' (format parquet)"
        )
    return "run", one_input(path, "wrong_types"), STAGING_ONLY


def prepare_single_customer(work_dir: Path) -> tuple[str, dict, list[str]]:
    (work_dir / ORDERS_CSV).write_text(
        HEADER
        + "SC-1,SC-1-1,2024-01-05 10:00:00,1,10\n"
        + "SC-1,SC-1-2,2024-01-20 10:00:00,2,10\n"
    )
    return "build", one_input(work_dir / ORDERS_CSV), KMEANS_ONLY


def prepare_identical_customers(work_dir: Path) -> tuple[str, dict, list[str]]:
    lines = [
        f"IC-{n},IC-{n}-{order},2024-01-{day} 10:00:00,{order},10\n"
        for n in range(1, 5)
        for order, day in ((1, "05"), (2, "20"))
    ]
    (work_dir / ORDERS_CSV).write_text(HEADER + "".join(lines))
    return "build", one_input(work_dir / ORDERS_CSV), KMEANS_ONLY


def prepare_fixed_k_above_customers(work_dir: Path) -> tuple[str, dict, list[str]]:
    # Customer n has n orders of 5n on consecutive days, the latest n days
    # before the as-of date (2024-01-30): twelve distinct customers and no
    # outliers, so k = 2..10 of k_range can be fitted, the fixed k of 15 not.
    lines = [
        f"FK-{n},FK-{n}-{order},2024-01-{31 - n - order:02d} 10:00:00,1,{5 * n}\n"
        for n in range(1, 13)
        for order in range(1, n + 1)
    ]
    (work_dir / ORDERS_CSV).write_text(HEADER + "".join(lines))
    # dbt does not merge a dict var given on the command line into the
    # project's: pass the whole of var clustering, changed.
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    clustering = {**project["vars"]["clustering"], "fixed_k": 15}
    dbt_vars = one_input(work_dir / ORDERS_CSV) | {"clustering": clustering}
    return "build", dbt_vars, KMEANS_ONLY


# --- Error runs of the reader: each writes the files a real export would
# have, and reads them with the options a user would first try. -------------

GOOD_LINES = "R-1,R-1-1,2024-01-10 10:00:00,1,10\nR-1,R-1-2,2024-01-11 10:00:00,2,5\n"


def write(work_dir: Path, name: str, content: str | bytes) -> Path:
    path = work_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def reader_run(path: str | list[str], **entry) -> tuple[str, dict, list[str]]:
    order_input = {"name": "shop", "path": path, **entry}
    return "run", {"order_inputs": [order_input]}, STAGING_ONLY


def prepare_glob_extra_column(work_dir: Path) -> tuple[str, dict, list[str]]:
    for name in ("a.csv", "b.csv"):
        write(work_dir, f"drop/{name}", CSV_FILES[f"glob_union/{name}"])
    return reader_run(str(work_dir / "drop/*.csv"))


def prepare_glob_file_without_header(work_dir: Path) -> tuple[str, dict, list[str]]:
    write(work_dir, "drop/2024-01.csv", with_header(GOOD_LINES))
    write(work_dir, "drop/2024-02.csv", "R-2,R-2-1,2024-02-10 10:00:00,1,10\n")
    return reader_run(str(work_dir / "drop/*.csv"))


def two_days_with_descriptions(
    work_dir: Path, first: str, second: str
) -> tuple[str, dict, list[str]]:
    """Two daily files with a description column, one line each: the
    description fields of the first and of the second, as written."""
    header = "customer_id,order_id,description,ordered_at,quantity,unit_price\n"
    for day, (name, description) in enumerate((("a", first), ("b", second)), 10):
        write(
            work_dir,
            f"drop/{name}.csv",
            header + f"R-1,R-1-{name},{description},2024-01-{day} 10:00:00,1,10\n",
        )
    return reader_run(str(work_dir / "drop/*.csv"))


def prepare_escape_differs_between_files(
    work_dir: Path,
) -> tuple[str, dict, list[str]]:
    return two_days_with_descriptions(work_dir, '"12\\" tray"', '"12"" tray"')


def prepare_stray_quote_in_an_unquoted_file(
    work_dir: Path,
) -> tuple[str, dict, list[str]]:
    return two_days_with_descriptions(work_dir, '"Mug, blue"', '"Best" mug set')


def prepare_parquet_id_types_differ(work_dir: Path) -> tuple[str, dict, list[str]]:
    with duckdb.connect() as con:
        for month, id_sql in (("01", "17850::bigint"), ("02", "'C-17851'")):
            con.execute(
                f"copy (select {id_sql} as customer_id, 'P-{month}' as order_id,"
                f" timestamp '2024-{month}-10 10:00' as ordered_at, 1 as quantity,"
                f" 10.0 as unit_price) to '{work_dir}/pos_{month}.parquet'"
                " (format parquet)"
            )
    return reader_run(str(work_dir / "pos_*.parquet"))


def prepare_missing_file_in_list(work_dir: Path) -> tuple[str, dict, list[str]]:
    first = write(work_dir, "jan.csv", with_header(GOOD_LINES))
    return reader_run([str(first), str(work_dir / "feb.csv")])


def prepare_relation_typo(work_dir: Path) -> tuple[str, dict, list[str]]:
    with duckdb.connect(str(work_dir / "warehouse.duckdb")) as con:
        con.execute("create schema raw_shop")
        con.execute(
            "create table raw_shop.orders as select 'R-1' as customer_id,"
            " 'R-1-1' as order_id, timestamp '2024-01-10 10:00' as ordered_at,"
            " 1 as quantity, 10.0 as unit_price"
        )
    order_input = {"name": "shop", "relation": "raw_shop.ordres"}
    return "run", {"order_inputs": [order_input]}, STAGING_ONLY


def prepare_csv_named_parquet(work_dir: Path) -> tuple[str, dict, list[str]]:
    return reader_run(str(write(work_dir, "export.parquet", with_header(GOOD_LINES))))


def prepare_parquet_named_csv(work_dir: Path) -> tuple[str, dict, list[str]]:
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'R-1' as customer_id) to"
            f" '{work_dir}/export.csv' (format parquet)"
        )
    return reader_run(str(work_dir / "export.csv"))


def prepare_latin1_without_option(work_dir: Path) -> tuple[str, dict, list[str]]:
    path = write(work_dir, "latin1.csv", ENCODED_FILES["latin1.csv"])
    return reader_run(str(path))


def prepare_late_latin1_byte(work_dir: Path) -> tuple[str, dict, list[str]]:
    lines = "".join(
        f"LL-{n},LL-{n}-1,2024-01-10 10:00:00,1,10\n" for n in range(30_000)
    )
    content = with_header(
        lines
    ).encode() + "Zoë,LL-Z,2024-01-10 10:00:00,1,10\n".encode("latin-1")
    return reader_run(str(write(work_dir, "orders.csv", content)))


def prepare_over_long_line(work_dir: Path) -> tuple[str, dict, list[str]]:
    long_line = f"OL-1,OL-1-2,2024-01-10 10:00:00,1,{'9' * 3_000_000}\n"
    return reader_run(
        str(write(work_dir, "orders.csv", with_header(GOOD_LINES, long_line)))
    )


def prepare_ambiguous_day_month(work_dir: Path) -> tuple[str, dict, list[str]]:
    content = with_header(
        "AM-1,AM-1-1,05/01/2024 10:00,1,10\n",
        "AM-1,AM-1-2,03/02/2024 10:00,1,10\n",
        "AM-1,AM-1-3,12/12/2024 10:00,1,10\n",
    )
    return reader_run(str(write(work_dir, "orders.csv", content)))


def prepare_european_numbers_without_options(
    work_dir: Path,
) -> tuple[str, dict, list[str]]:
    return reader_run(
        str(write(work_dir, "orders.csv", CSV_FILES["european_numbers.csv"]))
    )


def prepare_thousands_comma_without_option(
    work_dir: Path,
) -> tuple[str, dict, list[str]]:
    content = with_header(
        'TC-1,TC-1-1,2024-01-10 10:00:00,1,"1,000.00"\n',
        "TC-1,TC-1-2,2024-01-11 10:00:00,1,25.50\n",
    )
    return reader_run(str(write(work_dir, "orders.csv", content)))


def prepare_dot_thousands_only(work_dir: Path) -> tuple[str, dict, list[str]]:
    content = with_header(
        "DT-1,DT-1-1,2024-01-10 10:00:00,1,1.000\n",
        "DT-1,DT-1-2,2024-01-11 10:00:00,1,2.500\n",
        "DT-1,DT-1-3,2024-01-12 10:00:00,1,12.990\n",
    )
    return reader_run(str(write(work_dir, "orders.csv", content)))


def prepare_currency_without_rate(work_dir: Path) -> tuple[str, dict, list[str]]:
    path = write(work_dir, "orders.csv", CSV_FILES["currency_column.csv"])
    _, dbt_vars, _ = reader_run(str(path))
    return "run", dbt_vars, ["--select", "+int_order_lines_validated"]


def prepare_same_file_twice(work_dir: Path) -> tuple[str, dict, list[str]]:
    path = str(write(work_dir, "orders.csv", with_header(GOOD_LINES)))
    inputs = [{"name": "first", "path": path}, {"name": "again", "path": path}]
    return "run", {"order_inputs": inputs}, STAGING_ONLY


def prepare_implausible_returns(work_dir: Path) -> tuple[str, dict, list[str]]:
    # Half the customers order as CA-..., the others as US-...: with the
    # pattern ^C every CA order is a return.
    lines = [
        f"IR-{n},{'CA' if n % 2 else 'US'}-2023-{n:03d}{k},"
        f"2024-01-{n % 28 + 1:02d} 10:00:00,1,10\n"
        for n in range(1, 41)
        for k in (1, 2)
    ]
    path = write(work_dir, "orders.csv", with_header(*lines))
    _, dbt_vars, _ = reader_run(str(path))
    dbt_vars["return_order_pattern"] = "^C"
    # The return test reads the run's artefacts to word its failure.
    selection = ["--select", "+int_order_lines_validated"]
    return "build", dbt_vars, [*selection, "--indirect-selection", "cautious"]


READER_ERRORS: dict[str, list[str]] = {
    "glob_extra_column": [
        "order_inputs[0] 'shop': file ",
        "b.csv has other columns than ",
        "(extra: note; missing: none; or in another order). Set union_by_name: true"
        " on var order_inputs[0]",
    ],
    "glob_file_without_header": [
        "2024-02.csv has no header line where ",
        "Give the file an entry of its own with header: false",
    ],
    "escape_differs_between_files": [
        "b.csv has escape '\"' where ",
        "a.csv has '\\': read together, one of them would be read wrong.",
        "set escape on var order_inputs[0] to the value it uses",
    ],
    "stray_quote_in_an_unquoted_file": [
        "b.csv has quote '(empty)' where ",
        "a.csv has '\"': read together, one of them would be read wrong.",
        "set quote on var order_inputs[0] to the value it uses",
    ],
    "parquet_id_types_differ": [
        "pos_02.parquet has other columns or types than ",
        "(customer_id ",
        "Set union_by_name: true on var order_inputs[0]",
    ],
    "missing_file_in_list": [
        "order_inputs[0] 'shop': no file matches path '",
        "feb.csv' (entry 1 of its list)",
        "Fix the path of var order_inputs[0]",
    ],
    "relation_typo": [
        "order_inputs[0] 'shop': relation 'raw_shop.ordres' does not exist"
        " (closest: warehouse.raw_shop.orders",
        "Fix the relation of var order_inputs[0]",
    ],
    "csv_named_parquet": [
        "export.parquet is text, not Parquet (it starts"
        " 'customer_id,order_id,ordered_at,quantity,unit_price')",
        "Set format: csv on var order_inputs[0]",
    ],
    "parquet_named_csv": [
        "export.csv is not text",
        "set format: parquet on var order_inputs[0]",
    ],
    "latin1_without_option": [
        "order_inputs[0] 'shop': line 2 of file ",
        "is not utf-8 text",
        "Set encoding: latin-1",
        "on var order_inputs[0]",
    ],
    "late_latin1_byte": [
        "order_inputs[0] 'shop': line 30002 of file ",
        "is not utf-8 text",
        "Set encoding: latin-1",
    ],
    "over_long_line": [
        "order_inputs[0] 'shop': line 4 of file ",
        "bytes long, above max_line_size (2000000 bytes). Set max_line_size:",
    ],
    "ambiguous_day_month": [
        "order_inputs[0] 'shop': timestamps in column 'ordered_at' read fully with"
        " both '%d/%m/%Y %H:%M' and '%m/%d/%Y %H:%M', which disagree on 2 of its 3"
        " distinct values, e.g. 03/02/2024 10:00 = 2024-02-03 10:00 or 2024-03-02"
        " 10:00",
        "set timestampformat on var order_inputs[0]",
    ],
    "european_numbers_without_options": [
        "column 'unit_price' (unit_price) holds numbers with a comma as the decimal"
        " mark (e.g. '12,50'; and '1.000,50' with '.' between thousands). Set"
        " decimal_separator: ',' and thousands: '.' on var order_inputs[0]",
    ],
    "thousands_comma_without_option": [
        "holds numbers with a comma between thousands (e.g. '1,000.00')",
        "Set thousands: ',' on var order_inputs[0]",
    ],
    "dot_thousands_only": [
        "holds numbers like '1.000' and every number with a point has three digits",
        "Set thousands: '.' and decimal_separator: ',' on var order_inputs[0]",
    ],
    "currency_without_rate": [
        "Order lines are in EUR, JPY besides GBP (var reporting_currency), and EUR,"
        " JPY has no rate to GBP in var currency_rates (seed currency_rates",
    ],
    "same_file_twice": [
        "order_inputs[0] 'first' and order_inputs[1] 'again' both read file ",
        "its lines would count twice",
    ],
}


def prepare_for(name: str) -> Callable[[Path], tuple[str, dict, list[str]]]:
    return globals()[f"prepare_{name}"]


# The shared build first: most tests read it.
PREPARE: dict[str, Callable[[Path], tuple[str, dict, list[str]]]] = {
    BUILD: prepare_build,
    "single_customer": prepare_single_customer,
    "identical_customers": prepare_identical_customers,
    "fixed_k_above_customers": prepare_fixed_k_above_customers,
    "implausible_returns": prepare_implausible_returns,
    "empty_file": prepare_empty_file,
    "wrong_column_types": prepare_wrong_column_types,
    **{name: prepare_for(name) for name in READER_ERRORS},
}
# These runs need dbt's artefacts (run_results.json) after them.
WITH_ARTEFACTS = {"implausible_returns"}


# What one run leaves: its outcome, its work folder, and the lines written
# per input (for the shared build; empty for the others).
RunMade = tuple[DbtRun, Path, dict[str, int]]


@dataclass
class Runs:
    """This module's dbt runs, made in the background."""

    futures: dict[str, Future[RunMade]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> DbtRun:
        return self.futures[name].result()[0]

    def work_dir(self, name: str) -> Path:
        return self.futures[name].result()[1]

    @property
    def build_lines(self) -> dict[str, int]:
        return self.futures[BUILD].result()[2]


def runs_needed(items: list[pytest.Item]) -> set[str]:
    """The runs the selected tests of this module read: all of them, unless
    pytest -k or a test id narrows the selection."""
    needed = set()
    for item in items:
        if getattr(item, "module", None) is None or item.module.__name__ != __name__:
            continue
        params = item.callspec.params if hasattr(item, "callspec") else {}
        if "case" in params:
            needed.add(CASES[params["case"]].run)
        elif "build_run" in item.fixturenames:
            needed.add(BUILD)
    return needed & set(PREPARE)


def make_run(name: str, work_dir: Path) -> RunMade:
    """The files of run `name` written into `work_dir`, and dbt run on them."""
    lines = write_build_files(work_dir) if name == BUILD else {}
    command, dbt_vars, extra_args = PREPARE[name](work_dir)
    artefacts = [] if name in WITH_ARTEFACTS else NO_ARTEFACTS
    run = run_dbt(work_dir, command, dbt_vars, [*extra_args, *artefacts])
    return run, work_dir, lines


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runs]:
    needed = runs_needed(request.session.items)
    # One thread: dbt runs in this process one at a time (a second at once
    # would be the dbt executable, parsing the project on its own).
    pool = ThreadPoolExecutor(max_workers=1)
    started = Runs()
    for name in PREPARE:
        if name in needed:
            started.futures[name] = pool.submit(
                built_once,
                tmp_path_factory,
                f"catalogue_{name}",
                partial(make_run, name),
            )
    yield started
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def build_run(runs: Runs) -> DbtRun:
    run = runs[BUILD]
    assert run.returncode == 0, run.output[-5000:]
    return run


class Tables:
    """The shared build's tables, and its line-level views without the
    10^6-line input, copied into memory once: a view reads every input
    again on each query, which would cost seconds per test."""

    VIEWS = ("stg_orders__order_lines", "int_order_lines_cleaned")
    TABLES = (
        "quarantined_order_lines",
        "order_line_reconciliation",
        "customer_segments",
        "int_as_of_dates_resolved",
        "input_reading_log",
    )

    def __init__(self, run: DbtRun):
        self.con = duckdb.connect()
        # The views name their catalog after the file: attach it by that name.
        catalog = run.db_path.stem
        self.con.execute(f"attach '{run.db_path}' (read_only)")
        for name in self.VIEWS:
            self.con.execute(
                f"create table {name} as select * from {catalog}.main.{name}"
                " where source_name != 'million_orders_one_customer'"
            )
        for name in self.TABLES:
            self.con.execute(f"create table {name} as from {catalog}.main.{name}")
        self.con.execute(f"detach {catalog}")

    def query(self, sql: str) -> list[tuple]:
        return self.con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def tables(build_run: DbtRun) -> Iterator[Tables]:
    copy = Tables(build_run)
    yield copy
    copy.con.close()


# --- The catalogue itself -----------------------------------------------------


def test_the_catalogue_has_50_cases_or_more_each_run_somewhere():
    assert len(CATALOGUE) >= 50
    assert len(CASES) == len(CATALOGUE), "case ids must be unique"
    error_runs = set(PREPARE) - {BUILD}
    for case in CATALOGUE:
        assert case.run in {BUILD, ELSEWHERE} | error_runs, case.id
        assert "|" not in case.given + case.outcome, "it would split a table cell"
    in_build = {case.id for case in CATALOGUE if case.run == BUILD}
    assert in_build == {spec.case for spec in BUILD_INPUTS}
    assert {case.run for case in CATALOGUE} - {BUILD, ELSEWHERE} == error_runs
    assert {c.id for c in CATALOGUE if c.run == ELSEWHERE} == set(CLEAR_ERRORS_CASES)


def test_the_markdown_catalogue_is_this_one():
    doc = (PROJECT_DIR / "docs" / "bad_input_catalogue.md").read_text()
    rows = [line for line in doc.splitlines() if line.startswith("| `")]
    assert rows == [f"| `{c.id}` | {c.given} | {c.outcome} |" for c in CATALOGUE]


def test_the_cases_run_by_test_dbt_clear_errors_are_still_there():
    for case_id, (their_id, message) in CLEAR_ERRORS_CASES.items():
        assert their_id in test_dbt_clear_errors.CASES, case_id
        _, _, their_messages = test_dbt_clear_errors.CASES[their_id]
        assert any(message in theirs for theirs in their_messages), case_id
        assert message in CASES[case_id].outcome.replace("`", ""), case_id


# --- The shared build: every line written is accounted for, per input ---------


@pytest.fixture(scope="module")
def line_accounting(build_run: DbtRun) -> dict[str, tuple[int, ...]]:
    """Per input: raw lines, distinct line ids, clean lines, quarantined
    lines, lines both clean and quarantined, and the reconciliation's total.
    One query on the warehouse, the 10^6-line input included."""
    rows = build_run.query(
        """
        with raw as (
            select source_name, count(*) as raw_lines,
                count(distinct order_line_id) as line_ids
            from stg_orders__order_lines group by source_name
        ),
        clean as (
            select source_name, count(*) as clean_lines
            from int_order_lines_cleaned group by source_name
        ),
        bad as (
            select source_name, count(*) as quarantined_lines
            from quarantined_order_lines group by source_name
        ),
        in_both as (
            select clean.source_name, count(*) as both_lines
            from int_order_lines_cleaned as clean
            inner join quarantined_order_lines as bad
                on clean.order_line_id = bad.order_line_id
            group by clean.source_name
        ),
        reconciled as (
            select source_name, sum(order_lines) as reconciled_lines
            from order_line_reconciliation group by source_name
        )
        select raw.source_name, raw_lines, line_ids,
            coalesce(clean_lines, 0), coalesce(quarantined_lines, 0),
            coalesce(both_lines, 0), coalesce(reconciled_lines, 0)
        from raw
        left join clean on raw.source_name = clean.source_name
        left join bad on raw.source_name = bad.source_name
        left join in_both on raw.source_name = in_both.source_name
        left join reconciled on raw.source_name = reconciled.source_name
        """
    )
    return {name: tuple(int(n) for n in counts) for name, *counts in rows}


def test_no_line_comes_from_anywhere_but_the_inputs(line_accounting):
    assert set(line_accounting) == set(INPUTS)


@pytest.mark.parametrize("input_name", sorted(INPUTS))
def test_every_line_written_is_clean_or_quarantined_once(
    runs: Runs, line_accounting: dict[str, tuple[int, ...]], input_name: str
):
    written = runs.build_lines[input_name]
    assert written == sum(INPUTS[input_name].outcomes.values())
    raw, line_ids, clean, quarantined, in_both, reconciled = line_accounting[input_name]
    assert raw == line_ids == written
    assert clean + quarantined == written
    assert in_both == 0
    assert reconciled == written


@pytest.mark.parametrize("case", [c.id for c in CATALOGUE if c.run == BUILD])
def test_each_input_ends_up_where_the_catalogue_says(tables: Tables, case: str):
    for spec in BUILD_INPUTS:
        if spec.case == case:
            rows = tables.query(
                "select outcome, order_lines from order_line_reconciliation"
                f" where source_name = '{spec.name}'"
            )
            assert dict(rows) == spec.outcomes, spec.name


def test_the_build_passed_its_own_line_accounting_checks(build_run: DbtRun):
    for check in (
        "assert_every_raw_order_line_accounted_for_once",
        "quarantine_share_within_threshold",
    ):
        assert f"PASS {check}" in build_run.output


# --- The shared build: what each case shows beyond the counts -----------------


def clean_lines(tables: Tables, source: str, columns: str) -> list[tuple]:
    return tables.query(
        f"select {columns} from int_order_lines_cleaned"
        f" where source_name = '{source}' order by order_id"
    )


def quarantined(tables: Tables, source: str, columns: str) -> list[tuple]:
    return tables.query(
        f"select {columns} from quarantined_order_lines"
        f" where source_name = '{source}' order by order_id"
    )


def customer(tables: Tables, customer_id: str, columns: str) -> tuple:
    rows = tables.query(
        f"select {columns} from customer_segments where customer_id = '{customer_id}'"
    )
    assert len(rows) == 1, (customer_id, rows)
    return rows[0]


# The one customer of an input (of its case, where the case has several
# inputs) and its frequency and monetary value: what is left when the input's
# lines were read, counted and set aside as its case says.
CUSTOMER_FIGURES = {
    "text_in_amount": ("TA-1", 1, 10.5),  # TA-1-8 only
    "nan_and_infinity_csv": ("NI-1", 1, 10.0),  # NI-1-7 only
    "nan_and_infinity_parquet": ("NI-2", 1, 3.0),  # NI-2-5 only
    "non_positive_unit_price": ("NP-1", 1, 0.01),  # NP-1-4 only
    "non_positive_line_amount": ("NP-2", 1, 15.0),  # 30, less a return of 15
    # DL-1-1: 10 and the near-copy's 2 x 10; DL-1-2: 2 x 5.
    "duplicate_lines": ("DL-1", 2, 40.0),
    "duplicates_without_line_key": ("NK-1", 1, 20.0),  # both copies count
    "unicode_whitespace_ids": ("UW-1", 4, 40.0),
    "ids_across_types": ("90017853", 3, 30.0),  # BIGINT, DOUBLE and text
    "superstore_order_ids": ("SS-1", 3, 50.0),
    "return_flag_column": ("RF-1", 2, 10.0),
    "european_numbers": ("EU-1", 2, 1025.5),
    # GU-1-2 is 3 x 5 in the file with the extra column.
    "glob_with_union_by_name": ("GU-1", 3, 27.0),
    "quoting_varies_by_day": ("QV-1", 3, 60.0),
    "uuid_ids": (CUSTOMER_UUID, 2, 20.0),
}


@pytest.mark.parametrize("input_name", sorted(CUSTOMER_FIGURES))
def test_the_customer_of_an_input_adds_up(tables: Tables, input_name: str):
    customer_id, frequency, monetary = CUSTOMER_FIGURES[input_name]
    assert customer(tables, customer_id, "frequency, monetary") == (
        frequency,
        monetary,
    )


def test_text_in_amount_keeps_the_text_that_did_not_parse(tables: Tables):
    assert quarantined(
        tables, "text_in_amount", "order_id, quarantine_reason, unit_price_text"
    ) == [
        ("TA-1-1", "unparseable_amount", "abc"),
        ("TA-1-2", "unparseable_amount", "12,50"),
        ("TA-1-3", "unparseable_amount", "$10"),
        ("TA-1-4", "unparseable_amount", "10 EUR"),
        ("TA-1-5", "unparseable_amount", "1,000.00"),
        ("TA-1-6", "unparseable_amount", None),
        ("TA-1-7", "unparseable_quantity", "10"),
    ]
    assert quarantined(tables, "text_in_amount", "quantity_text")[-1] == ("two",)


def test_nan_and_infinity_never_reach_a_sum(tables: Tables):
    assert tables.query(
        "select count(*) from customer_segments where not isfinite(monetary::double)"
        " or not isfinite(average_order_value::double)"
    ) == [(0,)]


def test_a_negative_amount_on_a_purchase_is_a_negative_price(tables: Tables):
    assert quarantined(tables, "non_positive_unit_price", "order_id") == [
        ("NP-1-1",),
        ("NP-1-2",),
        ("NP-1-3",),
    ]
    assert quarantined(tables, "non_positive_line_amount", "order_id") == [
        ("NP-2-1",),
        ("NP-2-2",),  # 1 unit, -10: not a purchase of 10
    ]
    assert clean_lines(
        tables, "non_positive_line_amount", "order_id, net_amount, is_return"
    ) == [("NP-2-3", 30, False), ("NP-2-4", -15, True)]


def test_duplicates_point_at_the_copy_that_counts(tables: Tables):
    # Each copy points at a line of the same input with the same content,
    # and that line is the one that counts.
    rows = tables.query(
        "select dup.order_id, dup.quantity, clean.order_line_id is not null"
        " from quarantined_order_lines as dup"
        " inner join stg_orders__order_lines as original"
        "   on dup.duplicate_of_order_line_id = original.order_line_id"
        "  and dup.source_name = original.source_name"
        "  and dup.order_id = original.order_id"
        "  and dup.quantity = original.quantity"
        "  and dup.unit_price = original.unit_price"
        "  and dup.ordered_at = original.ordered_at"
        " left join int_order_lines_cleaned as clean"
        "   on original.order_line_id = clean.order_line_id"
        " where dup.source_name = 'duplicate_lines'"
        " order by dup.order_id"
    )
    assert rows == [("DL-1-1", 1, True), ("DL-1-1", 1, True), ("DL-1-2", 2, True)]


def test_unicode_white_space_around_an_id_is_trimmed(tables: Tables):
    assert clean_lines(tables, "unicode_whitespace_ids", "distinct customer_id") == [
        ("UW-1",)
    ]


def test_placeholder_ids_are_missing_not_customers(tables: Tables):
    assert clean_lines(tables, "placeholder_ids", "customer_id, order_id") == [
        ("PH-1", "PH-1-11")
    ]
    assert tables.query(
        "select count(*) from customer_segments"
        " where lower(trim(customer_id)) in ('null', 'n/a', '#n/a', 'nan', 'none',"
        " '-')"
    ) == [(0,)]


def test_exponent_ids_are_quarantined_with_their_own_reason(tables: Tables):
    assert quarantined(
        tables, "exponent_ids_csv", "customer_id, order_id, quarantine_reason"
    ) == [
        ("EX-1", "4.5E+05", "order_id_in_exponent_form"),
        ("1.23457E+11", "EX-1-1", "customer_id_in_exponent_form"),
        ("9.8E+5", "EX-1-2", "customer_id_in_exponent_form"),
    ]
    assert quarantined(
        tables, "exponent_ids_parquet", "customer_id, quarantine_reason"
    ) == [("1.2345678901234566e+17", "customer_id_in_exponent_form")]
    assert customer(tables, "90017852", "frequency") == (1,)


def test_order_ids_that_begin_with_c_are_not_returns(tables: Tables):
    assert sorted(
        clean_lines(tables, "superstore_order_ids", "order_id, is_return")
    ) == [
        ("CA-2023-100001", False),
        ("CA-2023-100003", False),
        ("CA-2023-100003", True),
        ("US-2023-100002", False),
    ]


def test_a_return_flag_column_marks_returns(tables: Tables):
    assert clean_lines(tables, "return_flag_column", "order_id, is_return") == [
        ("RF-1-1", False),
        ("RF-1-2", True),
        ("RF-1-3", False),
        ("RF-1-4", True),
    ]


def test_european_numbers_are_read_with_their_separators(tables: Tables):
    assert quarantined(tables, "european_numbers", "unit_price_text") == [("1.5",)]


def test_amounts_are_converted_by_the_rate_of_their_date(tables: Tables):
    # 100 EUR x 0.85 + 100 EUR x 0.9 + 10 GBP + 1000 JPY x 0.005.
    assert clean_lines(tables, "currency_column", "order_id, net_amount") == [
        ("CC-1-1", 85),
        ("CC-1-2", 90),
        ("CC-1-3", 10),
        ("CC-1-4", 5),
    ]
    assert quarantined(tables, "currency_column", "order_id, quarantine_reason") == [
        ("CC-1-5", "missing_currency")
    ]


def test_an_empty_first_file_is_skipped_and_no_header_is_data(tables: Tables):
    assert clean_lines(tables, "empty_first_file_in_glob", "order_id") == [
        ("EG-1-1",),
        ("EG-1-2",),
        ("EG-1-3",),
    ]
    skipped = tables.query(
        "select file_path from input_reading_log"
        " where input_name = 'empty_first_file_in_glob' and setting = 'skipped'"
    )
    assert [Path(path).name for (path,) in skipped] == ["a.csv"]


def test_files_that_show_no_quote_are_read_with_the_others_quote(tables: Tables):
    # Read with the first day's '(empty)' quote and escape, the second
    # day's line would split at the comma and the third's keep its quotes.
    assert clean_lines(
        tables, "quoting_varies_by_day", "order_id, net_amount::varchar"
    ) == [("QV-1-1", "10.0000"), ("QV-1-2", "20.0000"), ("QV-1-3", "30.0000")]
    assert tables.query(
        "select setting, setting_value, decided_by from input_reading_log"
        " where input_name = 'quoting_varies_by_day'"
        " and setting in ('quote', 'escape') order by setting"
    ) == [("escape", '"', "sniffed"), ("quote", '"', "sniffed")]


def test_utf16_is_detected_and_latin1_read_when_given(tables: Tables):
    assert customer(tables, "Zoë-16", "frequency") == (2,)
    assert customer(tables, "Zoë-L1", "frequency") == (2,)
    assert tables.query(
        "select input_name, setting_value, decided_by from input_reading_log"
        " where setting = 'encoding' and input_name in ('utf16_file',"
        " 'latin1_with_option') order by input_name"
    ) == [
        ("latin1_with_option", "latin-1", "given"),
        ("utf16_file", "utf-16", "detected"),
    ]


def test_day_first_timestamps_are_read_day_first(tables: Tables):
    assert clean_lines(
        tables, "day_first_timestamps", "order_id, ordered_at::varchar"
    ) == [("DF-1-1", "2024-01-05 10:00:00"), ("DF-1-2", "2024-01-25 09:00:00")]
    assert tables.query(
        "select setting_value, decided_by from input_reading_log"
        " where input_name = 'day_first_timestamps' and setting = 'timestampformat'"
    ) == [("%d/%m/%Y %H:%M", "detected")]


def test_future_lines_do_not_move_the_as_of_date(tables: Tables):
    assert tables.query(
        "select as_of_date::varchar, last_order_at::varchar"
        " from int_as_of_dates_resolved"
    ) == [("2024-02-01", "2024-01-31 12:00:00")]
    assert customer(tables, "FU-1", "recency_days, frequency") == (1, 1)


def test_early_timestamps_are_quarantined_not_counted(tables: Tables):
    assert quarantined(tables, "year_1900_timestamps", "ordered_at::varchar") == [
        ("1900-01-01 00:00:00",),
        ("1899-12-31 23:59:59",),
        ("0001-01-01 00:00:00",),
    ]
    assert customer(tables, "Y1-1", "first_order_date::varchar") == ("2024-01-17",)


def test_ambiguous_timestamps_are_quarantined_with_their_text(tables: Tables):
    assert quarantined(
        tables, "ambiguous_timestamp_formats", "ordered_at_text, ordered_at"
    ) == [
        ("01/02/2024 10:00", None),
        ("2024/01/02 10:00", None),
        ("Jan 2, 2024", None),
        ("1704189600", None),
    ]


def test_iso_8601_timestamps_are_read_in_utc(tables: Tables):
    assert clean_lines(
        tables, "iso_8601_timestamps", "order_id, ordered_at::varchar"
    ) == [
        ("IS-1-1", "2024-01-18 10:00:00"),
        ("IS-1-2", "2024-01-18 10:00:00"),
        ("IS-1-3", "2024-01-18 10:00:00"),
        ("IS-1-4", "2024-01-18 10:00:00.5"),
        ("IS-1-5", "2024-01-18 10:00:00"),
    ]


def test_blank_ids_of_every_kind_are_missing(tables: Tables):
    assert quarantined(
        tables, "missing_customer_ids_csv", "order_id, quarantine_reason"
    ) == [
        ("MC-1-1", "missing_customer_id"),
        ("MC-1-2", "missing_customer_id"),
        ("MC-1-3", "missing_customer_id"),
        ("MC-1-4", "missing_customer_id"),
        ("MC-1-5", "missing_customer_id"),
        (None, "missing_order_id"),
    ]
    assert clean_lines(tables, "missing_customer_ids_parquet", "customer_id") == [
        ("MC-2",)
    ]
    assert tables.query(
        "select count(*) from customer_segments"
        " where trim(customer_id, chr(32) || chr(9) || chr(10) || chr(13)) = ''"
    ) == [(0,)]


def test_ids_keep_their_case_and_drop_a_trailing_point_zero(tables: Tables):
    assert tables.query(
        "select customer_id, frequency, monetary from customer_segments"
        " where lower(customer_id) = 'cs-abc' or customer_id like '90017850%'"
        " order by customer_id"
    ) == [
        ("90017850", 3, 35.0),  # KI-4, KI-5 and KI-6 (10 + 5)
        ("CS-ABC", 1, 10.0),
        ("Cs-Abc", 1, 10.0),
        ("cs-abc", 1, 10.0),
    ]
    assert clean_lines(tables, "ids_case_and_trailing_zero", "order_id") == [
        ("KI-1",),
        ("KI-2",),
        ("KI-3",),
        ("KI-4",),
        ("KI-5",),
        ("KI-6",),
        ("KI-6",),
    ]


def test_unicode_and_long_ids_are_kept_exactly(tables: Tables):
    rows = tables.query(
        "select customer_id, frequency, monetary from customer_segments"
        " where (customer_id like 'Zo%' or customer_id like '長%')"
        " and customer_id not in ('Zoë-16', 'Zoë-L1')"
        " order by monetary"
    )
    assert rows == [(ZOE, 1, 10.0), (ZOE_DECOMPOSED, 1, 20.0), (LONG_ID, 2, 70.0)]
    assert len(rows[2][0]) == 5000
    assert ("Bestellung-ß-№1",) in clean_lines(
        tables, "unicode_and_long_ids", "order_id"
    )


def test_a_million_orders_of_one_customer_are_all_counted(tables: Tables):
    assert customer(
        tables,
        "MEGA-1",
        "frequency, monetary, first_order_date::varchar, last_order_date::varchar",
    ) == (MILLION, 1_250_000.0, "2023-01-01", "2023-04-26")


# --- Error runs ---------------------------------------------------------------


def tables_built(run: DbtRun) -> set[str]:
    if not run.db_path.exists():
        return set()
    rows = run.query(
        "select table_name from information_schema.tables where table_schema = 'main'"
    )
    return {name for (name,) in rows}


ERROR_MESSAGES = {
    "empty_file": ["order_inputs[0] 'empty_file': the input has no rows"],
    "wrong_column_types": [
        "order_inputs[0] 'wrong_types': column 'ordered_at' (mapped to ordered_at)"
        " is BIGINT, expected a timestamp, a date or text;",
        "column 'quantity' (mapped to quantity) is BOOLEAN, expected a number or text;",
        "column 'unit_price' (mapped to unit_price) is DATE, expected a number or"
        " text.",
        "map var order_inputs columns to the right one (order_inputs[0] 'wrong_types')",
    ],
    "single_customer": [
        "K-means segments cannot be built: no feature left to cluster on (there is"
        " only 1 customer; K-means needs at least 2 distinct customers)",
        "set var clustering_enabled: false",
    ],
    "identical_customers": [
        "K-means segments cannot be built: no feature left to cluster on (all 4"
        " customers have the same value of every feature",
        "set var clustering_enabled: false",
    ],
    "fixed_k_above_customers": [
        "K-means segments cannot be built: asked for k=15 clusters but the data has"
        " only 12 distinct customers; lower k (var clustering.fixed_k)",
    ],
}


@pytest.mark.parametrize("case", sorted(READER_ERRORS))
def test_the_reader_stops_naming_the_input_the_file_and_the_option(
    runs: Runs, case: str
):
    run = runs[case]
    assert run.returncode != 0, run.output[-5000:]
    output = " ".join(run.output.split())
    for message in READER_ERRORS[case]:
        assert " ".join(message.split()) in output, run.output[-5000:]
    assert "Traceback" not in run.output


@pytest.mark.parametrize("case", ["implausible_returns"])
def test_implausible_returns_fail_the_build_with_the_var_to_change(
    runs: Runs, case: str
):
    run = runs[case]
    assert run.returncode != 0, run.output[-5000:]
    assert "FAIL 2 return_shares_plausible" in run.output
    # What the publish step and make build print under the failed test.
    lines = explain_run(run.db_path.parent / "target", run.db_path, PROJECT_DIR)
    assert any(line.startswith("FAIL test.") for line in lines), lines
    assert (
        "    why: 50.0% of customers whose clean lines are all returns (20 of 40),"
        " above var return_only_customer_share_error = 0.25: check vars"
        " return_order_pattern and returns_from_negative_quantity"
    ) in lines
    assert (
        "    why: 50.0% of clean lines that are returns (40 of 80), above var"
        " return_line_share_warn = 0.25: check vars return_order_pattern and"
        " returns_from_negative_quantity"
    ) in lines


@pytest.mark.parametrize("case", ["empty_file", "wrong_column_types"])
def test_unreadable_input_stops_before_anything_is_built(runs: Runs, case: str):
    run = runs[case]
    assert run.returncode != 0, run.output[-5000:]
    for message in ERROR_MESSAGES[case]:
        assert message in run.output, run.output[-5000:]
    assert "Traceback" not in run.output
    # Nothing half-built that looks fine: not even the staging view.
    assert tables_built(run) == set()


@pytest.mark.parametrize(
    "case", ["single_customer", "identical_customers", "fixed_k_above_customers"]
)
def test_kmeans_stops_with_a_message_after_scoring_every_line(runs: Runs, case: str):
    run = runs[case]
    assert run.returncode != 0, run.output[-5000:]
    for message in ERROR_MESSAGES[case]:
        assert message in run.output, run.output[-5000:]
    # The RFM side does not need K-means: every line written is there and
    # clean, every customer is scored, and no cluster table pretends more.
    path = runs.work_dir(case) / ORDERS_CSV
    with path.open(newline="") as handle:
        customers = {row["customer_id"] for row in csv.DictReader(handle)}
    written = lines_in_file(path)
    assert run.query(
        "select count(*), count(*) filter (where quarantine_reason is null)"
        " from int_order_lines_validated"
    ) == [(written, written)]
    assert run.query(
        "select count(*), count(distinct customer_id) from int_customers_rfm_scored"
    ) == [(len(customers), len(customers))]
    assert "int_customers_clustered" not in tables_built(run)
