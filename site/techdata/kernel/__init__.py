"""The kernel: what every feature of the repository may use.

It owns time (today where deadlines run), i18n (bilingual messages), the one
error type, role names and role sets, permission generators and the base of
our services and policies, vocabulary labels, CSRF of our HTML forms, the
recipients of notifications, and how people's names and dates are shown
(``people``, ``time``). It imports InvenioRDM and nothing of the
features (``projects``, ``review``, ``access``, ``directory`` ...): they
import it, never each other's private names.
"""
