"""HTTP front end: the Bot API wire format on a ThreadingHTTPServer bound to 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .state import UploadedFile

# Parameters whose value is a JSON-serialised object/array on the wire.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "text_entities",
        "explanation_entities",
        "question_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "media",
        "results",
        "permissions",
        "reaction",
        "menu_button",
        "options",
        "correct_option_ids",
        "message_ids",
        "rights",
        "button",
    }
)
INT_FIELDS = frozenset(
    {
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "from_chat_id",
        "user_id",
        "offset",
        "limit",
        "cache_time",
        "max_connections",
        "until_date",
        "duration",
        "width",
        "height",
        "open_period",
        "close_date",
        "correct_option_id",
    }
)
FLOAT_FIELDS = frozenset({"timeout"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "is_personal",
        "for_channels",
        "is_anonymous",
        "allows_multiple_answers",
        "is_closed",
    }
)
_INT_RE = re.compile(r"-?\d+")


def normalize_params(raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Decode wire strings into the types the Bot API expects (JSON fields, ints, bools, attach://)."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if value.startswith("attach://") and value[len("attach://") :] in files:
                value = files[value[len("attach://") :]]
            elif key in JSON_FIELDS:
                # left as a string when invalid: the method refuses it with Telegram's "can't parse" text
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif (key in INT_FIELDS or key == "chat_id") and _INT_RE.fullmatch(value):
                value = int(value)
            elif key in FLOAT_FIELDS:
                with contextlib.suppress(ValueError):
                    value = float(value)
            elif key in BOOL_FIELDS:
                value = value.lower() in ("true", "1")
        params[key] = value
    for name, upload in files.items():
        if name not in params:
            params[name] = upload
    return params


def _parse_header_params(header: str) -> tuple[str, dict[str, str]]:
    main, _, rest = header.partition(";")
    out: dict[str, str] = {}
    for m in re.finditer(r'\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))\s*;?', rest):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1).lower()] = value.replace('\\"', '"').replace("\\\\", "\\")
    return main.strip().lower(), out


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, data = part.partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        _, disposition = _parse_header_params(headers.get("content-disposition", ""))
        field_name = unquote(disposition.get("name", ""))
        if "filename" in disposition or "filename*" in disposition:
            filename = disposition.get("filename", "")
            if "filename*" in disposition:
                filename = unquote(disposition["filename*"].split("''", 1)[-1])
            filename = filename.replace("%22", '"')
            files[field_name] = UploadedFile(
                filename, data, headers.get("content-type", "application/octet-stream")
            )
        else:
            fields[field_name] = data.decode("utf-8")
    return fields, files


RequestHandler = Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]
FileLookup = Callable[[str, str], bytes | None]


class FakeTelegramServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, on_request: RequestHandler, on_file: FileLookup) -> None:
        self.on_request = on_request
        self.on_file = on_file
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-telegram", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stalls
    server: FakeTelegramServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/file/bot"):
            self._serve_file(path[len("/file/bot") :])
        else:
            self._serve_api()

    def do_POST(self) -> None:
        self._serve_api()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up (e.g. a cancelled long poll); Telegram would drop the answer too
            self.close_connection = True

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json")

    def _serve_api(self) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        m = re.fullmatch(r"/bot([^/]*)/([A-Za-z0-9_]*)/?", url.path)
        if m is None:
            self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = m.group(1), m.group(2)
        raw: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        content_type, ct_params = _parse_header_params(self.headers.get("Content-Type", ""))
        try:
            if content_type == "application/json" and body.strip():
                decoded = json.loads(body)
                if not isinstance(decoded, dict):
                    raise ValueError("JSON body must be an object")
                raw.update(decoded)
            elif content_type == "multipart/form-data":
                fields, files = parse_multipart(body, ct_params.get("boundary", ""))
                raw.update(fields)
            elif body:
                raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except (ValueError, UnicodeDecodeError):
            self._send_json(
                400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request body"}
            )
            return
        status, payload = self.server.on_request(token, method, normalize_params(raw, files))
        self._send_json(status, payload)

    def _serve_file(self, rest: str) -> None:
        # PTB percent-encodes the whole URL path, including the ':' of the token
        token, _, file_path = unquote(rest).partition("/")
        data = self.server.on_file(token, file_path)
        if data is None:
            self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        else:
            self._send(200, data, "application/octet-stream")
