"""Chengdu tech-data repository (成都科技数据汇交平台), an InvenioRDM 14 instance.

The package is organised as one subpackage per capability; cross-cutting pieces
(permissions, generators, components) sit at the top. ``config`` holds the
site-wide settings shared by the served app and the tests.
"""

__version__ = "0.1.0"
