"""Exports for other tools: CSV tables and FHIR R4 Bundles, and the Part 2 disclosures they make.

``csv_tables`` lays out check-ins, attendance, goals and surveys as documented columns
(docs/exports.md), ``fhir_bundle`` builds one participant's FHIR R4 Bundle, ``disclosure``
decides which records are 42 CFR Part 2 records and records who received them, and
``service.ExportService`` reads through the same services the screens use, writes each file
atomically and records the disclosure in the same transaction. Qt-free.
"""
