"""Scheduled tasks of the audit trail: the daily verification and signed digest (LZ Art. 38)."""
