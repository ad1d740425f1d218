"""Request type ``data-service`` (增值服务): a company asks a data centre for a service.

CD-TD Art. 20: data centres, organisations and companies offer value-added
services on tech data (analysis, products); CD-TD Art. 22: mainly supported by
innovation vouchers (科技创新券). A company asks a data centre (a community
with a centre level: the receiver) for an analysis, a custom extraction or
another service on named datasets, optionally paid by a voucher (number,
amount in yuan, issuer — recorded in the payload).

The centre answers within ``TECHDATA_ACCESS_DEADLINES["data-service"]``
working days (the centre may agree another delivery date in its quote):

* ``quote`` (accept): the price, the delivery date and terms; status
  ``quoted`` (open, waiting for delivery), the answer clock stops;
* ``refuse`` (decline): with the reason (appealable, ``appeal.py``);
* ``return``: for more information (pauses the clock, ``base.py``);
* ``deliver``: from ``submitted`` or ``quoted``, status ``delivered``, with a
  delivery note. The deliverables are **request files** (invenio-requests 14
  supports files on a request: ``PUT /api/requests/<id>/files/upload/<name>``
  by the centre, ``GET /api/requests/<id>/files/<key>/content`` by the
  applicant; only the request's parties can read them). Delivering needs at
  least one file; their names, sizes and checksums at the time of delivery
  are recorded in ``payload.delivery``.
"""

from decimal import Decimal

from invenio_requests.customizations.states import RequestState
from marshmallow import (
    Schema, ValidationError, fields, post_load, pre_load, validate, validates,
)

from ..kernel.i18n import _, bilingual, lazy_bilingual, lazy_error
from .applying import file_request
from .base import ClockedDecisionAction, ClockedRequestType, Filing, RefuseAction
from .common import LONG_TEXT, REQUIRED, now_iso, published_record, refuse
from .receivers import data_centre

KINDS = ("analysis", "custom-extraction", "other")
"""Kinds of value-added service (CD-TD Art. 20: analysis, mining, custom data)."""

_SHORT = validate.Length(min=1, max=200, error=lazy_bilingual(_("1-200 characters.")))


def _positive(value):
    """A positive amount of yuan."""
    if value <= 0:
        raise ValidationError(bilingual(_("The amount must be more than 0 yuan.")))


class VoucherSchema(Schema):
    """An innovation voucher paying for the service (科技创新券, CD-TD Art. 22)."""

    number = fields.String(required=True, validate=_SHORT, error_messages=REQUIRED)
    amount = fields.Decimal(required=True, places=2, validate=_positive, as_string=True,
                            error_messages={**REQUIRED, "invalid": lazy_error(
                                _("The amount must be a number."))})
    issuer = fields.String(required=True, validate=_SHORT, error_messages=REQUIRED)


class DataServiceSchema(Schema):
    """What the company asks for."""

    community = fields.String()
    organisation = fields.String(required=True, validate=_SHORT, error_messages=REQUIRED)
    contact = fields.String(required=True, validate=_SHORT, error_messages=REQUIRED)
    kind = fields.String(required=True, validate=validate.OneOf(
        KINDS, error=lazy_bilingual(_("analysis, custom-extraction or other."))),
        error_messages=REQUIRED)
    description = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)
    datasets = fields.List(fields.String(), load_default=list)
    voucher = fields.Nested(VoucherSchema)

    @pre_load
    def _from_form(self, data, **kwargs):
        """The web form sends ``voucher_*`` fields and datasets as one line."""
        data = dict(data or {})
        voucher = {k[len("voucher_"):]: data.pop(k) for k in list(data)
                   if k.startswith("voucher_")}
        if any(str(v).strip() for v in voucher.values()) and "voucher" not in data:
            data["voucher"] = voucher
        if isinstance(data.get("datasets"), str):
            data["datasets"] = [d for d in data["datasets"].replace(",", " ").split() if d]
        return data

    @validates("datasets")
    def _few(self, value, **kwargs):
        """A service names at most 50 datasets."""
        if len(value) > 50:
            raise ValidationError(bilingual(_("At most 50 datasets.")))


class QuoteSchema(Schema):
    """The centre's quote: price, delivery date, terms."""

    price = fields.Decimal(required=True, places=2, as_string=True,
                           validate=validate.Range(min=Decimal("0")), error_messages={
                               **REQUIRED,
                               "invalid": lazy_error(_("The price must be a number."))})
    deliver_by = fields.Date(required=True, error_messages={
        **REQUIRED, "invalid": lazy_error(_("Date as YYYY-MM-DD."))})
    terms = fields.String(validate=validate.Length(max=8000))

    @post_load
    def _price_as_text(self, data, **kwargs):
        """Payloads are JSON: the price as a string of yuan, two decimals."""
        return {**data, "price": str(data["price"])}


class DeliverySchema(Schema):
    """The delivery note."""

    note = fields.String(required=True, validate=LONG_TEXT, error_messages=REQUIRED)


class QuoteAction(ClockedDecisionAction):
    """Accept the service with a quote (the answer: stops the clock)."""

    status_to = "quoted"
    decision_schema = QuoteSchema


class DeliverAction(ClockedDecisionAction):
    """Deliver: the request's files are the deliverables, recorded with the note."""

    status_from = ["submitted", "quoted"]
    status_to = "delivered"
    decision_schema = DeliverySchema

    def apply(self, identity, uow, decision):
        """Record the files attached to the request as the deliverables."""
        deliverables = attached_files(self.request)
        if not deliverables:
            refuse(_("Upload the deliverables to the request first (PUT "
                     "/api/requests/<id>/files/upload/<name>)."), "files")
        payload = dict(self.request["payload"])
        payload["delivery"] = {"note": decision["note"], "files": deliverables,
                               "by": str(identity.id), "at": now_iso()}
        self.request["payload"] = payload

    def execute(self, identity, uow, decision=None, comment=None, on=None, **kwargs):
        """Deliver; after a quote the answer clock has stopped already, keep its date."""
        quote = None
        if self.request.status == "quoted":
            quote = dict(self.request["payload"])
        super().execute(identity, uow, decision=decision, comment=comment, on=on, **kwargs)
        if quote is not None:
            payload = dict(self.request["payload"])
            payload.update(answered_on=quote.get("answered_on"), decision=quote.get("decision"),
                           decided_by=quote.get("decided_by"), decided_at=quote.get("decided_at"))
            self.request["payload"] = payload


def attached_files(request):
    """Name, size and checksum of each file attached to ``request``."""
    files = request.files
    if files is None or not getattr(files, "bucket", None):
        return []
    out = []
    for key in files:
        item = files[key]
        data = getattr(item.model, "data", None) or {}
        out.append({"key": key, "name": data.get("original_filename", key),
                    "size": item.file.size, "checksum": item.file.checksum})
    return out


class DataService(ClockedRequestType):
    """Value-added data service asked of a data centre (CD-TD Art. 20, 22)."""

    type_id = "data-service"
    name = _("Value-added data service")

    available_statuses = {
        **ClockedRequestType.available_statuses,
        "quoted": RequestState.OPEN,
        "delivered": RequestState.CLOSED,
    }
    payload_schema = {
        **ClockedRequestType.payload_schema,
        "organisation": fields.String(),
        "contact": fields.String(),
        "kind": fields.String(),
        "description": fields.String(),
        "datasets": fields.List(fields.String()),
        "voucher": fields.Dict(),
        "delivery": fields.Dict(),
    }
    available_actions = {
        **ClockedRequestType.available_actions,
        "quote": QuoteAction,
        "refuse": RefuseAction,
        "deliver": DeliverAction,
    }

    @classmethod
    def prepare(cls, identity, data, on=None):
        """The service asked of a data centre (the city centre by default)."""
        data = DataServiceSchema().load(data)
        centre = data_centre(data.get("community"))
        datasets = [str(published_record(d, "datasets").pid.pid_value) for d in data["datasets"]]
        payload = {k: data[k] for k in ("organisation", "contact", "kind", "description")}
        payload["datasets"] = datasets
        if data.get("voucher"):
            payload["voucher"] = {**data["voucher"], "amount": str(data["voucher"]["amount"])}
        title = f"增值服务 Data service ({data['kind']}): {data['description'][:80]}"
        return Filing(payload=payload, receiver=centre, title=title)


def ask_for_service(identity, data, on=None):
    """File a value-added service request; returns the submitted request item."""
    return file_request(identity, DataService.type_id, data or {}, on=on)
