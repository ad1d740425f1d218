"""The record schema of the REST API with the ``cdtd:`` custom fields built once per process.

InvenioRDM's ``CustomFieldsSchema`` builds a new marshmallow schema class from
``RDM_CUSTOM_FIELDS`` every time a record is dumped or loaded: 27 new field
objects, a class, a deep copy of its fields, ten nested vocabulary schemas. A
search page of 20 hits paid that 40 times (issue 21: ~12 % of a ``?size=20``
search's profile; a plain InvenioRDM has no custom fields, so none of it).
Here the inner schema is built once per application and ``fields_var`` and
reused (marshmallow schemas hold no per-call state; the REST dump has no
locale-dependent field, unlike the UI serializer's ``ui_field``).
"""

from functools import partial

from flask import current_app
from invenio_rdm_records.services.schemas import RDMRecordSchema
from invenio_records_resources.services.custom_fields import CustomFieldsSchema
from marshmallow import Schema
from marshmallow_utils.fields import NestedAttribute

__all__ = ("BuiltOnceCustomFieldsSchema", "RecordSchema")


class BuiltOnceCustomFieldsSchema(CustomFieldsSchema):
    """``CustomFieldsSchema`` whose inner schema is built once per app and config."""

    def __init__(self, fields_var, *args, **kwargs):
        """As InvenioRDM's, the fields and the inner schema taken from the app's memo."""
        Schema.__init__(self, *args, **kwargs)  # not CustomFieldsSchema's: it builds anew
        config = current_app.config.get(fields_var, [])
        memo = current_app.extensions.setdefault("techdata-custom-fields-schemas", {})
        key = (fields_var, self.field_property_name, id(config), len(config))
        built = memo.get(key)
        if built is None:
            fields = {f.name: getattr(f, self.field_property_name) for f in config}
            built = memo[key] = (fields, Schema.from_dict(fields)())
        self.fields, self._schema = built


class RecordSchema(RDMRecordSchema):
    """InvenioRDM's record schema, its ``custom_fields`` built once (``RDM_RECORD_SCHEMA``)."""

    custom_fields = NestedAttribute(
        partial(BuiltOnceCustomFieldsSchema, fields_var="RDM_CUSTOM_FIELDS"))
