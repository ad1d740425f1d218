"""Tests of the kernel (``techdata.kernel``)."""
