"""REST resource of projects."""
