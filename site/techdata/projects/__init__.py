"""Funded projects, the deposit-before-acceptance gate (CD-TD Art. 15; LZ Art. 12)."""
