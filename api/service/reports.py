"""What is read and handed out (公开、报表、审计): the public pages and search, the quota table, the
work views, the seeds' annexes 3 and 4, an agency's audit bundle, and the verification of an
uploaded bundle.

The public pages, quotas, work views and annexes are read from the projections' tables as the
projection worker (or, in a one-process deployment, the service itself) keeps them; nothing here
replays the ledger. The bundle is written by :func:`ledger.services.export.export_bundle` and
checked by the offline verifier's own code (:mod:`verify`), exactly as ``spotcheck export`` and
``spotcheck-verify`` do.
"""

from __future__ import annotations

import io
import json
import shutil
import stat
import tempfile
import zipfile
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from uuid import UUID

from api.access import AccessDenied, Caller
from api.service.context import Context, Download, RequestError, day
from api.service.public_cache import Cached, PublicCache
from ledger.domain.agency import Agency
from ledger.domain.inspector import Inspector, inspector_id
from ledger.errors import InvalidInput, NotFound
from projections.public_view import PublicView
from verify.period import Period

#: The largest bundle accepted for verification, packed and unpacked.
MAX_BUNDLE = 256 * 1024 * 1024
MAX_BUNDLE_FILES = 100_000
ANNEX_FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


class BundleUploadError(InvalidInput):
    """An uploaded bundle that cannot be unpacked or read as a bundle."""


class Reports:
    def __init__(self, context: Context) -> None:
        self.c = context
        self.public_view = PublicView(context.app, context.spotcheck.ceremony,
                                      context.spotcheck.runner, reads=context.reads)
        self.cache = PublicCache(context.reads)

    # -- the public (一公开) ----------------------------------------------------------------------
    def agency_pages(self, code: str, year: int) -> dict[str, Any]:
        """An agency's public pages for a year: masked, nothing sealed (public)."""
        return self.public_view.agency_pages(code, year)

    def search(self, text: str, year: int | None = None, agency: str | None = None,
               quarter: int | None = None) -> list[dict[str, Any]]:
        """Published results whose unit name or credit code contains ``text`` (public)."""
        return self.public_view.search(text, year=year, agency=agency, quarter=quarter)

    # the same, as JSON kept ready (what the public routes answer: :mod:`api.service.public_cache`)
    @staticmethod
    def pages_key(code: str, year: int) -> tuple[Any, ...]:
        return ("pages", code, year)

    @staticmethod
    def search_key(text: str, year: int | None, agency: str | None,
                   quarter: int | None) -> tuple[Any, ...]:
        return ("search", text, year, agency, quarter)

    def cached_pages(self, code: str, year: int) -> Cached:
        return self.cache.get(self.pages_key(code, year), lambda: self.agency_pages(code, year))

    def cached_search(self, text: str, year: int | None, agency: str | None,
                      quarter: int | None) -> Cached:
        return self.cache.get(self.search_key(text, year, agency, quarter),
                              lambda: self.search(text, year, agency, quarter))

    # -- the agency's figures --------------------------------------------------------------------
    def quotas(self, caller: Caller, code: str, year: int, quarter: int | None) -> dict[str, Any]:
        """The quota and compliance table (抽查任务完成情况), with the roll-up below the agency."""
        from projections.quotas import quota_report

        self.c.access.read(caller, code)
        return dict(quota_report(self.c.reads, code, year, quarter).to_dict())

    def agency_work(self, caller: Caller, code: str, quarter: str | None,
                    today: str | None) -> dict[str, Any]:
        """Each draw's progress, steps late, results due, steps overdue as of ``today``."""
        from projections.work import WorkQueryError, agency_work

        self.c.access.read(caller, code)
        period = (Period.parse(quarter, field="quarter", error=WorkQueryError) if quarter else None)
        work = agency_work(self.c.reads, code, day(today, "today"), *(period or (None, None)))
        return dict(work.to_dict())

    def officer_work(self, caller: Caller, certificate: str, year: int | None) -> dict[str, Any]:
        """The inspections an officer was present at, per quarter: the officer themselves, or
        whoever reads the officer's agency."""
        from projections.work import officer_work

        uuid = inspector_id(certificate)
        if uuid not in self.c.app.repository:
            raise NotFound(f"certificate: no inspector {certificate}")
        officer: Inspector = self.c.app.repository.get(uuid)
        own = self.c.access.officer_or_read(caller, self._code_of_agency(officer.agency_id))
        if own is not None and own != certificate:
            raise AccessDenied(f"certificate: officer {own} reads their own work, not {certificate}'s")
        return {**officer_work(self.c.reads, certificate, year).to_dict(), "name": officer.name}

    def _code_of_agency(self, agency_uuid: str) -> str:
        agency: Agency = self.c.app.repository.get(UUID(agency_uuid))
        return agency.division_code

    def annex(self, caller: Caller, which: str, code: str, quarter: str, fmt: str, *,
              filed: str | None = None, head: str = "", reviewer: str = "", filer: str = "",
              remarks: str = "") -> Download:
        """附件3 (the quarterly summary) or 附件4 (the key sources' records) of seed 002, as .xlsx,
        .csv or a printable .html page."""
        from projections.annex import SIGNATURES, AnnexError, Form, annex3, annex4, write_form

        self.c.access.read(caller, code)
        if fmt not in ANNEX_FORMATS:
            raise RequestError(f"format: {fmt!r} is not xlsx, csv or html")
        year, q = Period.parse(quarter, field="quarter", error=AnnexError)
        signatures = dict(zip(SIGNATURES, (head, reviewer, filer), strict=True))
        filed_on = day(filed, "filed_on")
        form: Form
        if which == "annex3":
            form = annex3(self.c.reads, code, year, q, filed_on=filed_on, signatures=signatures,
                          remarks=remarks)
        else:
            form = annex4(self.c.reads, self.c.app.repository, code, year, q, filed_on=filed_on,
                          signatures=signatures, remarks=remarks)
        with tempfile.TemporaryDirectory(prefix="spotcheck-annex-") as tmp:
            path = Path(tmp) / f"{code}-{quarter}-{which}.{fmt}"
            write_form(form, path)
            return Download(path.name, ANNEX_FORMATS[fmt], path.read_bytes())

    # -- audit -----------------------------------------------------------------------------------
    def bundle(self, caller: Caller, code: str) -> Download:
        """The audit bundle of an agency's log, as a zip (its operator, or an auditor above)."""
        from ledger.services.export import export_bundle, zipped

        self.c.access.read(caller, code)
        with tempfile.TemporaryDirectory(prefix="spotcheck-bundle-") as tmp:
            out = Path(tmp) / f"{code}-bundle"
            with self.c.log_store() as ledger:
                export_bundle(ledger, out, code)
            content = zipped(out)
        stamp = date.today().isoformat()
        return Download(f"{code}-bundle-{stamp}.zip", "application/zip", content)

    def verify(self, caller: Caller, filename: str, content: bytes, lang: str = "zh",
               html: bool = False) -> dict[str, Any] | str:
        """Verify an uploaded bundle (a zip of the directory ``spotcheck export`` writes) with the
        offline verifier; the JSON report (ok, the verifier's summary, the accountability report),
        or the HTML report."""
        from verify.bundle import Bundle, BundleError
        from verify.cli import render_text
        from verify.ledger_check import verify_bundle_with_evidence
        from verify.report import build_report
        from verify.report_html import LANGS, render_html

        self.c.access.audit(caller)
        if lang not in LANGS:
            raise RequestError(f"lang: {lang!r} is not one of {', '.join(LANGS)}")
        with tempfile.TemporaryDirectory(prefix="spotcheck-verify-") as tmp:
            root = unpack_bundle(filename, content, Path(tmp))
            try:
                bundle = Bundle.open(root)
                report, evidence = verify_bundle_with_evidence(bundle)
            except BundleError as exc:
                raise BundleUploadError(f"file: {str(exc).replace(str(root), filename)}") from None
            accountability = build_report(report, evidence)
            if html:
                return render_html(accountability, lang)
            data: dict[str, Any] = json.loads(json.dumps(accountability.as_dict(), default=str))
            return {"ok": report.ok,
                    "summary": render_text(report, lang).replace(str(root), filename),
                    "report": data}


def unpack_bundle(filename: str, content: bytes, into: Path) -> Path:
    """Unpack an uploaded zip safely (no absolute path, no ``..``, no link, bounded in count and
    size) and return the bundle directory in it (the one holding ``events.jsonl``)."""
    if len(content) > MAX_BUNDLE:
        raise BundleUploadError(f"file: {len(content):,} bytes; at most {MAX_BUNDLE:,}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise BundleUploadError(f"file: {filename!r} is not a zip archive of a bundle directory "
                                "(zip the directory `spotcheck export` wrote)") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_BUNDLE_FILES:
            raise BundleUploadError(f"file: {len(members):,} entries; at most {MAX_BUNDLE_FILES:,}")
        if sum(m.file_size for m in members) > MAX_BUNDLE:
            raise BundleUploadError(f"file: unpacks to more than {MAX_BUNDLE:,} bytes")
        for member in members:
            name = PurePosixPath(member.filename)
            mode = member.external_attr >> 16
            if (name.is_absolute() or ".." in name.parts or "\\" in member.filename
                    or stat.S_ISLNK(mode)):
                raise BundleUploadError(f"file: {member.filename!r} is not a plain path inside the "
                                        "bundle")
            target = into.joinpath(*name.parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    found = sorted(p.parent for p in into.rglob("events.jsonl"))
    if len(found) != 1:
        raise BundleUploadError(f"file: {filename!r} holds {len(found)} bundles (events.jsonl); "
                                "upload one")
    return found[0]
