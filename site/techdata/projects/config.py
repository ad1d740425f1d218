"""Settings of the project registry and the acceptance gate."""

TECHDATA_PROJECT_OVERDUE_DIGEST_DAYS = 7
"""Days between two overdue digests sent to a PI and entity admins (CD-TD Art. 27)."""
