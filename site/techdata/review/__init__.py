"""Data centres, deposit review and the mandatory confidentiality review."""
