"""Run this project's SQL with the SQLite that ships with the interpreter.

No sqlite3 command-line tool is needed. Three commands:

    sqlrun.py build DB        apply main.sql to DB (created if missing)
    sqlrun.py test            run tests/test_*.sql, each test on a fresh database
    sqlrun.py shell DB        a minimal interactive SQL shell on DB

SQL files may contain `.read FILE` lines (as the sqlite3 shell does); paths are
relative to the project root.

Test files are plain SQL. A test starts at a `-- test: NAME` line and runs on
its own fresh in-memory database built from main.sql, with tests/assert.sql
loaded first. It fails when a statement fails, including an insert into the
`assertion` table whose `ok` is not true. A `-- expect-error: TEXT` line makes
the next statement pass only if it fails with a message containing TEXT.
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def statements(path: Path, first: int = 0, last: int | None = None):
    """Yield (line number, expected error or None, SQL) for each statement of path.

    first and last select a range of lines (0-based, last excluded)."""
    buffer: list[str] = []
    start = 0
    expect: str | None = None
    lines = path.read_text(encoding="utf-8").splitlines()[:last]
    for number, line in enumerate(lines[first:], first + 1):
        stripped = line.strip()
        if not buffer:
            if stripped.startswith(".read "):
                yield from statements(ROOT / stripped.split(None, 1)[1].strip())
                continue
            if stripped.lower().startswith("-- expect-error:"):
                expect = stripped.split(":", 1)[1].strip()
                continue
            if not stripped or stripped.startswith("--"):
                continue
            start = number
        buffer.append(line)
        text = "\n".join(buffer)
        if sqlite3.complete_statement(text):
            yield start, expect, text
            buffer, expect = [], None
    if buffer:
        raise SystemExit(f"{path}:{start}: unterminated statement")


def apply(connection: sqlite3.Connection, path: Path) -> None:
    for number, _expect, sql in statements(path):
        try:
            connection.executescript(sql)
        except sqlite3.Error as error:
            raise SystemExit(f"{path.relative_to(ROOT)}:{number}: {error}") from None


def connect(target: str) -> sqlite3.Connection:
    # Autocommit mode: the SQL decides on its own transactions.
    return sqlite3.connect(target, isolation_level=None)


def build(database: str) -> None:
    connection = connect(database)
    apply(connection, ROOT / "main.sql")
    connection.close()
    print(f"built {database} from main.sql")


@dataclass
class Test:
    path: Path
    name: str
    line: int
    body: list[tuple[int, str | None, str]] = field(default_factory=list)


def collect(path: Path) -> list[Test]:
    tests: list[Test] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip().lower().startswith("-- test:")]
    for index, first in enumerate(marks):
        last = marks[index + 1] if index + 1 < len(marks) else len(lines)
        name = lines[first].split(":", 1)[1].strip()
        tests.append(Test(path, name, first + 1, list(statements(path, first + 1, last))))
    return tests


def run_test(template: sqlite3.Connection, test: Test) -> str | None:
    """Run one test on a copy of the template database; return why it failed."""
    connection = connect(":memory:")
    template.backup(connection)
    connection.execute("pragma foreign_keys = on")
    apply(connection, TESTS / "assert.sql")
    where = test.path.relative_to(ROOT)
    for number, expect, sql in test.body:
        try:
            connection.executescript(sql)
        except sqlite3.Error as error:
            if expect is not None and expect in str(error):
                continue
            wanted = f" (expected an error containing {expect!r})" if expect else ""
            return f"{where}:{number}: {error}{wanted}\n    {sql.strip()}"
        else:
            if expect is not None:
                return f"{where}:{number}: expected an error containing {expect!r}\n    {sql.strip()}"
    connection.close()
    return None


def test() -> int:
    template = connect(":memory:")
    apply(template, ROOT / "main.sql")
    passed = failed = 0
    # Built-in check: main.sql applied twice leaves the same schema.
    schema = "select type, name, sql from sqlite_master order by type, name"
    before = template.execute(schema).fetchall()
    apply(template, ROOT / "main.sql")
    if template.execute(schema).fetchall() == before:
        passed += 1
        print("ok   main.sql :: applying it twice leaves the same schema")
    else:
        failed += 1
        print("FAIL main.sql :: applying it twice changed the schema")
    for path in sorted(TESTS.glob("test_*.sql")):
        for case in collect(path):
            problem = run_test(template, case)
            if problem is None:
                passed += 1
                print(f"ok   {path.name} :: {case.name}")
            else:
                failed += 1
                print(f"FAIL {path.name} :: {case.name}\n  {problem}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def shell(database: str) -> None:
    connection = connect(database)
    apply(connection, ROOT / "database.sql")
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"{database}: end statements with ';', Ctrl-D to leave")
    buffer = ""
    while True:
        try:
            line = input("sql> " if interactive and not buffer else ("...> " if interactive else ""))
        except EOFError:
            break
        buffer += line + "\n"
        if not sqlite3.complete_statement(buffer):
            continue
        try:
            cursor = connection.execute(buffer)
            if cursor.description:
                print("|".join(column[0] for column in cursor.description))
                for row in cursor:
                    print("|".join("" if value is None else str(value) for value in row))
        except sqlite3.Error as error:
            print(f"error: {error}", file=sys.stderr)
            if not interactive:
                raise SystemExit(1) from None
        buffer = ""


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "build":
        build(argv[1])
    elif argv[:1] == ["test"]:
        return test()
    elif len(argv) >= 2 and argv[0] == "shell":
        shell(argv[1])
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
