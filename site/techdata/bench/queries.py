"""Count the SQL statements a piece of work sends (deterministic read profiling).

Wall-clock timings on a shared machine are noisy; the number of SQL
statements a read sends is not. ``count_statements`` listens on the engine
of ``invenio_db`` and keeps every statement sent while the block runs:

    with count_statements() as sql:
        client.get("/api/records/abcd-1234")
    assert sql.count <= 12, sql.report()
"""

from contextlib import contextmanager

import traceback

from sqlalchemy import event
from sqlalchemy.engine import Engine

__all__ = ("StatementLog", "count_statements")


class StatementLog:
    """The SQL statements seen, in order."""

    def __init__(self, where=None):
        """An empty log; ``where`` (a path part, e.g. ``/techdata/``) also keeps
        the innermost matching frame of the code that sent each statement."""
        self.statements = []
        self.where = where
        self.origins = []

    @property
    def count(self):
        """How many statements were sent."""
        return len(self.statements)

    def report(self, width=160):
        """The statements, one per line (shortened), for an assertion message."""
        lines = [f"{self.count} SQL statements:"]
        for i, sql in enumerate(self.statements, 1):
            lines.append(f"{i:3}. {' '.join(sql.split())[:width]}")
        return "\n".join(lines)

    def by_origin(self):
        """``{frame: count}`` of the statements (with ``where`` given)."""
        out = {}
        for o in self.origins:
            out[o] = out.get(o, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def matching(self, word):
        """The statements that contain ``word`` (e.g. a table name)."""
        return [s for s in self.statements if word in s]


SKIPPED_FRAMES = ("/sqlalchemy/", "/psycopg2/", "/invenio_db/", "/werkzeug/", "/flask/")
"""Library layers no statement is attributed to (they only pass it on)."""


def _origin(where, depth=3):
    """The innermost ``depth`` frames whose path contains ``where`` (not a DB layer)."""
    found = []
    for frame in reversed(traceback.extract_stack()[:-3]):
        name = frame.filename
        if where in name and not any(s in name for s in SKIPPED_FRAMES):
            found.append(f"{name.split(where)[-1]}:{frame.lineno} {frame.name}")
            if len(found) == depth:
                break
    return " < ".join(found) or "-"


@contextmanager
def count_statements(engine=Engine, where=None):
    """Log every SQL statement sent (on any engine by default) in the block."""
    log = StatementLog(where)

    def _before(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(statement)
        if where:
            log.origins.append(_origin(where))

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", _before)
