"""The formatted citation of a dataset, ending with its CSTR (GB/T 32843).

The CSL styles know DOIs but not CSTRs; the CSTR is appended to the citation
the style produced, as data citations in China give it (XC: the
registration certificate's identifier is cited with the data).
"""

from invenio_rdm_records.resources.serializers import StringCitationSerializer

from ..kernel.people import with_csl_names


def record_cstr(record):
    """The CSTR of a record dict (its parent's ``cstr`` PID), or None."""
    parent = record.get("parent") or {}
    return ((parent.get("pids") or {}).get("cstr") or {}).get("identifier")


class CSTRCitationSerializer(StringCitationSerializer):
    """InvenioRDM's formatted citation, followed by the dataset's CSTR.

    Chinese personal names are given to the style as one literal name (李明),
    as GB/T 7714 writes them, not split into family name and initials.
    """

    def dump_obj(self, obj):
        """The CSL-JSON of the record, Chinese names as literals."""
        return with_csl_names(super().dump_obj(obj))

    def serialize_object(self, record):
        """The style's citation, then ``CSTR:…`` when the dataset has one."""
        citation = super().serialize_object(record)
        cstr = record_cstr(record)
        if cstr and cstr not in citation:
            citation = f"{citation.rstrip()} {cstr}"
        return citation
