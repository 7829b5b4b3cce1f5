"""``ExportService``: CSV tables and FHIR Bundles written outside the vault, disclosures recorded.

Each ``write_*`` call reads through the services the screens use, refuses (writing nothing)
an export that holds 42 CFR Part 2 records without a recipient and a consent, then writes
the file(s) atomically inside the transaction that records the export in the audit trail
and a ``Disclosure`` per participant concerned: the file exists exactly when its record
does. What comes out is not encrypted; the report says so in a sentence the caller shows.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from app.services.attendance.service import AttendanceService
from app.services.checkin_log.service import CheckInLogService
from app.services.cohorts import CohortRow, CohortService
from app.services.context import ServiceContext
from app.services.enrollments import EnrollmentService
from app.services.exports import fhir_bundle as bundles
from app.services.exports import files
from app.services.exports.csv_tables import CsvKind, CsvReader, CsvTable, consent_statement
from app.services.exports.disclosure import (
    DisclosureRequest,
    DisclosureRequired,
    ExportRecord,
    is_part2,
    record_export,
)
from app.services.exports.notice import Part2Notice, part2_notice
from app.services.goals.service import GoalService
from app.services.participants import ParticipantService
from app.services.profile import ProfileService
from app.services.sessions import SessionService
from app.services.surveys.service import SurveyService

NOTICE_SUFFIX = ".part2-notice.txt"
FHIR_KIND = "fhir_bundle"


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What was written: ``records`` rows (CSV) or resources (FHIR) for ``participants``."""

    path: Path
    kind: str
    records: int
    participants: int
    concerned: int  # participants whose Part 2 records it holds (each has a Disclosure)
    notice_path: Path | None  # the full §2.32 notice beside a CSV that needs it
    export_id: uuid.UUID

    @property
    def warning(self) -> str:
        return (
            f"{self.path.name} is not encrypted: it has left the vault's protection, so keep "
            "it safe and delete it once it is no longer needed."
        )


@dataclass(frozen=True, slots=True)
class FhirExport:
    """A built Bundle (JSON), with the participants it concerns under Part 2."""

    document: dict[str, object]
    resources: int
    concerned: dict[uuid.UUID, int]


class ExportService:
    """Builds and writes the exports of issue 13; see the module docstring for the contract."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._cohorts = CohortService(context)
        self._participants = ParticipantService(context)
        self._sessions = SessionService(context)
        self._profiles = ProfileService(context)
        self._surveys = SurveyService(context)
        self._reader = CsvReader(
            CheckInLogService(context),
            AttendanceService(context),
            self._sessions,
            EnrollmentService(context),
            self._participants,
            GoalService(context),
            self._profiles,
            self._surveys,
        )

    @property
    def notice(self) -> Part2Notice:
        return part2_notice()

    # -- CSV ----------------------------------------------------------------------------

    def csv_table(self, kind: CsvKind, cohort_id: uuid.UUID | None = None) -> CsvTable:
        """One layout's rows for a cohort, or for every cohort (by name) when none is given."""
        kind = CsvKind(kind)
        if cohort_id is not None:
            cohorts = [self._cohorts.get(cohort_id)]
            scope = cohorts[0].name
        else:
            cohorts = self._cohorts.list(include_finished=True)
            scope = "every cohort"
        return CsvTable(kind, scope, self._reader.rows(kind, cohorts))

    def write_csv(
        self,
        kind: CsvKind,
        destination: Path,
        *,
        cohort_id: uuid.UUID | None = None,
        disclosure: DisclosureRequest | None = None,
    ) -> ExportReport:
        destination = files.check_destination(destination)
        request = disclosure.validated() if disclosure is not None else None
        table = self.csv_table(kind, cohort_id)
        concerned = table.concerned()
        if concerned and request is None:
            raise DisclosureRequired(len(concerned))
        today = self._today()
        notice = self.notice
        content = table.render(notice, request if concerned else None, today)
        written = [(destination, content)]
        notice_path = None
        if concerned:
            assert request is not None
            notice_path = destination.with_name(destination.name + NOTICE_SUFFIX)
            text = self._notice_file(notice, request, today, destination.name, len(concerned))
            written.insert(0, (notice_path, text.encode("utf-8")))
        export_id = uuid.uuid4()
        record = ExportRecord(
            export_id=export_id,
            kind=f"{table.kind.value}_csv",
            description=f"{table.kind.label} CSV of {table.scope}",
            request=request,
            concerned=concerned,
            notice=notice.id,
            entity="cohort" if cohort_id is not None else "export",
            entity_id=cohort_id,
        )
        self._write(written, record, len(table.rows))
        return ExportReport(
            destination, record.kind, len(table.rows), table.participants, len(concerned),
            notice_path, export_id,
        )  # fmt: skip

    def _notice_file(
        self,
        notice: Part2Notice,
        request: DisclosureRequest,
        on: dt.date,
        name: str,
        participants: int,
    ) -> str:
        people = "1 participant" if participants == 1 else f"{participants} participants"
        return "\n".join(
            [
                notice.title,
                "",
                *notice.statement_1,
                "",
                f"This notice accompanies {name}, which holds records of {people} protected by "
                "42 CFR part 2 (the rows whose disclosure_notice column is filled).",
                consent_statement(request, on),
                f"Disclosed by: {self._context.actor}",
                "",
                f"{notice.citation}: {notice.url}",
                "",
            ]
        )

    # -- FHIR ---------------------------------------------------------------------------

    def fhir_bundle(
        self, participant_id: uuid.UUID, disclosure: DisclosureRequest | None = None
    ) -> FhirExport:
        """The participant's Bundle; ``DisclosureRequired`` when it needs ``disclosure``."""
        request = disclosure.validated() if disclosure is not None else None
        profile = self._profiles.load(participant_id)
        cohorts = {stay.cohort_id: self._cohorts.get(stay.cohort_id) for stay in profile.stays}
        attended = [mark for mark in profile.marks if mark.status.attended]
        responses = [
            response
            for found in self._surveys.for_participant(participant_id).values()
            for response in found
        ]
        responses.sort(key=lambda r: (r.answered_on, r.entered_at, r.id))
        records = len(attended) + len(responses)
        # The Bundle is the person's record: any stay in a Part 2 cohort makes it Part 2.
        part2 = any(is_part2(stay.track) for stay in profile.stays)
        concerned = {participant_id: records} if part2 else {}
        if part2 and request is None:
            raise DisclosureRequired(1)
        disclosed = None
        if part2:
            assert request is not None
            disclosed = bundles.Disclosed(self.notice, request, self._today())
        document = bundles.bundle(
            bundle_id=uuid.uuid4(),
            at=self._context.now(),
            participant_id=participant_id,
            alias=profile.display_name,
            marks=attended,
            sessions=self._session_facts(list(cohorts.values())),
            responses=responses,
            zones={cid: ZoneInfo(c.timezone) for cid, c in cohorts.items()},
            library=self._surveys.library,
            disclosed=disclosed,
        )
        entries = document["entry"]
        assert isinstance(entries, list)
        return FhirExport(document, len(entries), concerned)

    def _session_facts(self, cohorts: list[CohortRow]) -> dict[uuid.UUID, bundles.SessionFacts]:
        facts: dict[uuid.UUID, bundles.SessionFacts] = {}
        for cohort in cohorts:
            fact = bundles.SessionFacts(
                cohort.level_of_care.value.upper(), ZoneInfo(cohort.timezone)
            )
            for session in self._sessions.for_cohort(cohort.id):
                facts[session.id] = fact
        return facts

    def write_fhir(
        self,
        participant_id: uuid.UUID,
        destination: Path,
        *,
        disclosure: DisclosureRequest | None = None,
    ) -> ExportReport:
        destination = files.check_destination(destination)
        built = self.fhir_bundle(participant_id, disclosure)
        content = json.dumps(built.document, ensure_ascii=False, indent=1).encode("utf-8")
        export_id = uuid.UUID(str(built.document["id"]))
        record = ExportRecord(
            export_id=export_id,
            kind=FHIR_KIND,
            description=f"FHIR R4 Bundle of {built.resources} resources",
            request=disclosure.validated() if disclosure is not None else None,
            concerned=built.concerned,
            notice=self.notice.id,
            entity="participant",
            entity_id=participant_id,
        )
        self._write([(destination, content + b"\n")], record, built.resources)
        return ExportReport(
            destination, FHIR_KIND, built.resources, 1, len(built.concerned), None, export_id
        )

    # -- both ---------------------------------------------------------------------------

    def _write(self, written: list[tuple[Path, bytes]], record: ExportRecord, records: int) -> None:
        """The files and their record together: a failure of either leaves neither."""
        placed: list[Path] = []
        try:
            with self._context.database.write() as db:
                record_export(db, self._context, record, records)
                files.write_all(written)
                placed = [path for path, _data in written]
        except BaseException:
            files.remove(placed)  # the files were written but the record was not committed
            raise

    def _today(self) -> dt.date:
        """The date of the disclosure where it is made: this computer's own date."""
        return self._context.now().astimezone().date()
