"""The 42 CFR Part 2 notice that accompanies a disclosure, read from ``resources/notices/``.

The wording is data, not code: ``resources/notices/part2.json`` holds the §2.32(a) statements
with their citation, source address and how far they were verified, and every export that
carries the notice carries these exact strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.resources import load_json
from app.services.surveys.reader import Node

FILE = ("notices", "part2.json")
SCHEMA = 1


@dataclass(frozen=True, slots=True)
class Part2Notice:
    """Statement 1 (the full notice, paragraph by paragraph) and Statement 2 (the short one).

    §2.32(a) asks for one of them with each disclosure made with the patient's consent.
    """

    id: str
    title: str
    citation: str
    url: str
    statement_1: tuple[str, ...]
    statement_2: str
    consent_requirement: str
    verification_status: str

    @property
    def full_text(self) -> str:
        """Statement 1 as plain text, one paragraph (or listed item) a line."""
        return "\n".join(self.statement_1)


@cache
def part2_notice() -> Part2Notice:
    """The notice, checked once; ``ResourceError`` names the file and field when it is wrong."""
    root = Node("resources/" + "/".join(FILE), "", load_json(*FILE))
    root.object(
        {
            "schema",
            "id",
            "title",
            "citation",
            "url",
            "statement_1",
            "statement_2",
            "consent_requirement",
            "verification",
        },
        frozenset({"federal_register_url"}),
    )
    if root.get("schema").value != SCHEMA:
        root.get("schema").fail(f"must be {SCHEMA}.")
    paragraphs = tuple(node.value for node in root.items("statement_1"))
    for index, text in enumerate(paragraphs):
        if not isinstance(text, str) or not text.strip():
            Node(root.file, f"statement_1[{index}]", text).fail("must be text.")
    verification = root.get("verification")
    verification.object({"status", "checked"})
    return Part2Notice(
        id=root.text("id", max_length=40, pattern=r"[a-z0-9.\-]+"),
        title=root.words("title"),
        citation=root.words("citation"),
        url=root.text("url", pattern=r"https://\S+"),
        statement_1=paragraphs,
        statement_2=root.words("statement_2", max_length=200),
        consent_requirement=root.words("consent_requirement"),
        verification_status=verification.words("status"),
    )
