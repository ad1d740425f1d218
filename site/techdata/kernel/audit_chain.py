"""Tamper evidence of the audit trail: a hash chain and append-only tables (LZ Art. 38).

Each entry of InvenioRDM's audit log (``audit_logs_metadata``) gets, in the
transaction that writes it, a link in ``techdata_audit_chain``: its position,
the hash of the previous link and its own hash, SHA-256 over a canonical JSON
(sorted keys, no spaces, UTF-8) of the position, the previous hash and the
entry as stored (id, created, action, object type, user id, JSON). Links are
made under a PostgreSQL advisory lock, so the chain is one line whatever
the number of workers.

The database refuses DELETE on the entries, UPDATE of an entry once it is
chained, and UPDATE/DELETE on the links (triggers created with the tables,
or by ``invenio techdata upgrade`` for an existing database): there is no
delete path, entries are kept at least five years (CD-PD Art. 23,
``TECHDATA_AUDIT_RETENTION_YEARS``). :func:`verify` walks the chain and
names the first entry that was edited, deleted or inserted.
"""

import hashlib
import json
from datetime import timezone

from invenio_audit_logs.records.models import AuditLog as AuditLogModel
from invenio_db import db
from sqlalchemy import DDL, event, select, text
from sqlalchemy.orm import Session
from sqlalchemy_utils.types import UUIDType

GENESIS = "0" * 64
"""Previous hash of the first link."""

LOCK_KEY = 0x74646175
"""Advisory lock taken while links are made (one chain, in order)."""

PENDING = "techdata_audit_pending"
"""Session ``info`` key of the entries written in the current transaction."""

KNOWN = "_techdata_known"
"""Attribute set on an entry's model whose values are as stored (plain JSON, its moment
set): the chain links it without reading the row back (``kernel.audit.entry_model``)."""

BEFORE_LINK = []
"""Functions ``f(session)`` run before the links are made, in the committing transaction
(a feature that writes entries at commit time, e.g. role changes, registers here)."""

ENTRIES = AuditLogModel.__table__


class AuditChainLink(db.Model):
    """One link of the chain: an audit entry's position and hashes."""

    __tablename__ = "techdata_audit_chain"

    position = db.Column(db.BigInteger, primary_key=True, autoincrement=False)
    log_id = db.Column(UUIDType, nullable=False, unique=True)
    prev_hash = db.Column(db.String(64), nullable=False)
    entry_hash = db.Column(db.String(64), nullable=False)


def canonical(value):
    """Canonical JSON bytes of ``value`` (sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def _moment(value):
    """A stored moment as naive-UTC ISO text with microseconds."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def entry_body(row):
    """The hashed fields of a stored entry row (``audit_logs_metadata``)."""
    return {"id": str(row.id), "created": _moment(row.created), "action": row.action,
            "resource_type": row.resource_type, "user_id": row.user_id, "json": row.json}


def link_hash(position, prev_hash, row):
    """SHA-256 (hex) of the link at ``position`` after ``prev_hash`` over ``row``."""
    return hashlib.sha256(canonical({"position": position, "prev": prev_hash,
                                     "entry": entry_body(row)})).hexdigest()


@event.listens_for(Session, "before_flush")
def _collect(session, flush_context, instances):
    """Remember the audit entries added in this transaction."""
    new = [obj for obj in session.new if isinstance(obj, AuditLogModel)]
    if new:
        session.info.setdefault(PENDING, []).extend(new)


@event.listens_for(Session, "before_commit")
def _chain(session):
    """Link the transaction's new entries to the chain, under the advisory lock."""
    if session.in_nested_transaction():
        return  # a savepoint (begin_nested): the entries are linked when the transaction is
    for hook in BEFORE_LINK:
        hook(session)
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()
    ids = [obj.id for obj in pending if obj in session and obj.id is not None]
    if not ids:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    last = session.execute(select(AuditChainLink.position, AuditChainLink.entry_hash)
                           .order_by(AuditChainLink.position.desc()).limit(1)).first()
    position, prev = (last.position, last.entry_hash) if last else (0, GENESIS)
    # entries whose values are known as stored are not read back (the trail's cost)
    rows = {obj.id: obj for obj in pending
            if getattr(obj, KNOWN, False) and obj in session and obj.id is not None}
    unread = [id_ for id_ in ids if id_ not in rows]
    if unread:
        rows.update((row.id, row) for row in
                    session.execute(select(ENTRIES).where(ENTRIES.c.id.in_(unread))))
    for id_ in ids:
        row = rows.get(id_)
        if row is None:  # rolled back with a savepoint
            continue
        position += 1
        digest = link_hash(position, prev, row)
        session.add(AuditChainLink(position=position, log_id=id_, prev_hash=prev,
                                   entry_hash=digest))
        prev = digest
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session):
    """Entries of a rolled-back transaction are not linked."""
    session.info.pop(PENDING, None)


class Break:
    """The first place where the chain does not hold."""

    def __init__(self, kind, position, log_id, message):
        """``kind``: edited, deleted, inserted or relinked."""
        self.kind, self.position, self.log_id, self.message = kind, position, log_id, message

    def __str__(self):
        """The message."""
        return self.message


def _links(batch):
    """The links in order, read ``batch`` at a time (no cursor left open)."""
    after = 0
    while True:
        rows = db.session.execute(
            select(AuditChainLink.position, AuditChainLink.log_id, AuditChainLink.prev_hash,
                   AuditChainLink.entry_hash)
            .where(AuditChainLink.position > after)
            .order_by(AuditChainLink.position).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].position


def verify(batch=1000):
    """Walk the whole chain; ``(entries checked, first Break or None)``.

    Edited entry: its hash differs. Deleted entry: a link without its entry,
    or a position missing. Inserted entry: an entry without a link, or a link
    whose previous hash is not the hash before it.
    """
    prev, expected, checked = GENESIS, 1, 0
    for link in _links(batch):
        if link.position != expected:
            return checked, Break("deleted", expected, None,
                                  f"link {expected} is missing (deleted entry)")
        if link.prev_hash != prev:
            return checked, Break("relinked", link.position, link.log_id,
                                  f"link {link.position} ({link.log_id}) does not follow "
                                  f"link {link.position - 1} (inserted or deleted entry)")
        row = db.session.execute(select(ENTRIES).where(ENTRIES.c.id == link.log_id)).first()
        if row is None:
            return checked, Break("deleted", link.position, link.log_id,
                                  f"entry {link.log_id} of link {link.position} is deleted")
        if link_hash(link.position, prev, row) != link.entry_hash:
            return checked, Break("edited", link.position, link.log_id,
                                  f"entry {link.log_id} of link {link.position} was edited")
        prev, expected, checked = link.entry_hash, expected + 1, checked + 1
    stray = db.session.execute(
        select(ENTRIES.c.id).where(~ENTRIES.c.id.in_(select(AuditChainLink.log_id)))
        .order_by(ENTRIES.c.created).limit(1)).first()
    if stray is not None:
        return checked, Break("inserted", None, stray.id,
                              f"entry {stray.id} is not in the chain (inserted entry)")
    return checked, None


GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION techdata_append_only() RETURNS trigger AS $$
BEGIN
  -- LZ Art. 38, CD-PD Art. 23, CD-TD Art. 27: the trail and its evidence are append-only.
  -- TG_ARGV[0], what UPDATE may do: 'never'; 'allowed' (DELETE refused only);
  -- 'unchained' (an audit entry still being written, before its link exists).
  IF TG_OP = 'UPDATE' THEN
    IF TG_ARGV[0] = 'allowed' THEN
      RETURN NEW;
    END IF;
    IF TG_ARGV[0] = 'unchained' THEN
      IF NOT EXISTS (SELECT 1 FROM techdata_audit_chain c WHERE c.log_id = OLD.id) THEN
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION '%% on %% refused: append-only, kept as evidence (%%)',
    TG_OP, TG_TABLE_NAME, TG_ARGV[1] USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;
"""
"""The one guard function of the append-only tables (a trigger passes its rule)."""

UPDATES = ("never", "allowed", "unchained")
"""What a guarded table lets UPDATE do (see :data:`GUARD_FUNCTION`)."""

GUARDED = {}
"""``{table name: (trigger name, update rule, article)}`` of the guarded tables."""


def guard_ddl(table):
    """DDL: the guard function, and the trigger of the guarded ``table`` (a name)."""
    trigger, update, article = GUARDED[table]
    return DDL(GUARD_FUNCTION + f"""
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger}
  BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION techdata_append_only('{update}', '{article}');
""")


def append_only(table, update="never", article="LZ Art. 38; CD-PD Art. 23", trigger=None):
    """Make ``table`` (a SQLAlchemy table) append-only in the database.

    Its trigger (``trigger``, default ``<table>_append_only``) refuses DELETE,
    and UPDATE unless ``update`` (one of :data:`UPDATES`) lets it; the error
    names ``article``. Created with the table, and by :func:`ensure_guards` on
    an existing database.
    """
    if update not in UPDATES:
        raise ValueError(f"update must be one of {UPDATES}, not {update!r}")
    if "'" in article:
        raise ValueError("the article is written into SQL: no quotes")
    GUARDED[table.name] = (trigger or f"{table.name}_append_only", update, article)
    event.listen(table, "after_create", guard_ddl(table.name).execute_if(dialect="postgresql"))


def _guard_triggers():
    """``{(table, trigger name)}`` of the guarded tables."""
    return {(table, trigger) for table, (trigger, _u, _a) in GUARDED.items()}


def guards_in_place():
    """Whether the guard function (with this code's body) and every trigger exist,
    each passing this code's rule and article."""
    body = GUARD_FUNCTION.split("$$")[1].replace("%%", "%")
    source = db.session.execute(text(
        "SELECT prosrc FROM pg_proc WHERE proname = 'techdata_append_only'")).scalar()
    found = {(table, name): args for table, name, args in db.session.execute(text(
        "SELECT c.relname, t.tgname, encode(t.tgargs, 'escape') FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"))}
    wanted = {(table, trigger): f"{update}\\000{article}\\000"
              for table, (trigger, update, article) in GUARDED.items()}
    return (source is not None and source.strip() == body.strip()
            and all(found.get(key) == args for key, args in wanted.items()))


def ensure_guards():
    """Create (or replace) the triggers of the guarded tables on an existing database.

    Idempotent; nothing is done when they are in place: dropping a trigger locks its
    table exclusively, so an upgrade run while any transaction has read the trail would
    wait for it (the upgrade at every start must not). Tables not created yet are left
    to their creation."""
    if guards_in_place():
        db.session.commit()
        return False
    existing = set(db.session.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
    for table in GUARDED:
        if table in existing:
            db.session.connection().execute(guard_ddl(table))
    db.session.commit()
    return True


# The links' table is created after the entries' (no foreign key: a deleted entry
# must leave its link for verify to name).
AuditChainLink.__table__.add_is_dependent_on(ENTRIES)
append_only(ENTRIES, update="unchained")
append_only(AuditChainLink.__table__)


__all__ = ("AuditChainLink", "BEFORE_LINK", "KNOWN", "Break", "GENESIS", "GUARDED", "append_only",
           "canonical", "ensure_guards", "entry_body", "guard_ddl", "guards_in_place",
           "link_hash", "verify")
