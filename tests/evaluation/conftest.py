"""Fixtures of the evaluation tests (issue 19).

The world the indicator tests compute from is in ``world.py`` (its fixture is
imported by the tests that use it).
"""

