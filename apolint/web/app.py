"""`apolint serve`: the page and `POST /api/check` on Starlette, served by uvicorn.

A local server is reachable by every web page the user visits, so it is locked down by default:
- it binds 127.0.0.1 unless told otherwise (and says so loudly when it is);
- a request whose Host is not one of the server's own names is refused (421): a DNS-rebinding page
  would arrive with its own host name;
- a request whose Origin is not the server's own page, or that the browser marks as cross-site, is
  refused (403): another site's page may send a request here but must not be answered;
- `POST /api/check` takes only `application/json` (a cross-site form cannot send it without a
  preflight the server never approves) and at most MAX_BODY bytes (413);
- no request names a file: the page and its assets are a fixed list read from the package, the
  check lints only the text sent, and the configuration is the one found when the server started;
- every answer carries a strict Content-Security-Policy (scripts and connections to this origin
  only, no inline script, no framing), and the page writes user text only as text.
"""
from __future__ import annotations

import json
import logging
import socket
import sys
from importlib import resources

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .service import CheckService, RequestError, parse_request

log = logging.getLogger("apolint.serve")

MAX_BODY = 256 * 1024  # an announcement is a few kilobytes; a post-mortem rarely passes 50 KB
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
STATIC = {  # URL path → (file in apolint/web/static, media type); nothing else is ever read
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
    "/static/icon.svg": ("icon.svg", "image/svg+xml"),
}
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_hosts(host: str, port: int, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The Host header values this server answers: its loopback names, the address it was bound to
    (unless a wildcard) and the names given with --allow-host, each with the port."""
    names = set(LOOPBACK_NAMES) | {n.strip().lower() for n in extra if n.strip()}
    if host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host}]" if ":" in host else host.lower())
    return frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else frozenset())


class SecurityMiddleware:
    """Refuses foreign Host and Origin headers and adds the security headers to every answer."""

    def __init__(self, app, hosts: frozenset[str]):
        self.app = app
        self.hosts = hosts
        self.origins = frozenset(f"http://{h}" for h in hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        async def send_secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        host = headers.get("host", "").strip().lower()
        if host not in self.hosts:
            response = _error(421, f"this server answers only for {', '.join(sorted(self.hosts))}, "
                                   f"not for Host {host or '(none)'}; start it with --allow-host to add a name")
            return await response(scope, receive, send_secured)
        origin = headers.get("origin")
        if (origin is not None and origin.lower() not in self.origins) or headers.get("sec-fetch-site") == "cross-site":
            response = _error(403, f"requests from another site's page are refused (Origin {origin or 'cross-site'})")
            return await response(scope, receive, send_secured)
        await self.app(scope, receive, send_secured)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(service: CheckService, hosts: frozenset[str]) -> Starlette:
    static_root = resources.files("apolint.web") / "static"

    async def static(request: Request) -> Response:
        name, media_type = STATIC[request.url.path]
        return Response((static_root / name).read_bytes(), media_type=media_type,
                        headers={"cache-control": "no-cache"})

    async def options(request: Request) -> Response:
        return JSONResponse(service.options())

    async def check(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _error(415, "send the draft as JSON with Content-Type: application/json")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return _error(413, f"the body is {int(declared)} bytes; the limit is {MAX_BODY} bytes "
                               "(an announcement is never this long)")
        body = bytearray()
        async for chunk in request.stream():  # a chunked body has no Content-Length to trust
            body += chunk
            if len(body) > MAX_BODY:
                return _error(413, f"the body is over the limit of {MAX_BODY} bytes (an announcement is never this long)")
        try:
            data = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            return _error(400, "the body is not UTF-8")
        except json.JSONDecodeError as exc:
            return _error(400, f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        try:
            text, opts = parse_request(data)
        except RequestError as exc:
            return _error(400, str(exc))
        try:
            answer = await anyio.to_thread.run_sync(service.check, text, opts)
        except Exception as exc:  # a bug in a rule or the engine: say so, log it, keep serving
            log.exception("check failed")
            return _error(500, f"the check failed: {type(exc).__name__}: {exc}")
        return JSONResponse(answer)

    routes = [Route(path, static, methods=["GET"]) for path in STATIC]
    routes += [Route("/api/options", options, methods=["GET"]), Route("/api/check", check, methods=["POST"])]
    app = Starlette(routes=routes)
    app.add_middleware(SecurityMiddleware, hosts=hosts)
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the app is built so that port 0 gets its real port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    # Accepted connections inherit this: uvicorn writes an answer's headers and body apart, and with
    # Nagle's algorithm on, the body would wait for the client's delayed ACK (40 ms on a kept-alive
    # connection, measured by bench/web.py).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.set_inheritable(True)
    return sock


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def run(service: CheckService, host: str, port: int, allow_host: tuple[str, ...] = (),
        open_browser: bool = False) -> None:
    import uvicorn

    sock = bind(host, port)
    port = sock.getsockname()[1]
    hosts = allowed_hosts(host, port, allow_host)
    app = create_app(service, hosts)
    if not is_loopback(host):
        print(f"warning: serving on {host}, not 127.0.0.1: every machine that can reach this one can send drafts "
             f"to it. Requests are answered only for Host {', '.join(sorted(hosts))}; add names with --allow-host.",
              file=sys.stderr, flush=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"apolint serve: {url} (Ctrl+C to stop)", flush=True)
    if open_browser:
        import webbrowser

        sock.listen()  # the browser's first request waits in the backlog until uvicorn accepts it
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
