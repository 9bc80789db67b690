"""An independent oracle for the Code's timescales (6.2-6.5, 6.11, 6.14-6.16 and the
overdue stage 2 acknowledgement of 5.11), a generator of edge-case rows for it, and
the tests that hold codecheck to it.

The oracle never imports codecheck's calendar, timeliness or stage rules: it has its
own working-day arithmetic (:mod:`.workdays`) and reads the Code's words afresh
(:mod:`.expected`). Measure with ``python -m tests.oracle.measure``.
"""
