"""Synthetic phrase banks the demo composes names, check-ins, goals and notes from."""

from __future__ import annotations

from typing import Final

# Common given names split by the pronouns the demo pairs them with; display names add only
# a last initial, so no combination names a real person.
FEMININE_NAMES: Final = (
    "Abby", "Adriana", "Aisha", "Alicia", "Amara", "Amy", "Ana", "Angela", "Bea", "Bianca",
    "Brenda", "Carla", "Carmen", "Chloe", "Claire", "Dana", "Daniela", "Deb", "Diana", "Elena",
    "Ella", "Emma", "Erin", "Eva", "Faith", "Fatima", "Gina", "Grace", "Hana", "Heather",
    "Imani", "Ines", "Irene", "Jada", "Jasmine", "Jen", "Joy", "Julia", "Karen", "Kayla",
    "Keisha", "Kim", "Lana", "Laura", "Lea", "Lena", "Linda", "Lucia", "Maya", "Megan",
    "Mei", "Mia", "Nadia", "Naomi", "Nina", "Nora", "Olivia", "Paula", "Priya", "Rachel",
    "Rosa", "Ruth", "Sara", "Selena", "Sofia", "Tanya", "Tara", "Tess", "Vanessa", "Yasmin",
)  # fmt: skip
MASCULINE_NAMES: Final = (
    "Aaron", "Adam", "Ahmed", "Andre", "Ben", "Brian", "Caleb", "Carlos", "Chris", "Colin",
    "Dan", "Darius", "David", "Derek", "Diego", "Eli", "Eric", "Ethan", "Felix", "Frank",
    "Gabe", "Greg", "Hassan", "Hector", "Ian", "Isaac", "Jack", "Jamal", "Jason", "Javier",
    "Joel", "Jon", "Jorge", "Kai", "Keith", "Kevin", "Leo", "Liam", "Luis", "Malik",
    "Marco", "Mark", "Matt", "Miguel", "Nate", "Nick", "Omar", "Owen", "Pablo", "Paul",
    "Raj", "Ray", "Rick", "Ryan", "Sam", "Sean", "Steve", "Tariq", "Theo", "Tom",
    "Tony", "Trevor", "Tyler", "Victor", "Wade", "Walt", "Wes", "Will", "Xavier", "Zach",
)  # fmt: skip
NEUTRAL_NAMES: Final = (
    "Alex", "Ari", "Avery", "Blake", "Casey", "Charlie", "Dakota", "Drew", "Eden", "Emery",
    "Finley", "Frankie", "Harper", "Jesse", "Jordan", "Jules", "Kendall", "Lee", "Logan",
    "Marley", "Morgan", "Noel", "Parker", "Quinn", "Reese", "Riley", "River", "Robin", "Rowan",
    "Sage", "Sky", "Taylor",
)  # fmt: skip
LAST_INITIALS: Final = "ABCDEFGHJKLMNOPRSTVWYZ"
SECOND_LETTERS: Final = "aeiourhln"

# (pronouns, weight, names to draw from)
PRONOUNS: Final = (
    ("she/her", 44, FEMININE_NAMES + NEUTRAL_NAMES[:8]),
    ("he/him", 44, MASCULINE_NAMES + NEUTRAL_NAMES[8:16]),
    ("they/them", 8, NEUTRAL_NAMES),
    ("", 4, FEMININE_NAMES + MASCULINE_NAMES + NEUTRAL_NAMES),
)

STAFF: Final = (
    "Dana K., LCSW", "Marcus L., LPC", "Priya S., PsyD", "Ellen W., LMFT", "Tomás R., LCADC",
    "Grace H., LCSW", "Owen B., LPC", "Renee J., PhD", "Sam D., CADC", "Naomi F., LMHC",
    "Victor A., LCSW", "Julia M., LMFT", "Andre P., LPC", "Kim T., LCADC", "Rosa V., PsyD",
    "Ben C., LMHC", "Hana O., LCSW", "Walt G., CADC",
)  # fmt: skip

TIMEZONES: Final = (
    ("America/New_York", 4),
    ("America/Chicago", 3),
    ("America/Denver", 1),
    ("America/Los_Angeles", 2),
)

COHORT_WORDS: Final = {
    "mental_health": ("Steady Ground", "Wellness", "Balance", "Clear Skies", "Anchor"),
    "substance_use": ("Recovery", "Fresh Start", "Sober Path", "New Roots", "Turning Point"),
    "dual_diagnosis": ("Bridges", "Integrated Recovery", "Whole Health", "Two Roads", "Keel"),
}

TOPICS: Final = {
    "common": (
        "Values clarification", "Sleep and mood", "Building a support network",
        "Communication skills: I-statements", "Boundaries with family", "Self-compassion",
        "Grounding skills", "Stress and the body", "Behavioral activation",
        "Managing anger", "Grief and loss", "Setting goals that fit", "Problem solving",
        "Checking the facts", "Radical acceptance", "Gratitude practice",
    ),
    "mental_health": (
        "Cognitive distortions", "Distress tolerance: TIPP", "Worry time",
        "Panic and avoidance", "Opposite action", "Rumination", "Safety planning review",
    ),
    "substance_use": (
        "Triggers and high-risk situations", "Urge surfing", "HALT check-in",
        "Relapse prevention planning", "Refusal skills", "Rebuilding trust",
        "Recovery meetings: what fits", "Early warning signs of relapse",
    ),
}  # fmt: skip

EMOTIONS_LOW: Final = (
    "anxious", "heavy", "irritable", "lonely", "numb", "overwhelmed", "sad", "restless",
    "ashamed", "exhausted", "hopeless", "on edge", "frustrated", "stuck",
)  # fmt: skip
EMOTIONS_MID: Final = (
    "okay", "tired", "mixed", "hopeful", "distracted", "calm", "flat", "uncertain",
    "a bit nervous", "steady", "quiet", "curious",
)  # fmt: skip
EMOTIONS_HIGH: Final = (
    "grateful", "hopeful", "proud", "calm", "energized", "connected", "content",
    "optimistic", "relieved", "light", "confident", "peaceful",
)  # fmt: skip

ACCOMPLISHMENTS: Final = {
    "common": (
        "walked after dinner most days", "got to work on time every day",
        "used box breathing before a hard conversation", "slept seven hours three nights",
        "reached out to a friend", "took my medication every day", "journaled twice",
        "cooked a real meal", "cleaned the kitchen", "went to a doctor's appointment",
        "asked for help at work", "spent an afternoon outside", "finished a job application",
        "paid a bill I had been avoiding", "said no without apologizing",
        "kept my phone out of the bedroom", "read for half an hour",
    ),
    "adolescent": (
        "turned in my homework on time", "talked to my mom instead of shutting down",
        "went to practice every day", "studied for my math test",
        "told my counselor how I was doing", "hung out with friends who are good for me",
    ),
    "cravings": (
        "went to three meetings", "called my sponsor", "threw out what was left in the house",
        "left a party early", "got through payday without using", "drove a different way home",
        "picked up a 30-day chip", "told my partner about an urge",
    ),
    "mood": (
        "went to the store even though I was anxious", "used a grounding skill during a panic",
        "got out of bed before nine", "noticed a thought spiral and stepped back",
    ),
}  # fmt: skip

CHALLENGES: Final = {
    "common": (
        "argument with my partner", "couldn't sleep", "work stress", "isolating again",
        "skipped meals", "a hard anniversary", "felt judged at a family dinner",
        "money worries", "no energy to do much", "kids were sick all week",
        "conflict with my roommate", "car broke down", "too much screen time",
    ),
    "adolescent": (
        "fight with my parents", "stressed about exams", "drama with friends",
        "didn't want to go to school", "felt left out at lunch",
    ),
    "cravings": (
        "cravings after payday", "ran into old friends", "a party this weekend",
        "urges when I was bored", "stress made me want to drink",
    ),
    "mood": (
        "panic at the grocery store", "racing thoughts at night", "felt low most days",
        "hard to concentrate", "worrying about everything",
    ),
}  # fmt: skip

# Shared only with the clinician: the check-in's scope keeps these out of the group's view.
CLINICIAN_ONLY_CHALLENGES: Final = {
    "cravings": (
        "used once on Saturday and felt ashamed", "kept thinking about using after the fight",
        "drank at a wedding; want to talk about it",
    ),
    "mood": (
        "felt hopeless most of the week", "not sleeping and not eating much",
        "old thoughts came back; used my safety plan",
    ),
}  # fmt: skip

GOALS: Final = {
    "family": (
        "Eat dinner with my kids three nights", "Call my mom on Sunday",
        "Plan one outing with my family", "Help my brother move on Saturday",
    ),
    "health": (
        "Walk 20 minutes on four days", "Be in bed by 11 on weeknights",
        "Drink water instead of soda", "Book the dentist appointment",
        "Take my medication at the same time each day",
    ),
    "work or school": (
        "Update my resume", "Apply to two jobs", "Ask my manager about fewer night shifts",
        "Turn in every assignment on time", "Study 30 minutes a day",
    ),
    "relationships": (
        "Text one friend each day", "Say what I need once this week",
        "Spend an evening with my partner without phones", "Repair things with my sister",
    ),
    "recovery": (
        "Go to three meetings", "Call my sponsor twice", "Write my relapse prevention plan",
        "Practice urge surfing once a day", "Find a home group",
    ),
    "creativity": (
        "Play guitar 15 minutes a day", "Draw something every evening",
        "Cook a new recipe", "Write one page a day",
    ),
    "spirituality": (
        "Meditate 10 minutes each morning", "Go to a service this weekend",
        "Spend time outdoors in quiet", "Read a daily reflection",
    ),
    "community": (
        "Volunteer at the food bank on Saturday", "Go to a neighborhood event",
        "Help set up chairs at my meeting", "Join the library's book club",
    ),
}  # fmt: skip

# Adolescents' "work or school" goals.
SCHOOL_GOALS: Final = (
    "Turn in every assignment on time", "Study 30 minutes a day", "Ask a teacher for help",
    "Go to school every day this week", "Finish my science project",
)  # fmt: skip

# A participant's own words for a value (letters, spaces and hyphens, as the service allows).
OWN_VALUE_WORDS: Final = {
    "self-respect": "Keep one promise to myself each day",
    "honesty": "Tell the truth when it is uncomfortable",
    "peace": "Take a quiet break when I feel pressured",
    "adventure": "Try one new thing this week",
    "independence": "Handle my own appointments this week",
}

# Values a participant names in their own words (the standard list is ``app.services.values``).
OWN_VALUES: Final = (
    "being a good dad", "being a good mom", "showing up", "keeping my word", "peace of mind",
    "being there for my kids", "staying clean for my family", "my dog", "making amends",
    "getting my license back", "finishing school", "being someone people can count on",
)  # fmt: skip

# How partners' contacts between sessions went, in their words (most contacts carry no note).
CONTACT_NOTES: Final = (
    "Talked through a rough evening", "Quick check on the weekend plan", "Walked together",
    "Reminded each other about group", "Shared a meeting schedule", "Coffee after work",
    "Helped with a craving, stayed on the phone", "Sent a photo of the sunrise",
    "Practiced what to say to family", "Compared notes on sleep",
)  # fmt: skip

BARRIERS: Final = (
    "got sick", "work ran late", "forgot until the weekend", "felt too low to start",
    "the kids were home all week", "ran out of time", "it rained every day",
    "a family emergency", "transportation fell through", "lost motivation midweek",
    "set it too big; will break it down", "didn't have the money this week",
)  # fmt: skip

ATTENDANCE_NOTES: Final = {
    "late": ("connection trouble", "joined by phone", "came from work", "internet dropped"),
    "left_early": ("picked up the kids", "work call", "not feeling well", "appointment"),
    "excused": (
        "medical appointment", "sick", "work shift", "childcare fell through",
        "court date", "family emergency",
    ),
    "unexcused": ("no call", "did not answer outreach", ""),
}  # fmt: skip

DISCHARGE_REASONS: Final = (
    "stepped up to residential care",
    "needs a higher level of care",
    "repeated unexcused absences",
    "insurance authorization ended",
    "moved out of the area",
    "referred to a specialized trauma program",
    "did not follow the group agreements after two reviews",
)
PHP_DISCHARGE_REASONS: Final = (
    "admitted to inpatient care",
    "stepped up to residential care",
    "medical hospitalization",
    "insurance authorization ended",
)
WITHDRAWAL_REASONS: Final = (
    "work schedule changed",
    "family obligations",
    "transportation",
    "felt ready to stop",
    "no reason given",
    "chose another program",
    "cost",
    "stopped responding to outreach",
)
NO_SHOW_REASONS: Final = (
    "never started: could not be reached",
    "never started: chose another program",
    "never started: schedule did not work",
    "never started: insurance not approved",
)

CLINICIAN_NOTES: Final = (
    "Safety plan reviewed at intake.",
    "Prefers a phone check-in between sessions.",
    "Coordinate with outside prescriber before medication changes.",
    "Works nights; mornings are hard.",
    "Has a sponsor; consent on file to coordinate.",
    "Responds well to concrete, small goals.",
    "Ask about sleep each week.",
)
