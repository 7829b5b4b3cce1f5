"""One definition of each figure two screens show, Qt-free; every read model calls these.

- ``today``: the cohort's local today and this week (its time zone, exact across DST), and
  the one "as of" instant screens read at: now.
- ``attendance``: which sessions count for someone, their streak, attendance rate, and
  this week's hours against the weekly minimum.
- ``goals``: goals due for report-back at a session, and goal completion (done 1, partly ½).
- ``member``: ``MemberFigures``, all of one member's figures from one ``CohortHistory``
  (with their flags), which the roster, the agenda and the live card each carry.

The flag rules themselves are ``app.services.accountability.flags``; they count hours,
sessions and goals with the definitions here.
"""
