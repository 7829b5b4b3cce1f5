"""Standard surveys (measurement-based care): instruments as data, scoring, stored responses.

The instruments are the definition files in ``resources/instruments/``; ``instruments``
loads and checks them, ``scoring`` scores a set of answers from nothing but a definition,
and ``service.SurveyService`` records responses in the vault and reads them back.
Survey answers and scores are clinician-only: they must never reach the presenter view,
a prompt the group can see, or a presenter-safe export.
"""
