"""`codecheck serve`: the checks in a local web page, for people who do not use a terminal.

The server (uvicorn) listens on 127.0.0.1 unless --host says otherwise; it makes no connection out.
The browser is opened with the system's own handler for web addresses (``click.launch``)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from codecheck.cli.common import fail

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port to serve on [default: a free one].")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this computer can reach 127.0.0.1; any other address lets other "
                   "computers on the network upload files and read findings (a warning is printed).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a web browser.")
@click.option("--max-upload-mb", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="The largest upload (all files added at once), in MB.")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="The configuration every upload is checked with (column mapping, region, closure days, "
                   "severities...) [default: the codecheck.yaml or pyproject.toml found from this folder up].")
def serve(port: int, host: str, no_browser: bool, max_upload_mb: int, config_path: Path | None) -> None:
    """Check files in a web page on this computer: add files, read the findings, download them.

    Files are kept in a private temporary folder, deleted when the server stops (Ctrl-C). Uploads
    are checked with the configuration found as `codecheck check` finds it (or --config); a column
    mapping made on the page takes the place of its columns for that file."""
    from codecheck.config import load_config
    from codecheck.errors import CodecheckError

    try:
        config = load_config(config_path)
    except CodecheckError as exc:
        fail(str(exc))
    try:
        import uvicorn

        from codecheck.serve.app import create_app
        from codecheck.serve.workspace import Workspace
    except ImportError as exc:  # an install without the web dependencies
        fail(f"codecheck serve needs {exc.name}: pip install 'starlette' 'uvicorn' 'jinja2' 'python-multipart'")
    loopback = host in LOOPBACK
    shown = f"[{host}]" if ":" in host else host
    if not loopback:
        click.echo(f"codecheck: WARNING: serving on {host}, not only this computer: anyone who can reach it can "
                   "upload files and read the findings. Use this only on a network you trust.", err=True)

    def started(actual_port: int) -> None:
        url = f"http://{shown}:{actual_port}/"
        click.echo(f"codecheck serve: open {url} in a web browser (Ctrl-C to stop; uploaded files are deleted then)")
        click.echo(f"codecheck serve: checking with the configuration in {config.source}" if config.source
                   else "codecheck serve: no codecheck.yaml found here: checking with the defaults")
        if not no_browser:
            click.launch(url)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            try:
                await super().startup(sockets)
            except SystemExit:  # uvicorn could not listen (it has said why to the "uvicorn.error" logger)
                raise NotStarted(errors.reason()) from None
            started(self.servers[0].sockets[0].getsockname()[1])

    errors = _Errors()
    server_log = logging.getLogger("uvicorn.error")
    server_log.addHandler(errors)
    server_log.propagate = False
    workspace = Workspace()
    try:  # from here on, whatever stops the server (Ctrl-C included), the uploads are deleted
        app = create_app(workspace, max_upload_mb=max_upload_mb, config=config,
                         allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]"] if loopback else ["*"])
        Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="on")).run()
    except KeyboardInterrupt:  # uvicorn stops gracefully on Ctrl-C, then raises it again: the normal way to stop
        pass
    except NotStarted as exc:
        workspace.close()
        fail(f"cannot serve on {host}:{port}: {exc}"
             + (" (choose another port with --port, or leave it out for a free one)" if "in use" in str(exc) else ""))
    finally:
        workspace.close()
        server_log.removeHandler(errors)
    click.echo("codecheck serve: stopped; uploaded files deleted")


class NotStarted(Exception):
    """The server could not listen on the address and port asked for."""


class _Errors(logging.Handler):
    """Keeps the server's error messages (never a traceback on the terminal): the one that stopped it
    from starting becomes codecheck's one-line error."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def reason(self) -> str:
        if not self.messages:
            return "the server did not start"
        text = self.messages[-1]
        return text.split(": ", 1)[-1] if text.startswith("[Errno") else text
