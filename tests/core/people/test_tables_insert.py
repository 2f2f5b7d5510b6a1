"""Rows inserted many to a statement (core.people.tables._insert_many): the same rows, in the same order
and with the same ids, as one statement per row, whatever this SQLite's limit on parameters."""

from __future__ import annotations

import sqlite3

import pytest

from core.people import tables

SQL = "INSERT INTO t (kind, name, n) VALUES ('x', ?, ?)"


def table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT, name TEXT, n INTEGER)")
    return conn


def rows(count: int) -> list[tuple]:
    return [(f"张三{i}", None if i % 7 == 0 else i) for i in range(count)]


@pytest.mark.parametrize("limit", [999, 32766])
@pytest.mark.parametrize("count", [0, 1, 498, 499, 500, 2000, 2001, 4003, 10_000])
def test_rows_inserted_many_to_a_statement_are_those_of_one_statement_each(limit, count):
    one_each, many = table(), table()
    one_each.executemany(SQL, rows(count))
    many.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    tables._insert_many(many, SQL, rows(count))
    assert many.execute("SELECT * FROM t ORDER BY id").fetchall() == one_each.execute(
        "SELECT * FROM t ORDER BY id").fetchall()


def test_a_statement_takes_as_many_rows_as_the_limit_on_parameters_allows():
    conn = table()
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    assert tables.rows_per_insert(conn, 12) == 83
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)
    assert tables.rows_per_insert(conn, 12) == tables.MOST_ROWS_PER_INSERT
    assert tables.rows_per_insert(conn, 40_000) == 1
