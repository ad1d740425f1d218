"""Requests from outside: conditional access, sharing, opening, appeals, corrections, services.

Each request type runs on a working-day clock (``clock.py``; DOMAIN "Requests
and their deadlines"; CD-PD Art. 26-28, 34; QY Art. 16, 18, 24; LZ Art. 23, 25-26, 31).
"""
