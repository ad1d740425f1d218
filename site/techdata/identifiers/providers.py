"""PID providers: the CSTR of a dataset and DataCite DOIs with retries.

``CSTRPIDProvider`` mints GB/T 32843 identifiers (``CSTR:`` + 5-digit
registration-agency code + ``.`` + 2-digit resource-type code + ``.`` + local
part) for parent records. ``TechDataDataCitePIDProvider`` is InvenioRDM's
DataCite provider, registering the DOI at DataCite *before* marking it
registered locally, so that a DataCite failure leaves the DOI reserved and a
Celery task (``techdata.identifiers.tasks``) retries it with backoff.
"""

import re

from datacite import DataCiteRESTClient
from datacite.errors import DataCiteError, DataCiteServerError, HttpError
from flask import current_app
from invenio_i18n import lazy_gettext as _
from invenio_pidstore.models import PIDStatus, RecordIdentifier
from invenio_rdm_records.services.pids.providers import (
    DataCiteClient,
    DataCitePIDProvider,
    PIDProvider,
)
from invenio_rdm_records.utils import ChainObject

from ..kernel.time import local_now
from .failures import TransientRegistrationError, clear_failure, record_failure, retrying
from .tasks import schedule_retry

CSTR_PREFIX = "CSTR:"
"""The fixed prefix of every CSTR (GB/T 32843)."""

CSTR_RE = re.compile(r"^CSTR:(?P<agency>\d{5})\.(?P<type>\d{2})\.(?P<local>.+)$")
"""GB/T 32843 syntax: ``CSTR:`` + 5-digit agency code + 2-digit type code + local part."""

DATACITE_URLS = {
    True: "https://api.test.datacite.org/",
    False: "https://api.datacite.org/",
}
"""DataCite's REST API, test (Fabrica test) and production."""


def normalize_cstr(value):
    """A CSTR with its ``CSTR:`` prefix in capitals (added when missing)."""
    value = (value or "").strip()
    if value[:5].upper() == CSTR_PREFIX:
        value = value[5:]
    return CSTR_PREFIX + value


def is_cstr(value, local_pattern=None):
    """Whether ``value`` is a CSTR (GB/T 32843), its local part matching the pattern.

    The local-part pattern is ``TECHDATA_CSTR_LOCAL_PATTERN`` (in an
    application context) unless given.
    """
    if not isinstance(value, str):
        return False
    match = CSTR_RE.match(normalize_cstr(value))
    if not match:
        return False
    if local_pattern is None:
        local_pattern = current_app.config.get("TECHDATA_CSTR_LOCAL_PATTERN", r".+")
    return re.fullmatch(local_pattern, match.group("local")) is not None


def cstr_value(seq):
    """The CSTR of sequence number ``seq`` (``pidstore_recid``): agency, type code and the
    local part of the settings (also used by the bulk import, which takes its numbers in
    one statement)."""
    cfg = current_app.config
    agency = str(cfg["TECHDATA_CSTR_AGENCY_CODE"])
    type_code = str(cfg["TECHDATA_CSTR_TYPE_CODE"])
    local = cfg["TECHDATA_CSTR_LOCAL_FORMAT"].format(year=local_now().year, seq=seq)
    value = f"{CSTR_PREFIX}{agency}.{type_code}.{local}"
    if not is_cstr(value):
        # A configuration error (agency/type code or local format).
        raise ValueError(f"TECHDATA_CSTR_* settings make an invalid CSTR: {value}")
    return value


class CSTRPIDProvider(PIDProvider):
    """Mints the CSTR of a dataset (GB/T 32843) on its parent record.

    Managed and local: the identifier is made here and kept in the PID store;
    registration with the national registration centre (国家科技资源标识注册
    中心) is a batch the registration agency runs from the PID store, outside
    this repository.
    """

    def __init__(self, id_="cstr", pid_type="cstr", default_status=PIDStatus.NEW, **kwargs):
        """A managed provider of ``cstr`` PIDs."""
        super().__init__(
            id_, client=None, pid_type=pid_type, default_status=default_status,
            managed=True, label=_("CSTR"),
        )

    @classmethod
    def is_enabled(cls, app):
        """CSTRs are minted unless ``TECHDATA_CSTR_ENABLED`` is false."""
        return bool(app.config.get("TECHDATA_CSTR_ENABLED", True))

    def generate_id(self, record, **kwargs):
        """A new CSTR: agency, type code and a local part from a database sequence.

        The sequence (``pidstore_recid``) never hands out a number twice, even
        when a transaction is rolled back or a record deleted, so a CSTR is
        never reused (GB/T 32843: an identifier is permanent and unique).
        """
        return cstr_value(RecordIdentifier.next())

    def can_modify(self, pid, **kwargs):
        """A minted CSTR is permanent: only a new (unreserved) one may change."""
        return not pid.is_registered() and not pid.is_reserved()

    def register(self, pid, record=None, url=None, **kwargs):
        """Register locally (the PID store is the repository's register)."""
        return super().register(pid)

    def update(self, pid, record=None, url=None, **kwargs):
        """Nothing to update remotely; the CSTR stays as it is."""
        return True

    def delete(self, pid, soft_delete=False, **kwargs):
        """Only a new, never published CSTR is deleted; a published one stays.

        Its PID row is kept in either case, so the value is never issued again.
        """
        if pid.is_new():
            return pid.delete()
        return True

    def validate(self, record, identifier=None, provider=None, **kwargs):
        """Duplicate check, plus the GB/T 32843 syntax of a given identifier."""
        success, errors = super().validate(record, identifier, provider, **kwargs)
        if identifier is not None and not is_cstr(identifier):
            self._insert_pid_type_error_msg(
                errors, _("Not a CSTR (GB/T 32843): CSTR:<agency>.<type>.<local part>.")
            )
        return not errors, errors


class TechDataDataCiteClient(DataCiteClient):
    """InvenioRDM's DataCite client, with the API address configurable.

    ``DATACITE_URL`` (when set) is the REST API base address, e.g. a local
    stand-in in tests; otherwise ``DATACITE_TEST_MODE`` chooses DataCite's
    test or production API. The REST client is built per use, so a changed
    configuration (another app, another test module) is always honoured.
    """

    @property
    def api(self):
        """DataCite REST API client instance."""
        self.check_credentials()
        test_mode = bool(self.cfg("test_mode", True))
        return DataCiteRESTClient(
            self.cfg("username"),
            self.cfg("password"),
            self.cfg("prefix"),
            test_mode=False,
            url=self.cfg("url") or DATACITE_URLS[test_mode],
            timeout=self.cfg("timeout", 30),
        )


TRANSIENT_ERRORS = (DataCiteServerError, HttpError)
"""DataCite failures worth retrying: its 5xx answers and network errors."""


def _task_args(record):
    """``(recid, parent)`` of the record or ChainObject a provider is given."""
    if isinstance(record, ChainObject):
        return record._child["id"], True
    return record["id"], False


def _is_restricted(record):
    """Whether the record's metadata is restricted (a 不予开放 record, CD-TD Art. 18)."""
    if isinstance(record, ChainObject):
        return record._child["access"]["record"] == "restricted"
    return record["access"]["record"] == "restricted"


class TechDataDataCitePIDProvider(DataCitePIDProvider):
    """InvenioRDM's DataCite provider, with remote-first registration and retries.

    - A restricted record (不予开放) is never registered; a registered DOI of a
      record restricted later is hidden at DataCite (InvenioRDM's ``update``).
    - The DOI is marked registered locally only once DataCite accepted it.
    - A 5xx or network failure schedules ``retry_pid_registration`` (Celery,
      exponential backoff) and is listed for administrators; a 4xx (bad
      metadata) is logged as an error and not retried.
    """

    def register(self, pid, record, **kwargs):
        """Register a DOI at DataCite, then locally; ``False`` if not done."""
        if _is_restricted(record):
            return False
        try:
            doc = self.serializer.dump_obj(record)
            self.client.api.public_doi(metadata=doc, url=kwargs["url"], doi=pid.pid_value)
        except DataCiteError as error:
            return self._failed("register", pid, record, error)
        except HttpError as error:
            return self._failed("register", pid, record, error)
        clear_failure(pid.pid_value)
        return PIDProvider.register(self, pid)

    def update(self, pid, record, url=None, **kwargs):
        """Update (or hide, when restricted) a registered DOI at DataCite."""
        try:
            if _is_restricted(record):
                self.client.api.hide_doi(doi=pid.pid_value)
            else:
                doc = self.serializer.dump_obj(record)
                doc["event"] = "publish"  # findable again if it was hidden
                self.client.api.update_doi(metadata=doc, doi=pid.pid_value, url=url)
        except DataCiteError as error:
            return self._failed("update", pid, record, error)
        except HttpError as error:
            return self._failed("update", pid, record, error)
        clear_failure(pid.pid_value)
        if pid.is_deleted():
            return pid.sync_status(PIDStatus.REGISTERED)
        return True

    def _failed(self, action, pid, record, error):
        """Log and record a failure; retry the transient ones. Returns ``False``."""
        transient = isinstance(error, TRANSIENT_ERRORS)
        current_app.logger.warning(
            "DataCite %s of DOI %s failed (%s)", action, pid.pid_value,
            "will retry" if transient else "not retried",
        )
        if isinstance(error, DataCiteError):
            self._log_errors(error)
        recid, parent = _task_args(record)
        record_failure(pid.pid_value, recid, parent, action, error, transient)
        if transient:
            if retrying.get():
                raise TransientRegistrationError(str(error)) from error
            schedule_retry(recid, self.pid_type, parent)
        return False
