"""The date forms people can type, in one line: the examples every date error and
``respond --help`` show (the grammar itself is :mod:`respond.core.dates`).

This module imports nothing: the command line's help reads it at start-up without paying for
the grammar's regular expressions.
"""

ACCEPTED_FORMS = (
    "now, today, tonight, tomorrow, eod, eow, eom, fri, next fri, fri 3pm, tomorrow 09:30, "
    "30m, 2h, 3d, 2w, +3d, in 2 days, in 3 hours, 2bd, 2 business days, 2026-11-25, "
    "2026-11-25 14:00, 25 nov, 25 nov 3pm"
)
