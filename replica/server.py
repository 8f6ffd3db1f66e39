"""Serve a :class:`~replica.model.Site` over HTTP/1.1 on a background thread."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .app import Response, SiteApp
from .model import Site


def _accepts_gzip(header: str | None) -> bool:
    if not header:
        return False
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() in ("gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return True
            return True
    return False


def _not_modified(resp: Response, inm: str | None, ims: str | None) -> bool:
    if resp.status != 200:
        return False
    if inm is not None:
        if resp.etag is None:
            return False
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or resp.etag in tags
    if ims is not None and resp.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        lm = resp.last_modified.astimezone(UTC).replace(microsecond=0)
        return since >= lm
    return False


def _host_name(header: str | None) -> str:
    """The name of a Host header, without its port, lower-cased."""
    name = (header or "").strip().lower()
    if name.startswith("["):  # an IPv6 literal
        return name.partition("]")[0] + "]"
    return name.partition(":")[0]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small separate writes (headers, then body) would meet Nagle + delayed ACK (40 ms
    # stalls on kept-alive connections): no Nagle, and a write buffer flushed per request.
    disable_nagle_algorithm = True
    wbufsize = 1 << 18
    server_version = "nginx"
    sys_version = ""
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._send(Response(405, b"Method Not Allowed", "text/plain"), head=False, gz=False)

    def _serve(self, head: bool) -> None:
        received = time.time()
        owner = self.server.owner
        try:
            if (alias := owner.www_alias) and _host_name(self.headers.get("Host")) == alias:
                # WordPress's redirect_canonical: the site's other host name answers with
                # a permanent redirect to the same path on the site's own.
                resp = owner.app._redirect(owner.base_url + self.path)
            else:
                resp = owner.app.handle(self.path)
        except Exception:  # a bug in the replica: answer 500 rather than hang the client
            owner.errors += 1
            resp = Response(500, b"Internal Server Error", "text/plain", cacheable=False)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if _not_modified(resp, inm, ims):
            resp = Response(
                304,
                b"",
                None,
                headers=[h for h in resp.all_headers() if h[0] in ("ETag", "Last-Modified")],
            )
        gz = _accepts_gzip(self.headers.get("Accept-Encoding"))
        if resp.delay:
            time.sleep(resp.delay)
        self._send(resp, head=head, gz=gz)
        owner._log(
            {
                "method": self.command,
                "path": self.path,
                "host": self.headers.get("Host"),
                "status": resp.status,
                "user_agent": self.headers.get("User-Agent"),
                "if_none_match": inm,
                "if_modified_since": ims,
                "received": received,
                "time": time.time(),
            }
        )

    def _send(self, resp: Response, head: bool, gz: bool) -> None:
        self.send_response(resp.status)
        for k, v in resp.all_headers():
            self.send_header(k, v)
        if resp.status == 304:
            self.end_headers()
            return
        body = resp.body
        if resp.content_type and resp.content_type.startswith(("text/", "application/")):
            self.send_header("Vary", "Accept-Encoding")
            already = any(k.lower() == "content-encoding" for k, _ in resp.headers)
            if gz and body and not already:
                body = resp.gzipped()
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: ReplicaServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (a crawler's timeout, a cancelled download) is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._track(request, True)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._track(request, False)
        super().shutdown_request(request)


class ReplicaServer:
    """``ReplicaServer(site, host, port=0).start()``; ``.base_url``; ``.stop()``.

    The socket is bound in the constructor, so ``base_url`` (and ``site.base_url``,
    which the server sets) are known before ``start()``.

    ``name`` serves the site under a host name instead of the address (the crawl must
    then resolve it to ``host``, e.g. tests' ``LoopbackResolver`` for ``*.test``), and
    ``www.<name>`` as the real site's second name, which redirects to ``name``.
    """

    def __init__(
        self, site: Site, host: str = "127.0.0.1", port: int = 0, *, name: str | None = None
    ) -> None:
        self.site = site
        self.app = SiteApp(site)
        self.errors = 0
        self._log_lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.owner = self
        self.host = host
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{name or host}:{self.port}"
        self.www_alias = f"www.{name.lower()}" if name else None
        site.base_url = self.base_url
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ReplicaServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"replica-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        with self._conns_lock:
            conns = list(self._conns)
            self._conns.clear()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (used by the CLI)."""
        self._httpd.serve_forever(poll_interval=0.2)

    # ------------------------------------------------------------------ request log
    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._conns_lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def _log(self, entry: dict[str, Any]) -> None:
        with self._log_lock:
            self._entries.append(entry)

    @property
    def request_log(self) -> list[dict[str, Any]]:
        """A snapshot (copy) of the requests served so far, oldest first."""
        with self._log_lock:
            return list(self._entries)

    def clear_log(self) -> None:
        with self._log_lock:
            self._entries.clear()
