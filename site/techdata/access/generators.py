"""Permission generators of requests from outside (used by the requests policy)."""

from invenio_records_permissions.generators import ConditionalGenerator


class IfRequestType(ConditionalGenerator):
    """``then_`` for requests of the given types, ``else_`` for every other request."""

    def __init__(self, type_ids, then_, else_):
        """``type_ids``: request type ids the ``then_`` generators apply to."""
        super().__init__(then_, else_)
        self.type_ids = tuple(type_ids)

    def _condition(self, request=None, **kwargs):
        """True when ``request`` is of one of the types."""
        return request is not None and request.type.type_id in self.type_ids


DELIVERING_TYPES = ("data-service",)
"""Types whose request files are the receiver's deliverables: only the receiver uploads
them (CD-TD Art. 20; issue 20: an applicant's own upload is no delivery)."""
