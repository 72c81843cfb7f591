"""The date forms people can type, in one line: the examples every date error and
``respond --help`` show (the grammar itself is :mod:`respond.core.dates`).

This module imports nothing: the command line's help reads it at start-up without paying for
the grammar's regular expressions.
"""

ACCEPTED_FORMS = (
    "now, today, tomorrow, eod, cob, eow, eom, sow, next week, next month, later today, "
    "this afternoon, tomorrow morning, fri, eod fri, 2pm tomorrow, 2h, 3d, "
    "in a fortnight, 2bd, 2026-11-25 14:00, 25 nov, 18.12., 15th"
)
