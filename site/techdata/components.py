"""Service components: the deposit rules, applied whatever the entry point.

Being a component of the RDM records service, ``DepositRulesComponent`` runs
for the REST API, the deposit form (which uses the REST API) and any code
that calls the service, so the rules hold everywhere.
"""

from invenio_drafts_resources.services.records.components import ServiceComponent
from invenio_db import db
from invenio_vocabularies.services.custom_fields import VocabularyCF
from marshmallow import ValidationError

from .deposit import rules
from .deposit.fields import CUSTOM_FIELDS, term_exists
from .kernel.people import creator_name, has_cjk

VOCABULARY_FIELDS = {
    cf.name: cf.vocabulary_id for cf in CUSTOM_FIELDS if isinstance(cf, VocabularyCF)
}
"""``cdtd:`` fields whose values come from a vocabulary."""


def _vocabulary_value_exists(vocabulary_id, value_id):
    """True when ``value_id`` is a registered entry of the vocabulary (cached:
    ``deposit.fields.term_exists``, one statement for an unknown term, none for a known one)."""
    return term_exists(vocabulary_id, value_id)


class DepositRulesComponent(ServiceComponent):
    """Enforce the Chengdu deposit rules (CD-TD Art. 2, 14, 18; LZ Art. 16)."""

    def _check_draft(self, record):
        """Defaults, refusal of classified data, reasons for restrictions."""
        cf = record.get("custom_fields") or {}
        rules.apply_open_defaults(cf)  # CD-TD Art. 18
        record["custom_fields"] = cf
        errors = rules.classified_errors(cf)  # CD-TD Art. 14
        if errors:
            raise ValidationError(errors)
        errors = rules.restriction_errors(cf)  # CD-TD Art. 18; LZ Art. 16
        if errors:
            raise ValidationError(errors)
        self._apply_access(record)
        self._chinese_names(record)

    def _chinese_names(self, record):
        """Chinese personal names stored as 李明, not InvenioRDM's "李, 明" (issue 13).

        The stored ``name`` is what pages, search results, the search link of
        a creator and the exports show.
        """
        for key in ("creators", "contributors"):
            for entry in (record.get("metadata") or {}).get(key) or []:
                person = (entry or {}).get("person_or_org") or {}
                if person.get("type") == "personal" and has_cjk(
                        (person.get("family_name") or "") + (person.get("given_name") or "")):
                    person["name"] = creator_name(person)

    def _apply_access(self, record):
        """Restrict metadata/files as the opening type says."""
        opening = (record.get("custom_fields") or {}).get(f"{rules.CF}opening_type") or {}
        rec, files = rules.access_for_opening(opening.get("id"))
        if rec:
            record.access.protection.record = rec
        if files:
            record.access.protection.files = files

    def _refuse_invalid_input(self, errors, record):
        """A wrong value in a ``cdtd:`` field is refused, not silently dropped; so is
        junk beyond the upper bounds of texts, lists and dates (issue 20)."""
        ours = {
            e["field"]: e["messages"] for e in (errors or [])
            if str(e.get("field", "")).startswith(f"custom_fields.{rules.CF}")
        }
        cf = record.get("custom_fields") or {}
        bounds = {**rules.list_bound_errors(cf),
                  **rules.metadata_bound_errors(record.get("metadata") or {})}
        if bounds:  # before any lookup: 20,000 values are not looked up one by one
            raise ValidationError({**ours, **bounds})
        ours.update(rules.unknown_value_errors(cf, VOCABULARY_FIELDS, _vocabulary_value_exists))
        if ours:
            raise ValidationError(ours)

    def create(self, identity, data=None, record=None, errors=None, **kwargs):
        """Check a new draft before anything is stored."""
        self._refuse_invalid_input(errors, record)
        self._check_draft(record)

    def update_draft(self, identity, data=None, record=None, errors=None, **kwargs):
        """Check an updated draft; a draft declared classified loses its files."""
        self._refuse_invalid_input(errors, record)
        cf = record.get("custom_fields") or {}
        if rules.is_classified(cf):
            self._remove_files(record)
        self._check_draft(record)

    def publish(self, identity, draft=None, record=None, **kwargs):
        """All required fields are there before publication (CD-TD Art. 2, 19)."""
        cf = draft.get("custom_fields") or {}
        errors = {**rules.classified_errors(cf), **rules.restriction_errors(cf),
                  **rules.publish_errors(cf), **rules.list_bound_errors(cf),
                  **rules.metadata_bound_errors(draft.get("metadata") or {})}
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _remove_files(record):
        """Delete the draft's files and their stored bytes (CD-TD Art. 14).

        Committed at once, on their own: the metadata change that declared
        the data classified is refused right after (nothing of it is saved),
        and the rollback of that refusal must not bring the files back.
        """
        files = getattr(record, "files", None)
        if not files or not files.entries:
            return
        instances = []
        for key in list(files.entries.keys()):
            ov = files.entries[key].object_version
            if ov is not None and ov.file is not None:
                instances.append(ov.file)
            files.delete(key, softdelete_obj=False, remove_rf=True)
        db.session.flush()
        for fi in instances:
            fi.storage().delete()
            fi.delete()
        db.session.commit()
