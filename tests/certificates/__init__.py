"""Tests of the deposit certificates (汇交凭证)."""
