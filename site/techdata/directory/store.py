"""The directory entry store: one row per dataset (CD-TD Art. 19; LZ Art. 11).

Entries live in PostgreSQL (``techdata_directory_entry``), not in a search
index: whether an entry is in the open directory is a fact that must change
in the same transaction as the record it describes (a publication, a
deletion), so the directories, their exports and the releases never show a
state the database does not have. Search and facets are SQL over indexed
columns (see :func:`search`); the total and every facet of a page are one
statement, the page's rows a second.

Interface used by the releases and the exports:

- :func:`iter_entries` streams entry dicts (keys ``FIELD_KEYS``) by entry id;
- :func:`upsert_entry` / :func:`withdraw_entry` write entries (:func:`new_entry_row`,
  :func:`insert_new_entries`: many new ones at once);
- :func:`mark_released` and :func:`pending_changes` keep the 15-working-day
  upkeep duty (CD-PD Art. 14).
"""

import secrets
from datetime import datetime, time, timedelta, timezone

from flask import current_app
from invenio_db import db
from sqlalchemy import func, literal, or_, select, union_all

from ..kernel.labels import OPEN_TYPES, TERM_VOCABULARIES, labels
from ..kernel.time import today, to_local
from ..workdays.calendar import working_days
from .fields import DIRECTORY_FIELDS, FIELD_KEYS, SOURCE_CATALOGUED, SOURCE_DEPOSITED
from .models import DirectoryEntry, utcnow

AUDIENCES = ("open", "resource")
"""The two directories: open (everyone) and resource (government roles)."""

FACETS = {
    name: (column, key, TERM_VOCABULARIES[key]) for name, column, key in (
        ("category", "category", "category"),
        ("department", "department", "responsible_department"),
        ("entity", "entity", "providing_entity"),
        ("opening_type", "opening_type", "opening_type"),
        ("update_cycle", "update_cycle", "update_cycle"),
    )
}
"""Facet name -> (column, entry key, vocabulary) (CD-TD Art. 19; QY Art. 8)."""

FACTS_IGNORED = ("modified", "last_checked", "entry_id", "source")
"""Entry keys whose change is no change of facts (CD-PD Art. 14)."""

SEARCHED_KEYS = ("entry_id", "title_zh", "title_en", "content", "keywords", "business_name",
                 "information_system", "data_items", "doi", "cstr", "category",
                 "responsible_department", "providing_entity")
"""Entry keys a free-text query looks in."""


class EntryNotFound(LookupError):
    """No (live) entry has the given id."""


def new_catalogue_id():
    """A fresh id for a catalogued entry: ``c-`` and ten random base-32 letters."""
    return "c-" + secrets.token_hex(5)


def deposited_entry_id(parent_pid):
    """The entry id of a dataset deposited here: ``d-`` and its parent record id."""
    return f"d-{parent_pid}"


def normalise(data):
    """``data`` with every ``FIELD_KEYS`` key, in field order (missing ones empty)."""
    out = {}
    for field in DIRECTORY_FIELDS:
        value = data.get(field.key)
        if value is None and field.kind in ("list", "terms"):
            value = []
        elif value is None and field.kind == "text":
            value = ""
        out[field.key] = value
    return out


def _term_id(data, key):
    """The vocabulary id of a term value of ``data``, or None."""
    value = data.get(key)
    return value.get("id") if isinstance(value, dict) else None


def _text_of(value):
    """All words of an entry value, as one lower-case string."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    if isinstance(value, (list, tuple)):
        return " ".join(_text_of(v) for v in value)
    return str(value)


def search_text(data):
    """The text a free-text query matches (lower case)."""
    return " ".join(_text_of(data.get(k)) for k in SEARCHED_KEYS).lower()


def facts(data):
    """The facts of an entry: what, changed, makes a directory change (CD-PD Art. 14)."""
    return {k: v for k, v in data.items() if k not in FACTS_IGNORED}


def _with_labels(data):
    """``data`` with the Chinese and English label on every term given by id only."""

    def label(term, vocabulary):
        if not isinstance(term, dict) or not term.get("id") or term.get("zh"):
            return term
        zh, en = labels({"id": term["id"]}, vocabulary) or (term["id"], term["id"])
        return {**term, "zh": zh, "en": en}

    for key, vocabulary in TERM_VOCABULARIES.items():
        value = data.get(key)
        if isinstance(value, list):
            data[key] = [label(v, vocabulary) for v in value]
        elif value:
            data[key] = label(value, vocabulary)
    return data


def get_entry(entry_id, include_withdrawn=False):
    """The row of ``entry_id``; :class:`EntryNotFound` if there is none."""
    row = DirectoryEntry.query.filter_by(entry_id=str(entry_id)).one_or_none()
    if row is None or (row.withdrawn and not include_withdrawn):
        raise EntryNotFound(entry_id)
    return row


def entry_dict(row):
    """The entry dict of a row, with its live ``entry_id``, ``source`` and ``last_checked``."""
    data = normalise(row.data or {})
    data["entry_id"] = row.entry_id
    data["source"] = row.source
    data["last_checked"] = row.last_checked.date().isoformat() if row.last_checked else None
    return data


def upsert_entry(data, source, entry_id=None, record_pid=None, parent_pid=None,
                 in_open=None, review_passed=None, review=None, now=None):
    """Create or update the entry ``entry_id`` from the entry dict ``data``; return the row.

    ``in_open`` and ``review_passed`` are written when given. A change of the
    entry's facts stamps ``changed_at`` (CD-PD Art. 14); an update that
    changes nothing leaves it. A withdrawn entry written again is live again
    (and counts as changed).
    """
    now = now or utcnow()
    data = _with_labels(normalise(data))
    if entry_id is None:
        entry_id = data.get("entry_id") or new_catalogue_id()
    data["entry_id"] = entry_id
    data["source"] = source
    row = DirectoryEntry.query.filter_by(entry_id=entry_id).one_or_none()
    if row is None:
        row = DirectoryEntry(entry_id=entry_id, source=source, created=now, changed_at=now,
                             last_checked=now, data={})
        db.session.add(row)
        changed = True
    else:
        changed = facts(normalise(row.data or {})) != facts(data) or row.withdrawn
    row.source = source
    row.record_pid = record_pid
    row.parent_pid = parent_pid
    row.category = _term_id(data, "category")
    row.department = _term_id(data, "responsible_department")
    row.entity = _term_id(data, "providing_entity")
    row.opening_type = _term_id(data, "opening_type")
    row.update_cycle = _term_id(data, "update_cycle")
    if review_passed is not None:
        row.review_passed = bool(review_passed)
    if review is not None:
        row.review = review
    row.withdrawn = False
    if in_open is not None:
        row.in_open = bool(in_open)
    # Never in the open directory without a passed review and an open type (CD-TD Art. 24).
    row.in_open = bool(row.in_open and row.review_passed and row.opening_type in OPEN_TYPES)
    if changed:
        row.changed_at = now
        data["modified"] = data.get("modified") or now.date().isoformat()
    data["last_checked"] = None  # kept in its column
    row.data = data
    row.search_text = search_text(data)
    db.session.flush()
    return row


def new_entry_row(data, source, entry_id, record_pid=None, parent_pid=None, in_open=False,
                  review_passed=False, now=None):
    """The column values of a new entry ``entry_id``, as :func:`upsert_entry` writes one.

    For writers of many new entries at once (the bulk import, issue 21):
    :func:`insert_new_entries` stores them with one multi-row ``INSERT``,
    without an ORM object (and flush) per entry. Never in the open directory
    without a passed review and an open type (CD-TD Art. 24).
    """
    now = now or utcnow()
    data = _with_labels(normalise(data))
    data["entry_id"], data["source"] = entry_id, source
    opening_type = _term_id(data, "opening_type")
    data["modified"] = data.get("modified") or now.date().isoformat()
    data["last_checked"] = None  # kept in its column
    return {"entry_id": entry_id, "source": source, "record_pid": record_pid,
            "parent_pid": parent_pid, "category": _term_id(data, "category"),
            "department": _term_id(data, "responsible_department"),
            "entity": _term_id(data, "providing_entity"), "opening_type": opening_type,
            "update_cycle": _term_id(data, "update_cycle"),
            "review_passed": bool(review_passed), "review": None, "withdrawn": False,
            "in_open": bool(in_open and review_passed and opening_type in OPEN_TYPES),
            "data": data, "search_text": search_text(data), "created": now,
            "updated": now, "changed_at": now, "last_checked": now}


def insert_new_entries(rows):
    """Store the :func:`new_entry_row` values ``rows`` with one multi-row ``INSERT``."""
    if rows:
        db.session.execute(DirectoryEntry.__table__.insert(), rows)


def withdraw_entry(entry_id, now=None):
    """Withdraw ``entry_id`` from both directories (a deleted record, a bureau decision).

    Returns the row, or None when there is no such entry. Withdrawing is a
    change the releases must carry (CD-PD Art. 14).
    """
    row = DirectoryEntry.query.filter_by(entry_id=str(entry_id)).one_or_none()
    if row is None:
        return None
    if not row.withdrawn:
        row.withdrawn = True
        row.in_open = False
        row.changed_at = now or utcnow()
        db.session.flush()
    return row


class Scope:
    """A reader's part of the resource directory: open entries, and those of its departments
    and entities (a competent department's admins; issue 18, CD-TD Art. 8)."""

    def __init__(self, departments=(), entities=(), shared=()):
        """Ids of the departments and entities whose not-opened entries the reader sees, and
        of the entries shared with the reader unconditionally (无条件共享, CD-PD Art. 22)."""
        self.departments, self.entities = sorted(departments), sorted(entities)
        self.shared = sorted(shared)

    def clause(self):
        """SQL: the entries of the scope."""
        return or_(DirectoryEntry.in_open.is_(True),
                   DirectoryEntry.department.in_(self.departments),
                   DirectoryEntry.entity.in_(self.entities),
                   DirectoryEntry.entry_id.in_(self.shared))

    def holds(self, row):
        """Whether the entry ``row`` is in the scope."""
        return bool(row.in_open or row.department in self.departments
                    or row.entity in self.entities or row.entry_id in self.shared)


def shared_unconditionally():
    """``[(entry_id, sharing scope text)]`` of the live entries shared unconditionally."""
    return (_audience_query("resource")
            .with_entities(DirectoryEntry.entry_id,
                           DirectoryEntry.data["sharing_scope"].as_string())
            .filter(DirectoryEntry.data["sharing_type"]["id"].as_string() == "unconditional")
            .all())


def _audience_query(audience, scope=None):
    """Live entries of ``audience`` ("open" or "resource"), within ``scope`` if given."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    query = DirectoryEntry.query.filter(DirectoryEntry.withdrawn.is_(False))
    if audience == "open":
        query = query.filter(DirectoryEntry.in_open.is_(True))
    elif scope is not None:
        query = query.filter(scope.clause())
    return query


def iter_entries(audience, batch=1000, scope=None):
    """Entry dicts of a directory, ordered by entry id, streamed ``batch`` rows at a time.

    Withdrawn entries are left out; the open directory has only the entries
    that passed confidentiality review with an open type (CD-TD Art. 24).
    The rows come through a server-side cursor (``yield_per``), so memory
    does not grow with the directory.
    """
    query = (_audience_query(audience, scope)
             .with_entities(DirectoryEntry.entry_id, DirectoryEntry.source,
                            DirectoryEntry.data, DirectoryEntry.last_checked)
             .order_by(DirectoryEntry.entry_id)
             .execution_options(stream_results=True)
             .yield_per(batch))
    for entry_id, source, data, last_checked in query:
        entry = normalise(data or {})
        entry["entry_id"] = entry_id
        entry["source"] = source
        entry["last_checked"] = last_checked.date().isoformat() if last_checked else None
        yield entry


def count_entries(audience):
    """How many live entries ``audience`` has."""
    return _audience_query(audience).count()


def _like(word):
    """An ILIKE pattern that matches ``word`` literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _filtered(audience, q, filters, scope=None):
    """The query of a search: audience, every word of ``q``, the facet filters."""
    query = _audience_query(audience, scope)
    for word in (q or "").split():
        query = query.filter(DirectoryEntry.search_text.like(_like(word), escape="\\"))
    for name, values in filters.items():
        if not values:
            continue
        column = getattr(DirectoryEntry, FACETS[name][0])
        query = query.filter(column.in_(values))
    return query


def facet_labels(facet, key):
    """``(zh, en)`` labels of a facet value, read from one entry that has it.

    Terms carry their labels in the entry, so no vocabulary is needed (a
    catalogued entry may name a term that only its data knows). One indexed
    lookup per value shown.
    """
    column_name, key_name, _vocabulary = FACETS[facet]
    column = getattr(DirectoryEntry, column_name)
    row = (db.session.query(DirectoryEntry.data[key_name])
           .filter(column == key).limit(1).scalar())
    term = row if isinstance(row, dict) else {}
    zh = term.get("zh") or term.get("en") or key
    return zh, term.get("en") or zh


def search(audience, q="", filters=None, page=1, size=20, scope=None):
    """Search a directory: ``{"hits": {"hits", "total"}, "aggregations"}``.

    Every word of ``q`` must occur (case-insensitive substring) in the
    entry's text. ``filters`` maps facet names to lists of ids (several ids
    of one facet: any of them). Each facet's counts apply the query and the
    other facets' filters, not its own (so the other values of a chosen
    facet stay visible, with the number each would give).

    The matching rows (a scan of the text when there is a ``q``) are read
    once, in one statement that also gives the total and every facet's
    counts, and only the page's rows are loaded in full
    (:func:`_scan_search`). Without ``q`` this was a ``COUNT`` and one
    ``GROUP BY`` a facet, each a pass over the directory: 378 ms for the page
    at 100,000 entries (issue 21). ``scope`` (a :class:`Scope`) limits the
    resource directory to a reader's part.
    """
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    total, ids, aggregations = _scan_search(audience, q, filters, page, size, scope)
    rows = DirectoryEntry.query.filter(DirectoryEntry.id.in_(ids)).all() if ids else []
    rows.sort(key=lambda r: r.entry_id)
    return {"hits": {"hits": [entry_dict(r) for r in rows], "total": total},
            "aggregations": {name: {"buckets": _buckets(name, counts, filters)}
                             for name, counts in aggregations.items()}}


def _scan_search(audience, q, filters, page, size, scope=None):
    """``(total, page ids, {facet: {key: count}})`` of a search.

    The match (a scan of the text when there is a ``q``) runs once, in a materialised common table
    expression; the total and every facet's counts are computed from it in
    the same statement. The page is a second query, walking the entry-id
    index until it has ``size`` matches.
    """
    names = list(FACETS)
    columns = {n: getattr(DirectoryEntry, FACETS[n][0]) for n in names}
    base = _filtered(audience, q, {}, scope=scope).with_entities(
        DirectoryEntry.id, *[c.label(n) for n, c in columns.items()]).subquery().element
    matched = base.cte("matched").prefix_with("MATERIALIZED", dialect="postgresql")

    def where(skip=None):
        return [matched.c[n].in_(v) for n, v in filters.items() if n != skip and v]

    parts = [select(literal("_total").label("facet"), literal(None).label("key"),
                    func.count().label("n")).select_from(matched).where(*where())]
    for n in names:
        parts.append(select(literal(n).label("facet"), matched.c[n].label("key"),
                            func.count().label("n")).select_from(matched)
                     .where(matched.c[n].isnot(None), *where(skip=n))
                     .group_by(matched.c[n]))
    counts = {n: {} for n in names}
    total = 0
    for facet, key, n in db.session.execute(union_all(*parts)):
        if facet == "_total":
            total = n
        else:
            counts[facet][key] = n
    ids = [r[0] for r in _filtered(audience, q, filters, scope=scope)
           .with_entities(DirectoryEntry.id).order_by(DirectoryEntry.entry_id)
           .offset((page - 1) * size).limit(size)]
    return total, ids, counts


def _buckets(name, counts, filters):
    """Facet buckets, the largest first, with both labels."""
    out = []
    for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if key is None or not count:
            continue
        zh, en = facet_labels(name, key)
        out.append({"key": key, "label_zh": zh, "label_en": en, "doc_count": count,
                    "count": count, "is_selected": key in filters.get(name, [])})
    return out


# Upkeep (CD-PD Art. 14; QY Art. 8)
# =================================


def mark_released(entry_ids, when=None):
    """Record that a published release carried ``entry_ids`` at ``when`` (A2's publish step).

    Returns how many entries were marked. ``when`` defaults to now (UTC,
    naive datetime); an entry's change has reached the directory when
    ``last_released_at >= changed_at`` (CD-PD Art. 14).
    """
    when = when or utcnow()
    if getattr(when, "tzinfo", None) is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    ids = list(entry_ids)
    marked = 0
    for start in range(0, len(ids), 1000):
        marked += (DirectoryEntry.query
                   .filter(DirectoryEntry.entry_id.in_(ids[start:start + 1000]))
                   .update({DirectoryEntry.last_released_at: when}, synchronize_session=False))
    db.session.flush()
    return marked


def _china_date(dt):
    """The calendar date, where deadlines run (``kernel.time``), of a naive UTC datetime."""
    return to_local(dt).date()


def pending_changes(on=None):
    """Entries whose change has not reached a published release yet (CD-PD Art. 14).

    A list of dicts ``{"entry_id", "title_zh", "entity", "entity_label",
    "changed_at", "due_date", "overdue", "withdrawn"}``, the oldest change
    first. The change is due within ``TECHDATA_DIRECTORY_UPKEEP_DAYS``
    working days of the day it was made (that day does not count); ``on``
    (a date, default today in China) decides what is overdue.
    """
    on = on or today()
    days = current_app.config["TECHDATA_DIRECTORY_UPKEEP_DAYS"]
    calendar = working_days()
    query = (DirectoryEntry.query
             .filter(or_(DirectoryEntry.last_released_at.is_(None),
                         DirectoryEntry.last_released_at < DirectoryEntry.changed_at))
             # A withdrawn entry that no release ever carried has nothing to withdraw.
             .filter(or_(DirectoryEntry.withdrawn.is_(False),
                         DirectoryEntry.last_released_at.isnot(None)))
             .order_by(DirectoryEntry.changed_at, DirectoryEntry.entry_id))
    out = []
    for row in query:
        changed = _china_date(row.changed_at)
        due = calendar.add_working_days(changed, days)
        out.append(_upkeep_row(row, changed_at=row.changed_at.isoformat(timespec="seconds"),
                               due_date=due.isoformat(), overdue=due < on,
                               withdrawn=row.withdrawn))
    return out


def unchecked_entries(on=None):
    """Live entries not checked for ``TECHDATA_DIRECTORY_CHECK_INTERVAL_DAYS`` (QY Art. 8).

    Dicts ``{"entry_id", "title_zh", "entity", "entity_label",
    "last_checked", "due_date"}``, the longest unchecked first.
    """
    on = on or today()
    interval = timedelta(days=current_app.config["TECHDATA_DIRECTORY_CHECK_INTERVAL_DAYS"])
    limit = datetime.combine(on, time.min) - interval
    query = (DirectoryEntry.query.filter(DirectoryEntry.withdrawn.is_(False))
             .filter(DirectoryEntry.last_checked < limit)
             .order_by(DirectoryEntry.last_checked, DirectoryEntry.entry_id))
    return [_upkeep_row(row, last_checked=row.last_checked.date().isoformat(),
                        due_date=(row.last_checked + interval).date().isoformat())
            for row in query]


def _upkeep_row(row, **extra):
    """An upkeep list row: the entry and its responsible entity."""
    data = row.data or {}
    entity = data.get("providing_entity") or {}
    return {"entry_id": row.entry_id, "title_zh": data.get("title_zh", ""),
            "title_en": data.get("title_en", ""), "source": row.source,
            "entity": row.entity, "entity_zh": entity.get("zh") or row.entity or "",
            "entity_en": entity.get("en") or row.entity or "", **extra}


def mark_checked(entry_id, user=None, when=None):
    """Record the yearly check of ``entry_id`` (QY Art. 8); returns the row."""
    row = get_entry(entry_id)
    row.last_checked = when or utcnow()
    row.checked_by = str(user) if user is not None else None
    db.session.flush()
    return row


__all__ = (
    "AUDIENCES", "FACETS", "DirectoryEntry", "EntryNotFound", "SOURCE_CATALOGUED", "Scope",
    "SOURCE_DEPOSITED", "FIELD_KEYS", "count_entries", "entry_dict", "get_entry",
    "iter_entries", "mark_checked", "mark_released", "pending_changes", "search",
    "shared_unconditionally", "unchecked_entries", "upsert_entry", "withdraw_entry",
)
