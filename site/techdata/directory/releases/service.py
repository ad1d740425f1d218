"""The release service: compile, diff, review and publish directory releases.

- The tech bureau compiles and publishes the directories (CD-TD Art. 7, 11).
- Nothing is opened before a recorded confidentiality review, not by the
  person who compiled it (CD-TD Art. 24; CD-PD Art. 40; LZ Art. 23); what is
  published is exactly what was reviewed (the digest is compared).
- A published release is immutable (also enforced by triggers, see
  :mod:`.models`); everyone reads published open-directory releases, only
  government roles read drafts and resource-directory releases.

Who may do what is :class:`ReleasePermissionPolicy`'s business; each step
runs in a unit of work (after the permission check, so a refusal leaves
the caller's session alone), which commits and then sends the step's
notification (:mod:`.notify`). Reached through
:data:`techdata.directory.proxies.current_release_service` (``releases``
here is the same proxy). Every refusal is a :class:`ReleaseError` (the
kernel's ``DomainError``) with an HTTP status and a message in Chinese and
English; nothing stored is lost by a refused action.
"""

import hashlib
import logging

from flask import current_app
from invenio_db import db
from invenio_notifications.services.uow import NotificationOp
from invenio_records_permissions.generators import AnyUser, SystemProcess
from marshmallow import ValidationError
from psycopg2.extras import execute_values
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ...kernel import audit
from ...kernel.errors import field_errors
from ...kernel.generators import DomainRoles
from ...kernel.i18n import _, bilingual
from ...kernel.labels import OPEN_TYPES
from ...kernel.services import (DomainPermissionPolicy, DomainService, DomainServiceConfig,
                                unit_of_work)
from ...review.service import ConfidentialityDecisionSchema
from ..errors import DirectoryError, refused
from ..fields import FIELD_KEYS
from ..proxies import current_release_service
from ..services import user_id
from ..store import iter_entries, mark_released
from .digest import ReleaseDigest, canonical, content_hash
from .models import (
    AUDIENCES,
    OpenDirectoryRelease,
    OpenDirectoryReleaseErratum,
    OpenDirectoryReleaseItem,
    utcnow,
)
from .notify import ReleaseFailed, ReleasePassed, ReleaseSubmitted

log = logging.getLogger(__name__)

Release = OpenDirectoryRelease
Item = OpenDirectoryReleaseItem
Erratum = OpenDirectoryReleaseErratum

ERRATUM_NOTE_MAX = 4000
"""Longest erratum note (characters)."""

ReleaseError = DirectoryError
"""A refused release action: HTTP ``status``, bilingual ``message``, field ``errors``."""


class ReleasePermissionPolicy(DomainPermissionPolicy):
    """Who compiles, reviews, publishes and reads releases (CD-TD Art. 7, 11, 24)."""

    can_manage = [DomainRoles("config:TECHDATA_DIRECTORY_RELEASE_BUREAU_ROLES"), SystemProcess()]
    can_review = [DomainRoles("config:TECHDATA_CONFIDENTIALITY_REVIEWER_ROLE"), SystemProcess()]
    can_read_drafts = [DomainRoles("config:TECHDATA_DIRECTORY_RELEASE_GOVERNMENT_ROLES"),
                       SystemProcess()]
    can_read_published = [AnyUser(), SystemProcess()]


class ReleaseServiceConfig(DomainServiceConfig):
    """Config of the release service."""

    service_id = "techdata-directory-releases"
    permission_policy_cls = ReleasePermissionPolicy


def openable(entry):
    """Whether an entry may be in the open directory (QY Art. 22; CD-TD Art. 24).

    The store's open directory already holds only reviewed, opened entries;
    a release checks the opening type again so that a not-opened entry can
    never be released, whatever its source.
    """
    opening = entry.get("opening_type") or {}
    return isinstance(opening, dict) and opening.get("id") in OPEN_TYPES


def _audit(identity, uow, release, step, **details):
    """Record a release step in the audit trail (CD-TD Art. 7, 24; LZ Art. 21)."""
    audit.log("techdata.release.change", f"{release.audience}:{release.id}", identity=identity,
              uow=uow, after={"step": step, "status": release.status,
                              "entries": release.entry_count, "digest": release.digest},
              details=details)


def _ordered(query):
    """``query`` ordered by entry_id in byte order (stable digests)."""
    return query.order_by(Item.entry_id.collate("C"))


class ReleaseService(DomainService):
    """The release workflow of the open (and resource) directory."""

    def require(self, identity, action, message=None, **kwargs):
        """Refuse (401 anonymous, 403 logged in; bilingual) unless ``identity`` may ``action``."""
        if not self.check_permission(identity, action, **kwargs):
            raise refused(identity, message)

    def is_government(self, identity):
        """Whether ``identity`` reads drafts and the resource directory (CD-TD Art. 7, 11)."""
        return self.can(identity, "read_drafts")

    # -- reading ---------------------------------------------------------

    def check_audience(self, audience):
        """``audience`` must be ``open`` or ``resource`` (else 404)."""
        if audience not in AUDIENCES:
            raise ReleaseError(404, _("There is no such directory."))

    def can_read(self, identity, release):
        """Published open releases: everyone; everything else: government roles."""
        if release.status == "published" and release.audience == "open":
            return True
        return self.is_government(identity)

    def published(self, identity, audience):
        """Published releases of ``audience``, newest first (a query)."""
        self.check_audience(audience)
        if audience != "open":
            self.require(identity, "read_drafts",
                         _("Only government roles may read the resource directory."))
        return (Release.query.filter_by(audience=audience, status="published")
                .order_by(Release.number.desc()))

    def current_draft(self, audience, lock=False):
        """The unpublished release of ``audience`` (at most one), or ``None``."""
        query = Release.query.filter(Release.audience == audience, Release.status != "published")
        if lock:
            query = query.with_for_update()
        return query.one_or_none()

    def latest(self, audience):
        """The newest published release of ``audience``, or ``None``."""
        return (Release.query.filter_by(audience=audience, status="published")
                .order_by(Release.number.desc()).first())

    def get(self, identity, audience, ref):
        """A release by number, ``latest`` or ``draft``; 400/403/404 bilingual."""
        self.check_audience(audience)
        ref = str(ref).strip().lower()
        if ref == "latest":
            release = self.latest(audience)
        elif ref == "draft":
            self.require(identity, "read_drafts",
                         _("Only government roles may see a draft release."))
            release = self.current_draft(audience)
        elif ref.isdigit() and len(ref) < 10:
            release = Release.query.filter_by(audience=audience, status="published",
                                              number=int(ref)).one_or_none()
        else:
            raise ReleaseError(400, _("A release is named by its number, “latest” or “draft”."))
        if release is None:
            raise ReleaseError(404, _("There is no such directory release."))
        if not self.can_read(identity, release):
            raise refused(identity, _("Only government roles may read this release."))
        return release

    def iter_items(self, release):
        """The release's entry dicts in entry_id order, streamed with ``yield_per``."""
        chunk = current_app.config["TECHDATA_DIRECTORY_RELEASE_CHUNK"]
        query = _ordered(db.session.query(Item.data).filter(Item.release_id == release.id))
        for (data,) in query.yield_per(chunk):
            yield data

    def items_page(self, release, page, size):
        """One page of the release's entries (1-based ``page``)."""
        query = _ordered(db.session.query(Item.data).filter(Item.release_id == release.id))
        return [data for (data,) in query.offset((page - 1) * size).limit(size)]

    def previous(self, release):
        """The published release a diff of ``release`` compares against, or ``None``."""
        query = Release.query.filter_by(audience=release.audience, status="published")
        if release.number is not None:
            query = query.filter(Release.number < release.number)
        return query.order_by(Release.number.desc()).first()

    # -- diff ------------------------------------------------------------

    def diff(self, release, limit=None):
        """Added, changed (with the changed fields) and withdrawn entries.

        Computed in SQL over content hashes against the previous published
        release (CD-PD Art. 14: what changed since the last release). Counts
        are complete; each list holds at most ``limit`` entries (by entry_id).
        """
        if limit is None:
            limit = current_app.config["TECHDATA_DIRECTORY_RELEASE_DIFF_LIMIT"]
        prev = self.previous(release)
        cur = aliased(Item)
        old = aliased(Item)
        prev_id = prev.id if prev else -1
        on = and_(old.release_id == prev_id, old.entry_id == cur.entry_id)
        added = (select(cur.entry_id, cur.data).outerjoin(old, on)
                 .where(cur.release_id == release.id, old.id.is_(None)))
        on_w = and_(cur.release_id == release.id, cur.entry_id == old.entry_id)
        withdrawn = (select(old.entry_id, old.data).outerjoin(cur, on_w)
                     .where(old.release_id == prev_id, cur.id.is_(None)))
        changed = (select(cur.entry_id, cur.data, old.data).join(old, on)
                   .where(cur.release_id == release.id, cur.content_hash != old.content_hash))

        def count(stmt):
            return db.session.execute(
                select(func.count()).select_from(stmt.subquery())).scalar_one()

        def rows(stmt, column):
            return db.session.execute(
                stmt.order_by(column.collate("C")).limit(limit)).all()

        def brief(entry_id, data):
            return {"entry_id": entry_id, "title_zh": (data or {}).get("title_zh", ""),
                    "title_en": (data or {}).get("title_en", "")}

        return {
            "release": release.number,
            "against": prev.number if prev else None,
            "counts": {"added": count(added), "changed": count(changed),
                       "withdrawn": count(withdrawn)},
            "added": [brief(e, d) for e, d in rows(added, cur.entry_id)],
            "changed": [{**brief(e, new),
                         "fields": [k for k in FIELD_KEYS if (new or {}).get(k) != (was or {}).get(k)]}
                        for e, new, was in rows(changed, cur.entry_id)],
            "withdrawn": [brief(e, d) for e, d in rows(withdrawn, old.entry_id)],
        }

    # -- the workflow ----------------------------------------------------

    def _draft(self, audience, statuses, message):
        """The locked current draft, which must be in one of ``statuses`` (else 409/404)."""
        self.check_audience(audience)
        draft = self.current_draft(audience, lock=True)
        if draft is None:
            raise ReleaseError(404, _("There is no draft release; compile one first."))
        if draft.status not in statuses:
            raise ReleaseError(409, message)
        return draft

    def _insert(self, rows):
        """Insert ``(release_id, entry_id, json_text, hash)`` rows in one statement.

        An entry_id seen twice in a release is kept once. ``execute_values``
        sends the chunk as one multi-row INSERT (SQLAlchemy's executemany
        would be one round trip per row).
        """
        if not rows:
            return
        cursor = db.session.connection().connection.cursor()
        try:
            execute_values(cursor, "INSERT INTO techdata_directory_release_item "
                           "(release_id, entry_id, data, content_hash) VALUES %s "
                           "ON CONFLICT (release_id, entry_id) DO NOTHING",
                           rows, page_size=len(rows))
        finally:
            cursor.close()

    def require_draft(self, audience, ref):
        """Changes go to ``draft`` only: a published release refuses them (409).

        CD-TD Art. 7, 11: a published release is immutable; the database
        triggers of :mod:`.models` refuse the same at the SQL level.
        """
        self.check_audience(audience)
        ref = str(ref).strip().lower()
        if ref == "draft":
            return
        if ref.isdigit() and len(ref) < 10 and Release.query.filter_by(
                audience=audience, status="published", number=int(ref)).count():
            raise ReleaseError(409, _("A published release never changes; compile a new "
                                      "release instead."))
        raise ReleaseError(404, _("There is no such directory release."))

    def discard(self, identity, audience="open", uow=None):
        """Delete the unpublished draft (not while it is under review)."""
        self.require(identity, "manage", _("Only the tech bureau compiles directory releases."))
        self._discard(audience, uow=uow)

    @unit_of_work()
    def _discard(self, audience, uow=None):
        """Delete the draft (permission checked): in one unit of work."""
        draft = self._draft(audience, ("draft", "approved"),
                            _("The draft release is under confidentiality review; "
                              "it cannot be recompiled now."))
        db.session.execute(Item.__table__.delete().where(Item.release_id == draft.id))
        db.session.delete(draft)

    def compute_digest(self, release, rehash=False):
        """``(digest, count)`` of the release's items, streamed in entry_id order.

        With ``rehash`` each item's hash is recomputed from its stored entry,
        so a change made behind the service's back shows as a different digest.
        """
        chunk = current_app.config["TECHDATA_DIRECTORY_RELEASE_CHUNK"]
        column = Item.data if rehash else Item.content_hash
        query = _ordered(db.session.query(Item.entry_id, column)
                         .filter(Item.release_id == release.id))
        digest = ReleaseDigest()
        for entry_id, value in query.yield_per(chunk):
            digest.add(entry_id, content_hash(value) if rehash else value)
        return digest.hexdigest(), digest.count

    def compile(self, identity, audience="open", entries=None, uow=None):
        """Compile (or recompile) the draft release from the live directory.

        ``entries`` defaults to the store's ``iter_entries(audience)``; they
        are inserted in chunks as they stream in, never all held in memory.
        Recompiling replaces the draft's entries and voids a passed review;
        a draft under review cannot be recompiled.
        """
        self.check_audience(audience)
        self.require(identity, "manage", _("Only the tech bureau compiles directory releases."))
        return self._compile(identity, audience, entries, uow=uow)

    @unit_of_work()
    def _compile(self, identity, audience, entries, uow=None):
        """Compile the draft (permission checked): in one unit of work."""
        draft = self.current_draft(audience, lock=True)
        if draft is not None and draft.status == "in_review":
            raise ReleaseError(409, _("The draft release is under confidentiality review; "
                                      "it cannot be recompiled now."))
        if draft is None:
            draft = Release(audience=audience, status="draft")
            db.session.add(draft)
            db.session.flush()
        else:
            db.session.execute(Item.__table__.delete().where(Item.release_id == draft.id))
        draft.status = "draft"
        draft.created_by, draft.created_at = user_id(identity), utcnow()
        for field in ("submitted_by", "submitted_at", "reviewed_by", "reviewed_at",
                      "review_passed", "review_checklist", "review_reasons", "reviewed_digest"):
            setattr(draft, field, None)
        if entries is None:
            entries = iter_entries(audience)
        chunk = current_app.config["TECHDATA_DIRECTORY_RELEASE_CHUNK"]
        rows, skipped = [], 0
        for entry in entries:
            entry_id = str(entry.get("entry_id") or "").strip()
            if not entry_id or (audience == "open" and not openable(entry)):
                skipped += 1  # CD-TD Art. 24: never release a not-opened entry
                continue
            text = canonical({**entry, "entry_id": entry_id})
            rows.append((draft.id, entry_id, text.decode("utf-8"),
                         hashlib.sha256(text).hexdigest()))
            if len(rows) >= chunk:
                self._insert(rows)
                rows = []
        self._insert(rows)
        if skipped:
            log.warning("directory release draft (%s): %d entries skipped (no id or not opened)",
                        audience, skipped)
        draft.digest, draft.entry_count = self.compute_digest(draft)
        _audit(identity, uow, draft, "compile")
        return draft

    def submit(self, identity, audience="open", uow=None):
        """Send the draft to confidentiality review (CD-TD Art. 24; LZ Art. 23).

        The confidentiality reviewers are notified once the step is committed.
        """
        self.require(identity, "manage", _("Only the tech bureau submits directory releases."))
        return self._submit(identity, audience, uow=uow)

    @unit_of_work()
    def _submit(self, identity, audience, uow=None):
        """Submit the draft (permission checked): in one unit of work."""
        draft = self._draft(audience, ("draft",),
                            _("Only a draft release can be submitted for review."))
        if not draft.entry_count:
            raise ReleaseError(400, _("The draft release has no entries."))
        draft.status = "in_review"
        draft.submitted_by, draft.submitted_at = user_id(identity), utcnow()
        uow.register(NotificationOp(ReleaseSubmitted.build(draft)))
        _audit(identity, uow, draft, "submit")
        return draft

    def review(self, identity, audience, data, uow=None):
        """Record the confidentiality review: pass (whole checklist) or fail (reasons).

        CD-TD Art. 24, CD-PD Art. 40, LZ Art. 23: recorded with the reviewer,
        the time, the checklist and the digest of what was reviewed; the
        person who compiled or submitted the release cannot review it. A
        failed review returns the release to draft with the reasons. The
        bureau is notified of the decision once it is committed.
        """
        self.require(identity, "review",
                     _("Only confidentiality reviewers review directory releases."))
        return self._review(identity, audience, data, uow=uow)

    @unit_of_work()
    def _review(self, identity, audience, data, uow=None):
        """Record the decision (permission checked): in one unit of work."""
        draft = self._draft(audience, ("in_review",),
                            _("The release is not waiting for a confidentiality review."))
        me = user_id(identity)
        if me != "system" and me in (draft.created_by, draft.submitted_by):
            raise ReleaseError(403, _("Whoever compiled or submitted a release cannot review it "
                                      "(CD-TD Art. 24)."))
        try:
            decision = ConfidentialityDecisionSchema().load(data if isinstance(data, dict) else {})
        except ValidationError as err:
            raise ReleaseError(400, _("The review decision is incomplete."),
                               errors=field_errors(err.messages))
        passed = decision["decision"] == "pass"
        draft.reviewed_by, draft.reviewed_at = me, utcnow()
        draft.review_passed = passed
        draft.review_checklist = decision["checklist"]
        draft.review_reasons = decision["reasons"]
        draft.reviewed_digest, _count = self.compute_digest(draft, rehash=True)
        draft.status = "approved" if passed else "draft"
        builder = ReleasePassed if passed else ReleaseFailed
        uow.register(NotificationOp(builder.build(draft)))
        _audit(identity, uow, draft, "review", passed=passed, reasons=draft.review_reasons,
               reviewed_digest=draft.reviewed_digest)
        return draft

    def publish(self, identity, audience="open", uow=None):
        """Publish the reviewed draft as the next numbered, dated, immutable release.

        Only after a passed review, and only if the content is still what the
        reviewer saw (digest recomputed from the stored entries, CD-TD Art. 24).
        Then the entry store is told which entries were released (CD-PD Art. 14).
        """
        self.require(identity, "manage", _("Only the tech bureau publishes directory releases."))
        return self._publish(identity, audience, uow=uow)

    @unit_of_work()
    def _publish(self, identity, audience, uow=None):
        """Publish the approved draft (permission checked): in one unit of work."""
        draft = self._draft(audience, ("approved",),
                            _("A release is published only after a passed confidentiality review."))
        if not draft.review_passed or not draft.reviewed_digest:
            raise ReleaseError(409, _("A release is published only after a passed "
                                      "confidentiality review."))
        digest, count = self.compute_digest(draft, rehash=True)
        if digest != draft.reviewed_digest or digest != draft.digest:
            raise ReleaseError(409, _("The draft changed after its confidentiality review; "
                                      "recompile it and submit it again."))
        db.session.execute(select(func.pg_advisory_xact_lock(7_000_000 + AUDIENCES.index(audience))))
        last = db.session.execute(select(func.max(Release.number)).where(
            Release.audience == audience, Release.status == "published")).scalar()
        when = utcnow()
        draft.number = (last or 0) + 1
        draft.status = "published"
        draft.entry_count = count
        draft.published_by, draft.published_at = user_id(identity), when
        db.session.flush()
        for ids in self.entry_id_chunks(draft):
            mark_released(ids, when)
        _audit(identity, uow, draft, "publish", number=draft.number)
        return draft

    # -- errata ----------------------------------------------------------

    def errata(self, release):
        """The errata of ``release``, oldest first (a list)."""
        if release.id is None:
            return []
        return Erratum.query.filter_by(release_id=release.id).order_by(Erratum.id).all()

    def add_erratum(self, identity, audience, ref, data, uow=None):
        """State an erratum of published release ``ref``; the release itself stays as it is.

        CD-TD Art. 7, 11: a published release is immutable, so the bureau
        corrects it by an erratum (``note_zh``, optional ``note_en``) and, if
        there is one, names the later published release of the same
        directory that is the corrected re-issue (``corrected_by``).
        """
        self.require(identity, "manage",
                     _("Only the tech bureau states errata of directory releases."))
        return self._add_erratum(identity, audience, ref, data, uow=uow)

    @unit_of_work()
    def _add_erratum(self, identity, audience, ref, data, uow=None):
        """Validate and store the erratum (permission checked): in one unit of work."""
        release = self.get(identity, audience, ref)
        if release.status != "published":
            raise ReleaseError(400, _("Only a published release takes an erratum; "
                                      "correct a draft by compiling it again."))
        data = data if isinstance(data, dict) else {}
        errors = []
        notes = {}
        for key, required in (("note_zh", True), ("note_en", False)):
            value = data.get(key)
            if value is None or (isinstance(value, str) and not value.strip() and not required):
                notes[key] = None
                if required:
                    errors.append({"field": key, "messages": [bilingual(
                        _("State what is wrong with the release, in Chinese (CD-TD Art. 7)."))]})
                continue
            if not isinstance(value, str) or not value.strip() or len(value) > ERRATUM_NOTE_MAX:
                errors.append({"field": key, "messages": [bilingual(
                    _("A note of 1 to %(max)s characters.", max=ERRATUM_NOTE_MAX))]})
                continue
            notes[key] = value.strip()
        corrected_by = data.get("corrected_by")
        if corrected_by is not None:
            later = None
            if isinstance(corrected_by, int) and not isinstance(corrected_by, bool) \
                    and release.number < corrected_by < 10**9:
                later = Release.query.filter_by(audience=release.audience, status="published",
                                                number=corrected_by).one_or_none()
            if later is None:
                errors.append({"field": "corrected_by", "messages": [bilingual(
                    _("The number of a later published release of the same directory."))]})
        if errors:
            raise ReleaseError(400, _("The erratum is incomplete; nothing was saved."),
                               errors=errors)
        erratum = Erratum(release_id=release.id, note_zh=notes["note_zh"],
                          note_en=notes["note_en"], corrected_by=corrected_by,
                          created_by=user_id(identity), created_at=utcnow())
        db.session.add(erratum)
        db.session.flush()
        return erratum

    def entry_id_chunks(self, release):
        """The release's entry ids in chunks (keyset pages, no open cursor between them)."""
        chunk = current_app.config["TECHDATA_DIRECTORY_RELEASE_CHUNK"]
        after = None
        while True:
            query = db.session.query(Item.entry_id).filter(Item.release_id == release.id)
            if after is not None:
                query = query.filter(Item.entry_id.collate("C") > after)
            ids = [e for (e,) in _ordered(query).limit(chunk)]
            if not ids:
                return
            yield ids
            after = ids[-1]


releases = current_release_service
"""The release service (a proxy), used by the API, the pages and the CLI."""
