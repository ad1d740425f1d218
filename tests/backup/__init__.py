"""Tests of backup, restore, fixity and crash safety (issue 17)."""
