"""The accountability engine (Qt-free): flags, milestones, follow-up prompts, suggestions.

Entry point: ``AccountabilityService`` (``accountability.service``). Its results are frozen
DTOs: ``Flag`` (``flags``: facilitator-only, with ``evidence``), ``Milestone`` (``milestones``:
group-safe), ``FollowUpPrompt`` (``prompts``: with ``group_safe``), ``ParticipantCard``
(``cards``: the live round's card), ``PeerLeaderSuggestion`` and ``PairingSuggestion``
(``suggestions``) and ``Evaluation`` (``service``: all of them at once). Every result links
to its source records through ``RecordRef`` (``records``).

Inside: ``history`` loads a cohort's facts (``facts``) as of one instant, the one
``moment`` resolves (never clinician-only text); the rules in ``flags``, ``milestones``,
``prompts``, ``suggestions`` and ``cards`` are pure functions of that history, and count
what ``app.services.figures`` defines. Import each name from its module: this package
imports nothing itself, so the definitions in ``app.services.figures`` can build on
``facts`` without a cycle.
"""
