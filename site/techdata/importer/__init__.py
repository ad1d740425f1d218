"""Bulk import of existing datasets (``invenio techdata import MANIFEST``; issue 21)."""
