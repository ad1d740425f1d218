"""Tests of the metadata exports and the landing-page panels."""
