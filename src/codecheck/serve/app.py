"""`codecheck serve`: the checks in a local web page (Starlette, Jinja2 templates, no script needed).

Pages: ``/`` upload and list files (with the kind of each, asked where the name cannot tell),
``/results`` findings by file then Code provision (filters are query parameters), ``/results.csv``
and ``/results.xlsx`` downloads, ``/rules/<id>`` a rule explained, ``/files/<n>/mapping`` the
column mapping of a case export and its ``codecheck.yaml``.

Safe by default: every form post must come from this page (its ``Origin``, or ``Referer``, is this
server, and it carries the session's token); uploads over the size limit are refused; a request
for another host name is refused (a web page cannot reach the server through DNS rebinding);
residents' details are not shown (the engine's default, as without ``--show-values``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import io
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from codecheck import __version__
from codecheck.config import Config
from codecheck.errors import CodecheckError
from codecheck.findings import Finding, Severity, provision_sort_key
from codecheck.rules import INPUT_KINDS
from codecheck.serve import mapping_page
from codecheck.serve.workspace import Session, Workspace, display_name, extension, guess_kind

COOKIE = "codecheck_session"
DEFAULT_UPLOAD_MB = 200
KIND_LABELS = {
    "cases": "case-record export",
    "policy": "complaints policy",
    "stage1_ack": "stage 1 acknowledgement letter",
    "stage1_response": "stage 1 response letter",
    "stage2_ack": "stage 2 acknowledgement letter",
    "stage2_response": "stage 2 response letter",
    "extension": "extension letter",
    "refusal": "refusal letter (complaint not accepted)",
    "self_assessment": "self-assessment",
    "annual_report": "annual complaints report",
    "improvement_plan": "improvement plan",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class Refused(Exception):
    """A request the page answers with a plain message and this status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def create_app(workspace: Workspace | None = None, *, max_upload_mb: int = DEFAULT_UPLOAD_MB,
               allowed_hosts: list[str] | None = None, config: Config | None = None) -> Starlette:
    """The app. `allowed_hosts`: the host names it answers to (loopback names by default; ``["*"]``
    when served on another address with --host). `config`: the landlord's configuration (its column
    mapping, region, closure days, severities...) every upload is checked with; the defaults if None."""
    workspace = workspace or Workspace()
    config = config or Config()
    env = Environment(loader=PackageLoader("codecheck.serve", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(version=__version__, kind_labels=KIND_LABELS, config_source=config.source)
    limit = max_upload_mb * 1024 * 1024

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        html = env.get_template(template).render(request=request, session=session, **context)
        response = HTMLResponse(html, status_code=status)
        if session is not None and request.cookies.get(COOKIE) != session.id:
            response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", path="/")
        return response

    def session_of(request: Request, create: bool = True) -> Session | None:
        session = workspace.session(request.cookies.get(COOKIE))
        if session is None and create:
            session = workspace.new_session()
        request.state.session = session
        return session

    def same_origin(request: Request) -> None:
        """A form post must come from this server's own page."""
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin:
            raise Refused(403, "This form was not sent from the codecheck page (the browser did not say where it "
                               "came from). Open the page again and send it from there.")
        parts = urlsplit(origin)
        if parts.netloc != request.headers.get("host", "") or parts.scheme != request.url.scheme:
            raise Refused(403, "This form was sent from another site, so it was refused. Use the codecheck page "
                               "itself.")

    def check_token(session: Session | None, form) -> Session:
        if session is None:
            raise Refused(400, "Your session has ended (the server was restarted). Open the start page and add "
                               "your files again.")
        if not hmac.compare_digest(str(form.get("token", "")), session.token):
            raise Refused(403, "This form is out of date (its token does not match this session). Open the page "
                               "again and send it from there.")
        return session

    async def posted(request: Request, **limits) -> tuple[Session, object]:
        same_origin(request)
        session = session_of(request, create=False)
        form = await request.form(**limits)
        return check_token(session, form), form

    # -- pages ---------------------------------------------------------------------------

    async def home(request: Request) -> HTMLResponse:
        session = session_of(request)
        return page(request, "index.html", uploads=list(session.uploads.values()), kinds=INPUT_KINDS,
                    as_of=session.as_of or dt.date.today().isoformat(), max_upload_mb=max_upload_mb,
                    message=request.query_params.get("message", ""), error=request.query_params.get("error", ""))

    async def upload(request: Request) -> Response:
        size = request.headers.get("content-length")
        if size is None:
            raise Refused(411, "The browser did not say how large the upload is, so it was refused. Try again.")
        if not size.isdigit() or int(size) > limit:
            raise Refused(413, f"These files are too large to check here: {int(size) / 1048576:,.1f} MB, over the "
                               f"{max_upload_mb:,} MB limit of one upload. Add fewer files at a time, or start "
                               "codecheck serve with a larger --max-upload-mb." if size.isdigit() else
                          "The upload's size is not a number.")
        session, form = await posted(request, max_files=2000, max_fields=100)
        added = []
        try:
            for item in form.getlist("files"):
                if isinstance(item, str) or not getattr(item, "filename", None):
                    continue
                name = session.unique_name(display_name(item.filename))
                upload_id, path = session.new_path(extension(name))
                written = 0
                with open(path, "wb") as out:
                    while chunk := await item.read(1 << 20):
                        written += len(chunk)
                        if written > limit:
                            raise Refused(413, f"{name} is over the {max_upload_mb:,} MB upload limit.")
                        out.write(chunk)
                from codecheck.serve.workspace import Upload

                session.uploads[upload_id] = Upload(id=upload_id, name=name, path=path, size=written,
                                                    guessed=guess_kind(name))
                added.append(name)
        finally:
            await form.close()
        session.results = None
        if not added:
            return redirect("/", error="No file was chosen: choose one or more files, then press Add files.")
        return redirect("/", message=f"Added {len(added)} file{'s' if len(added) != 1 else ''}.")

    async def remove(request: Request) -> Response:
        session, form = await posted(request)
        if form.get("all"):
            session.clear()
            return redirect("/", message="All files removed.")
        upload_id = str(form.get("file", ""))
        if upload_id not in session.uploads:
            return redirect("/", error="That file is no longer here.")
        name = session.uploads[upload_id].name
        session.remove(upload_id)
        return redirect("/", message=f"Removed {name}.")

    async def check(request: Request) -> Response:
        session, form = await posted(request)
        as_of = str(form.get("as_of", "")).strip()
        try:
            day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
        except ValueError:
            return redirect("/", error=f"{as_of!r} is not a date: give the date to judge open cases by as YYYY-MM-DD.")
        session.as_of = day.isoformat()
        for upload in session.uploads.values():
            chosen = str(form.get(f"kind_{upload.id}", "")).strip()
            if chosen in INPUT_KINDS:
                upload.chosen = chosen if chosen != upload.guessed else None
        if not session.uploads:
            return redirect("/", error="Add files to check first.")
        unknown = [u.name for u in session.uploads.values() if u.kind is None]
        if unknown:
            return redirect("/", error=f"Say what {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'}: "
                                       "choose a kind for each file marked “choose”.")
        from codecheck.serve.checking import run_checks

        try:
            session.results = await run_in_threadpool(run_checks, list(session.uploads.values()), day, config)
        except CodecheckError as exc:
            return redirect("/", error=str(exc))
        return RedirectResponse("/results", status_code=303)

    async def results(request: Request) -> HTMLResponse:
        session = session_of(request)
        if session.results is None:
            return redirect("/", error="Nothing has been checked yet: add files, then press Check.")
        res = session.results
        chosen = filters(request)
        shown = filtered(res.findings, chosen)
        by_file = []
        for summary_name in file_order(session, res):
            findings = [f for f in shown if f.path == summary_name]
            groups: dict[str | None, list[Finding]] = {}
            for f in sorted(findings, key=lambda f: (provision_sort_key(f.provision), f.sort_key())):
                groups.setdefault(f.provision, []).append(f)
            summary = next((s for s in res.files if s.path == summary_name), None)
            by_file.append({
                "name": summary_name, "summary": summary, "groups": groups, "count": len(findings),
                "problems": [p for p in res.problems if p.path == summary_name],
                "not_evaluated": [n for n in res.not_evaluated if n.path == summary_name],
            })
        provisions = sorted({f.provision for f in res.findings if f.provision}, key=provision_sort_key)
        sections = sorted({p.split(".")[0] for p in provisions}, key=provision_sort_key)
        query = urlencode({k: v for k, v in chosen.items() if v})
        return page(request, "results.html", files=by_file, results=res, shown=len(shown), chosen=chosen,
                    provisions=provisions, sections=sections, severities=[s.label for s in sorted(Severity, reverse=True)],
                    counts=res.count_by_severity(), query=query, location=location, provision_label=provision_label)

    async def download(request: Request) -> Response:
        session = session_of(request)
        if session.results is None:
            return redirect("/", error="Nothing has been checked yet: add files, then press Check.")
        res = session.results
        part = _copy_with(res, filtered(res.findings, filters(request)))
        fmt = request.path_params["fmt"]
        stamp = res.as_of.isoformat()
        if fmt == "csv":
            from codecheck.formatters.csv import CsvFormatter

            body = CsvFormatter().render(part).encode("utf-8")
            media = "text/csv; charset=utf-8"
        else:
            body = await run_in_threadpool(xlsx_bytes, part)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(body, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="codecheck-findings-{stamp}.{fmt}"'})

    async def board_report(request: Request) -> Response:
        """The board's report for the case exports checked, for the period asked (default: the
        financial year the checking date falls in), as a self-contained HTML page to download."""
        session = session_of(request)
        if session.results is None:
            return redirect("/", error="Nothing has been checked yet: add files, then press Check.")
        from codecheck.serve.checking import board_report_html, financial_year

        as_of = session.results.as_of
        period = str(request.query_params.get("period", "")).strip() or financial_year(as_of)
        try:
            html = await run_in_threadpool(board_report_html, list(session.uploads.values()), period, as_of,
                                           config)
        except CodecheckError as exc:
            return redirect("/results", error=f"No board report: {exc}")
        stamp = period.replace("/", "-").replace("..", "_to_")
        return Response(html.encode("utf-8"), media_type="text/html; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="board-report-{stamp}.html"'})

    async def rules_index(request: Request) -> HTMLResponse:
        from codecheck.registry import default_registry

        session_of(request)
        rules = sorted(default_registry().rules.values(), key=lambda r: r.id)
        return page(request, "rules.html", rules=rules)

    async def rule_page(request: Request) -> HTMLResponse:
        from codecheck.registry import default_registry

        session_of(request)
        registry = default_registry()
        try:
            rule = registry.rule(request.path_params["rule"])
        except KeyError:
            raise HTTPException(404, f"There is no rule {request.path_params['rule']!r}. The rules page lists them all.")
        return page(request, "rule.html", rule=rule, words=rule.words())

    def upload_of(request: Request, session: Session):
        upload = session.uploads.get(request.path_params["file"])
        if upload is None:
            raise HTTPException(404, "That file is no longer here: add it again on the start page.")
        if upload.kind != "cases":
            raise HTTPException(404, f"{upload.name} is not a case-record export, so it has no columns to map.")
        return upload

    async def mapping(request: Request) -> Response:
        session = session_of(request)
        upload = upload_of(request, session)
        params = request.query_params
        chosen, order = mapping_page.from_form(params) if "date_order" in params else (None, None)
        try:
            view = await run_in_threadpool(mapping_page.build, upload, chosen, order, config)
        except CodecheckError as exc:
            return page(request, "error.html", status=422, title=f"Cannot map {upload.name}",
                        message=getattr(exc, "message", str(exc)))
        return page(request, "mapping.html", upload=upload, view=view, saved=request.query_params.get("saved"))

    async def save_mapping(request: Request) -> Response:
        session, form = await posted(request)
        upload = upload_of(request, session)
        chosen, order = mapping_page.from_form(form)
        errors = mapping_page.problems(chosen, order)
        if errors or form.get("action") == "preview":
            view = await run_in_threadpool(mapping_page.build, upload, chosen, order, config)
            return page(request, "mapping.html", status=422 if errors and form.get("action") != "preview" else 200,
                        upload=upload, view=view, saved=None)
        if form.get("action") == "reset":
            upload.columns = upload.date_order = None
        else:
            upload.columns, upload.date_order = chosen, order
        session.results = None
        return redirect(f"/files/{upload.id}/mapping", saved="1")

    async def mapping_yaml(request: Request) -> Response:
        session = session_of(request)
        upload = upload_of(request, session)
        chosen, order = mapping_page.from_form(request.query_params) if "date_order" in request.query_params \
            else (upload.columns or {}, upload.date_order)
        errors = mapping_page.problems(chosen, order)
        if errors:
            view = await run_in_threadpool(mapping_page.build, upload, chosen, order, config)
            return page(request, "mapping.html", status=422, upload=upload, view=view, saved=None)
        return Response(mapping_page.yaml_text(upload, chosen, order), media_type="application/yaml; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="codecheck.yaml"'})

    # -- errors --------------------------------------------------------------------------

    async def refused(request: Request, exc: Refused) -> HTMLResponse:
        return page(request, "error.html", status=exc.status, title="Not done", message=exc.message)

    async def http_error(request: Request, exc: HTTPException) -> HTMLResponse:
        title = {404: "Not found", 405: "Not allowed"}.get(exc.status_code, "Not done")
        message = exc.detail if exc.status_code != 405 else "Use the buttons on the page."
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = "There is no such page. Go back to the start page."
        return page(request, "error.html", status=exc.status_code, title=title, message=message)

    async def failed(request: Request, exc: Exception) -> HTMLResponse:
        return page(request, "error.html", status=500, title="codecheck failed",
                    message=f"codecheck failed ({type(exc).__name__}: {exc}); this is a bug, please report it. "
                            "Your files are unchanged.")

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            workspace.close()

    routes = [
        Route("/", home),
        Route("/upload", upload, methods=["POST"]),
        Route("/remove", remove, methods=["POST"]),
        Route("/check", check, methods=["POST"]),
        Route("/results", results),
        Route("/results.{fmt:str}", download),
        Route("/report.html", board_report),
        Route("/rules", rules_index),
        Route("/rules/{rule:str}", rule_page),
        Route("/files/{file:str}/mapping", mapping),
        Route("/files/{file:str}/mapping", save_mapping, methods=["POST"]),
        Route("/files/{file:str}/codecheck.yaml", mapping_yaml),
        Mount("/static", StaticFiles(packages=[("codecheck.serve", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or list(LOOPBACK) + ["testserver"])],
                    exception_handlers={Refused: refused, HTTPException: http_error, Exception: failed})
    app.state.workspace = workspace
    return app


def redirect(path: str, **params) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


def filters(request: Request) -> dict[str, str]:
    params = request.query_params
    severity = params.get("severity", "")
    return {"severity": severity if severity in ("error", "warning", "info") else "",
            "provision": params.get("provision", "").strip()[:20],
            "file": params.get("file", "")[:200]}


def filtered(findings: list[Finding], chosen: dict[str, str]) -> list[Finding]:
    out = findings
    if chosen["severity"]:
        out = [f for f in out if f.severity.label == chosen["severity"]]
    if p := chosen["provision"]:
        if p == "none":
            out = [f for f in out if not f.provision]
        else:
            out = [f for f in out if f.provision and (f.provision == p or f.provision.startswith((p + ".", p + "(")))]
    if chosen["file"]:
        out = [f for f in out if f.path == chosen["file"]]
    return out


def file_order(session: Session, res) -> list[str]:
    names = [u.name for u in session.uploads.values()]
    seen = {s.path for s in res.files} | {f.path for f in res.findings} | {p.path for p in res.problems}
    return [n for n in names if n in seen] + sorted(seen - set(names))


def location(f: Finding) -> str:
    if f.row is not None:
        where = f"row {f.row}"
        if f.case_id:
            where += f", case {f.case_id}"
        if f.column:
            where += f", column {f.column}"
        return where
    if f.location:
        return f.location
    parts = []
    if f.page is not None:
        parts.append(f"page {f.page}")
    if f.line is not None:
        parts.append(f"line {f.line}")
    if f.paragraph is not None:
        parts.append(f"paragraph {f.paragraph}")
    if parts:
        return ", ".join(parts)
    return "not found in the document" if f.omission else "the whole file"


def provision_label(provision: str | None) -> str:
    return f"Code {provision}" if provision else "Not a Code provision: the file's data or wording"


def _copy_with(res, findings):
    from codecheck.results import Results

    part = Results(as_of=res.as_of, rules=res.rules, findings=list(findings), files=res.files)
    return part


def xlsx_bytes(results) -> bytes:
    """The findings as an Excel workbook: the CSV download's columns, formula-safe, a frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from codecheck.formatters.csv import safe_cell
    from codecheck.formatters.json import FINDING_KEYS, finding_record

    book = Workbook()
    sheet = book.active
    sheet.title = "Findings"
    sheet.append(list(FINDING_KEYS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for f in results.sorted_findings():
        record = finding_record(f)
        sheet.append([safe_cell(record[k]) for k in FINDING_KEYS])
    sheet.freeze_panes = "A2"
    widths = {"rule": 9, "provision": 10, "severity": 9, "message": 90, "path": 40, "location": 30}
    for i, key in enumerate(FINDING_KEYS):
        sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width = widths.get(key, 12)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
