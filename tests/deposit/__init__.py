"""Tests of the deposit model (techdata.deposit)."""
