"""Fault-injecting, request-counting HTTP proxy between MediaOps (or any S3 client) and moto.

Test harness only: nothing here ships in the module. Loopback only, bounded.

    python3 tests/tools/fault_proxy.py --upstream http://127.0.0.1:5000 [--port 0] [--config '{...}']

prints "fault-proxy listening on http://127.0.0.1:<port>" once ready. The client gets the proxy's URL
as its endpoint (path-style). Control endpoints (never forwarded):

    GET  /__proxy/stats    counters: requests by "METHOD Operation", faults injected, checksums verified (by algorithm, and by "algorithm Operation"),
                           request body framing (content-length, chunked, aws-chunked)
    GET  /__proxy/config   the live configuration
    POST /__proxy/config   JSON object merged into the configuration (rule state is reset)
    POST /__proxy/reset    zero the counters and rule state
    GET  /__proxy/held     requests held by "hold:<name>" rules: {"waiting": {name: n}, "total": {name: n}}
    POST /__proxy/release  body {"name": "<name>"}: let the requests held under that name go on (and later
                           ones of that name pass at once); a test changes the disk while one is held

Configuration keys:
    fault_rate   share of forwarded requests (0..1) that get a fault drawn from fault_kinds
    fault_kinds  any of "503" (SlowDown), "500" (InternalError), "drop" (close before forwarding),
                 "drop_after" (forward, then close without answering)
    fault_ops    operations the random faults apply to (empty: all)
    max_faults   cap on random faults (null: no cap)
    seed         random seed (faults are reproducible)
    rules        targeted faults, in order: {"op": "ListObjectsV2", "match": "<regex on path?query>",
                 "nth": 2, "sticky": true, "times": null, "action": "500"} — fires on the nth matching
                 request; sticky: also on every later request for the same path?query (a retried page);
                 times caps the injections; action is a fault kind above or "corrupt" (flip one body byte
                 before forwarding), "delay:<ms>" (hold the request, then forward it) or "throttle:<KiB/s>"
                 (forward, then trickle the response body, e.g. to kill a client mid-download) or
                 "corrupt_response" (flip one byte in the middle of the response body, e.g. of a GetObject),
                 "hold:<name>" (hold the request before forwarding it until POST /__proxy/release names it:
                 a race the test controls, no sleeps) or "stall:<bytes>" (forward, relay the response head
                 and that many body bytes, then send nothing more until the client gives up; on a request
                 with a body, an upload: read that many body bytes, then read nothing more and never answer,
                 nothing is forwarded) or
                 "hold_body:<name>" (forward, relay the response head and half the body, hold the rest until
                 released: the client is mid-download while the test changes the disk)
                 or "listing:<how>" (forward a ListObjectsV2, then rewrite the answer as a broken server would:
                 out_of_order: swap the first two keys; repeat: list the first key twice; no_token: truncated
                 without a continuation token; outside_prefix: the first key moved outside the prefix;
                 no_truncation_flag: IsTruncated removed; not_xml: a 200 body that is not XML; cut: the body
                 cut in half; control_char: a raw U+0001 in the first key, as a server that ignores
                 encoding-type=url would send it)
    verify_checksums  check Content-MD5, x-amz-checksum-* (header or aws-chunked trailer) and a hex
                 x-amz-content-sha256 against the body, and answer 400 BadDigest on a mismatch, as AWS does
                 (moto does not)
    max_buffer   bodies up to this size are buffered (verified, corruptible); larger ones are streamed
"""
import argparse
import asyncio
import base64
import hashlib
import json
import random
import re
import sys
import zlib
from urllib.parse import parse_qsl, urlsplit

MAX_HEADER_BYTES = 64 * 1024
MAX_CONNECTIONS = 512
IDLE_TIMEOUT = 300.0
STREAM_CHUNK = 256 * 1024

DEFAULT_CONFIG = {
    "fault_rate": 0.0,
    "fault_kinds": ["503", "500", "drop"],
    "fault_ops": [],
    "max_faults": None,
    "seed": 1,
    "rules": [],
    "verify_checksums": True,
    "max_buffer": 64 * 1024 * 1024,
}

ERROR_BODIES = {
    "503": (503, "Service Unavailable", "SlowDown", "Please reduce your request rate."),
    "500": (500, "Internal Server Error", "InternalError", "We encountered an internal error. Please try again."),
}


# ---------------------------------------------------------------- S3 operation names (path-style)

_BUCKET_SUBRESOURCES = ["uploads", "versions", "location", "policy", "versioning", "encryption", "lifecycle",
                        "publicAccessBlock", "ownershipControls", "tagging", "acl", "cors", "website",
                        "logging", "notification", "replication", "policyStatus", "object-lock", "accelerate",
                        "requestPayment", "analytics", "inventory", "metrics", "intelligent-tiering"]


def _cap(name):
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name))


def classify(method, target, headers=None):
    """The S3 (or STS) operation a path-style request performs, e.g. 'ListObjectsV2', 'UploadPart'."""
    headers = headers or {}
    parts = urlsplit(target)
    path = parts.path or "/"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    segments = path.lstrip("/").split("/", 1)
    bucket = segments[0]
    has_key = len(segments) > 1 and segments[1] != ""
    if not bucket:
        if method == "GET":
            return "ListBuckets"
        return "Sts" if method == "POST" else f"{method}Root"
    if not has_key:
        if method == "GET":
            if query.get("list-type") == "2":
                return "ListObjectsV2"
            for sub in _BUCKET_SUBRESOURCES:
                if sub in query:
                    return {"uploads": "ListMultipartUploads", "versions": "ListObjectVersions"}.get(sub, "GetBucket" + _cap(sub))
            return "ListObjects"
        if method == "HEAD":
            return "HeadBucket"
        if method == "POST" and "delete" in query:
            return "DeleteObjects"
        if method in ("PUT", "DELETE"):
            verb = "Put" if method == "PUT" else "Delete"
            for sub in _BUCKET_SUBRESOURCES:
                if sub in query:
                    return f"{verb}Bucket{_cap(sub)}"
            return "CreateBucket" if method == "PUT" else "DeleteBucket"
        return f"{method}Bucket"
    copy = "x-amz-copy-source" in headers
    if method == "PUT":
        if "partNumber" in query and "uploadId" in query:
            return "UploadPartCopy" if copy else "UploadPart"
        if "tagging" in query:
            return "PutObjectTagging"
        if "acl" in query:
            return "PutObjectAcl"
        return "CopyObject" if copy else "PutObject"
    if method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
        return "PostObject"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    if method == "GET":
        if "uploadId" in query:
            return "ListParts"
        for sub in ("tagging", "acl", "attributes", "retention", "legal-hold"):
            if sub in query:
                return "GetObject" + _cap(sub)
        return "GetObject"
    if method == "HEAD":
        return "HeadObject"
    return f"{method}Object"


# ---------------------------------------------------------------- checksums

def _crc_table(poly, width):
    mask = (1 << width) - 1
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc & mask)
    return table


_CRC32C_TABLE = _crc_table(0x82F63B78, 32)
_CRC64NVME_TABLE = _crc_table(0x9A6C9329AC4BC9B5, 64)


def _reflected_crc(data, table, mask):
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def checksum(algorithm, data):
    """base64 digest as S3 carries it in Content-MD5 / x-amz-checksum-<algorithm>."""
    if algorithm == "md5":
        raw = hashlib.md5(data).digest()
    elif algorithm == "sha1":
        raw = hashlib.sha1(data).digest()
    elif algorithm == "sha256":
        raw = hashlib.sha256(data).digest()
    elif algorithm == "crc32":
        raw = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")
    elif algorithm == "crc32c":
        raw = _reflected_crc(data, _CRC32C_TABLE, 0xFFFFFFFF).to_bytes(4, "big")
    elif algorithm == "crc64nvme":
        raw = _reflected_crc(data, _CRC64NVME_TABLE, 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")
    else:
        return None
    return base64.b64encode(raw).decode("ascii")


def decode_aws_chunked(body):
    """(payload, trailers, [(data_start, data_len)]) of an aws-chunked body; raises ValueError if malformed."""
    payload = bytearray()
    spans = []
    pos = 0
    while True:
        eol = body.index(b"\r\n", pos)
        size = int(body[pos:eol].split(b";", 1)[0].strip(), 16)
        pos = eol + 2
        if size == 0:
            break
        spans.append((pos, size))
        payload += body[pos:pos + size]
        pos += size
        if body[pos:pos + 2] != b"\r\n":
            raise ValueError("aws-chunked chunk not terminated by CRLF")
        pos += 2
    trailers = {}
    for line in body[pos:].split(b"\r\n"):
        if b":" in line:
            name, value = line.split(b":", 1)
            trailers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return bytes(payload), trailers, spans


# ---------------------------------------------------------------- HTTP plumbing

class Request:
    def __init__(self, method, target, version, header_lines):
        self.method = method
        self.target = target
        self.version = version
        self.header_lines = header_lines  # [(name, value)] in order, original case
        self.headers = {n.lower(): v for n, v in header_lines}
        self.op = classify(method, target, self.headers)
        self.kind = f"{method} {self.op}"

    def head_bytes(self, drop=()):
        lines = [f"{self.method} {self.target} {self.version}"]
        lines += [f"{n}: {v}" for n, v in self.header_lines if n.lower() not in drop]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_head(reader):
    data = await reader.readuntil(b"\r\n\r\n")
    if len(data) > MAX_HEADER_BYTES:
        raise ValueError("header too large")
    lines = data.decode("latin-1").split("\r\n")
    start = lines[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return start, headers


async def read_chunked(reader):
    """De-chunks a Transfer-Encoding: chunked body: (payload, trailer_bytes)."""
    payload = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            break
        payload += await reader.readexactly(size)
        await reader.readexactly(2)
    trailer = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        if line == b"\r\n":
            break
        trailer += line
    return bytes(payload), bytes(trailer)


async def relay_chunked(reader, writer):
    while True:
        line = await reader.readuntil(b"\r\n")
        writer.write(line)
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while True:
                tline = await reader.readuntil(b"\r\n")
                writer.write(tline)
                if tline == b"\r\n":
                    return
        await relay_exact(reader, writer, size + 2)


async def relay_exact(reader, writer, length, rate=None, flip_at=None):
    """Copies exactly length bytes; with rate (bytes/s) in small, paced chunks; flip_at: the offset of a byte to invert."""
    remaining = length
    step = STREAM_CHUNK if rate is None else max(1024, min(STREAM_CHUNK, rate // 10))
    while remaining > 0:
        chunk = await reader.read(min(step, remaining))
        if not chunk:
            raise ConnectionError("peer closed mid-body")
        offset = length - remaining
        if flip_at is not None and offset <= flip_at < offset + len(chunk):
            chunk = bytearray(chunk)
            chunk[flip_at - offset] ^= 0xFF
            chunk = bytes(chunk)
        writer.write(chunk)
        remaining -= len(chunk)
        await writer.drain()
        if rate:
            await asyncio.sleep(len(chunk) / rate)


def error_response(status, reason, code, message, resource="", close=False):
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<Resource>{resource}</Resource><RequestId>FAULTPROXY</RequestId></Error>").encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"x-amz-request-id: FAULTPROXY\r\n" + ("Connection: close\r\n" if close else "") + "\r\n")
    return head.encode() + body


def json_response(obj, status=200):
    body = json.dumps(obj, indent=1, sort_keys=True).encode()
    return (f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


# ---------------------------------------------------------------- the proxy

class FaultProxy:
    def __init__(self, upstream_host, upstream_port, config):
        self.upstream = (upstream_host, upstream_port)
        self.config = dict(DEFAULT_CONFIG)
        self.gates = {}   # hold name -> asyncio.Event, set once released
        self.held = {"waiting": {}, "total": {}}
        self.apply_config(config or {})
        self.reset_stats()
        self.slots = asyncio.Semaphore(MAX_CONNECTIONS)

    def apply_config(self, update):
        unknown = set(update) - set(DEFAULT_CONFIG)
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        self.config.update(update)
        for gate in self.gates.values():
            gate.set()  # a new configuration never leaves a request held
        self.gates = {}
        self.random = random.Random(self.config["seed"])
        self.rule_state = [{"seen": 0, "fired": 0, "target": None} for _ in self.config["rules"]]
        self.random_faults = 0

    def reset_stats(self):
        self.stats = {"requests": {}, "operations": {}, "faults": {}, "total": 0, "injected": 0, "corrupted": 0,
                      "bad_digest": 0, "verified": {}, "verified_by_op": {}, "framing": {}, "unverified_bodies": 0, "bytes_up": 0, "connections": 0}
        if hasattr(self, "config"):
            self.rule_state = [{"seen": 0, "fired": 0, "target": None} for _ in self.config["rules"]]
            self.random_faults = 0

    def gate(self, name):
        if name not in self.gates:
            self.gates[name] = asyncio.Event()
        return self.gates[name]

    async def hold(self, name):
        """Waits until a test releases <name> (POST /__proxy/release); counted in /__proxy/held meanwhile."""
        for table in ("waiting", "total"):
            self.held[table][name] = self.held[table].get(name, 0) + 1
        try:
            await self.gate(name).wait()
        finally:
            self.held["waiting"][name] -= 1

    def count(self, table, key, n=1):
        self.stats[table][key] = self.stats[table].get(key, 0) + n

    def decide(self, req):
        """The fault for this request: None, a fault kind, 'corrupt' or 'delay:<ms>'."""
        for rule, state in zip(self.config["rules"], self.rule_state):
            if rule.get("op") not in (None, "*", req.op):
                continue
            if rule.get("match") and not re.search(rule["match"], req.target):
                continue
            state["seen"] += 1
            times = rule.get("times")
            if times is not None and state["fired"] >= times:
                continue
            nth = rule.get("nth")
            if nth is None or state["seen"] == nth or (rule.get("sticky") and state["target"] == req.target):
                state["fired"] += 1
                state["target"] = req.target
                return str(rule.get("action", "500"))
        ops = self.config["fault_ops"]
        cap = self.config["max_faults"]
        if (self.config["fault_rate"] > 0 and (not ops or req.op in ops)
                and (cap is None or self.random_faults < cap)
                and self.random.random() < self.config["fault_rate"]):
            self.random_faults += 1
            return self.random.choice(self.config["fault_kinds"])
        return None

    # -- client side

    async def handle_client(self, reader, writer):
        async with self.slots:
            self.stats["connections"] += 1
            upstream = None
            try:
                while True:
                    try:
                        start, header_lines = await asyncio.wait_for(read_head(reader), IDLE_TIMEOUT)
                    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
                        return
                    method, target, version = start.split(" ", 2)
                    req = Request(method, target, version, header_lines)
                    if target.startswith("/__proxy/"):
                        await self.control(req, reader, writer)
                        continue
                    keep, upstream = await self.handle_request(req, reader, writer, upstream)
                    if not keep:
                        return
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as ex:
                print(f"fault-proxy: connection ended: {type(ex).__name__}: {ex}", file=sys.stderr, flush=True)
            finally:
                if upstream:
                    upstream[1].close()
                writer.close()

    async def control(self, req, reader, writer):
        length = int(req.headers.get("content-length", "0") or 0)
        body = await reader.readexactly(length) if length else b""
        path = urlsplit(req.target).path
        try:
            if path == "/__proxy/stats":
                writer.write(json_response(self.stats))
            elif path == "/__proxy/config" and req.method == "POST":
                self.apply_config(json.loads(body or b"{}"))
                writer.write(json_response(self.config))
            elif path == "/__proxy/config":
                writer.write(json_response(self.config))
            elif path == "/__proxy/held":
                writer.write(json_response(self.held))
            elif path == "/__proxy/release" and req.method == "POST":
                name = str(json.loads(body or b"{}").get("name", ""))
                self.gate(name).set()
                writer.write(json_response(self.held))
            elif path == "/__proxy/reset" and req.method == "POST":
                self.reset_stats()
                writer.write(json_response(self.stats))
            else:
                writer.write(json_response({"error": f"unknown control path {path}"}, 404))
        except (ValueError, TypeError) as ex:
            writer.write(json_response({"error": str(ex)}, 400))
        await writer.drain()

    async def handle_request(self, req, reader, writer, upstream):
        self.stats["total"] += 1
        self.count("requests", req.kind)
        self.count("operations", req.op)
        fault = self.decide(req)
        rate = None
        stall_after = None
        hold_body = None
        if fault and fault.startswith("hold_body:"):
            hold_body = fault.split(":", 1)[1]
            fault = None
        elif fault and fault.startswith("hold:"):
            await self.hold(fault.split(":", 1)[1])
            fault = None
        elif fault and fault.startswith("stall:"):
            stall_after = int(fault.split(":", 1)[1])
            self.stats["injected"] += 1
            self.count("faults", f"stall {req.op}")
            fault = None
        if fault and fault.startswith("delay:"):
            await asyncio.sleep(int(fault.split(":", 1)[1]) / 1000.0)
            fault = None
        elif fault and fault.startswith("throttle:"):
            rate = int(fault.split(":", 1)[1]) * 1024
            fault = None
        rewrite = None
        if fault and fault.startswith("listing:"):
            rewrite = fault.split(":", 1)[1]
            if rewrite not in LISTING_REWRITES:
                raise ValueError(f"unknown listing rewrite {rewrite}")
            self.stats["injected"] += 1
            self.count("faults", f"{fault} {req.op}")
            fault = None
        if req.headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        drop = {"expect"}

        upload_length = int(req.headers.get("content-length", "0") or 0)
        if stall_after is not None and upload_length:
            # A server that stops reading an upload mid-body and never answers; nothing reaches upstream.
            await relay_exact(reader, _Discard(), min(stall_after, upload_length))
            await asyncio.sleep(IDLE_TIMEOUT)
            return False, upstream

        # Request body: buffered (verifiable, corruptible) when small enough, else streamed.
        chunked = "chunked" in req.headers.get("transfer-encoding", "").lower()
        length = int(req.headers.get("content-length", "0") or 0)
        body, trailer, streamed = b"", b"", False
        if chunked:
            body, trailer = await read_chunked(reader)
        elif length <= self.config["max_buffer"]:
            body = await reader.readexactly(length) if length else b""
        else:
            streamed = True
        self.stats["bytes_up"] += length if streamed else len(body)
        if body or streamed:
            aws_chunked = "aws-chunked" in req.headers.get("content-encoding", "") or req.headers.get("x-amz-content-sha256", "").startswith("STREAMING-")
            self.count("framing", "aws-chunked" if aws_chunked else "chunked" if chunked else "content-length")

        if fault in ERROR_BODIES or fault in ("drop", "drop_after"):
            self.stats["injected"] += 1
            self.count("faults", f"{fault} {req.op}")
        if fault in ERROR_BODIES:
            if streamed:
                await relay_exact(reader, _Discard(), length)
            status, reason, code, message = ERROR_BODIES[fault]
            writer.write(error_response(status, reason, code, message, urlsplit(req.target).path))
            await writer.drain()
            return True, upstream
        if fault == "drop":
            return False, upstream
        if fault == "corrupt" and body:
            body = self.corrupt(req, body)
        if body and self.config["verify_checksums"]:
            rejection = self.verify(req, body, trailer)
            if rejection:
                self.stats["bad_digest"] += 1
                writer.write(rejection)
                await writer.drain()
                return True, upstream
        elif body or streamed:
            self.stats["unverified_bodies"] += 1

        reused = upstream is not None
        for attempt in (1, 2):
            if upstream is None:
                upstream = await asyncio.open_connection(*self.upstream, limit=MAX_HEADER_BYTES)
            up_reader, up_writer = upstream
            try:
                up_writer.write(req.head_bytes(drop))
                if chunked:
                    up_writer.write((b"%x\r\n" % len(body)) + body + b"\r\n" if body else b"")
                    up_writer.write(b"0\r\n" + trailer + b"\r\n")
                elif streamed:
                    await relay_exact(reader, up_writer, length)
                else:
                    up_writer.write(body)
                await up_writer.drain()
                head = await read_response_head(up_reader)
                break
            except (ConnectionError, asyncio.IncompleteReadError) as ex:
                # A kept-alive upstream connection the server closed while idle: resend once on a fresh
                # one. Safe only for a buffered request that got no answer at all.
                up_writer.close()
                upstream = None
                nothing_received = not isinstance(ex, asyncio.IncompleteReadError) or not ex.partial
                if streamed or not reused or attempt == 2 or not nothing_received:
                    raise

        if fault == "drop_after":
            # The server acted on the request; the client never hears about it.
            await self.relay_response(req, head, up_reader, _Discard())
            up_writer.close()
            return False, None
        if rewrite:
            keep_upstream = await self.relay_rewritten(head, up_reader, writer, rewrite)
            if not keep_upstream:
                up_writer.close()
                return False, None
            return req.headers.get("connection", "").lower() != "close", upstream
        if hold_body is not None:
            return await self.relay_held_body(head, up_reader, writer, hold_body), upstream
        if stall_after is not None:
            await self.relay_stalled(head, up_reader, reader, writer, stall_after)
            up_writer.close()
            return False, None
        keep_upstream = await self.relay_response(req, head, up_reader, writer, rate, corrupt=fault == "corrupt_response")
        if not keep_upstream:
            up_writer.close()
            return False, None
        return req.headers.get("connection", "").lower() != "close", upstream

    def corrupt(self, req, body):
        buf = bytearray(body)
        if "aws-chunked" in req.headers.get("content-encoding", "") or req.headers.get("x-amz-content-sha256", "").startswith("STREAMING-"):
            _, _, spans = decode_aws_chunked(body)
            if not spans:
                return body
            start, size = spans[0]
            index = start + size // 2
        else:
            index = len(buf) // 2
        buf[index] ^= 0xFF
        self.stats["corrupted"] += 1
        return bytes(buf)

    def verify(self, req, body, trailer):
        """An AWS-style 400 response when a declared digest does not match the body, else None."""
        payload, trailers = body, {}
        if "aws-chunked" in req.headers.get("content-encoding", "") or req.headers.get("x-amz-content-sha256", "").startswith("STREAMING-"):
            try:
                payload, trailers, _ = decode_aws_chunked(body)
            except ValueError:
                return error_response(400, "Bad Request", "IncompleteBody", "Malformed aws-chunked body.")
        for line in trailer.split(b"\r\n"):
            if b":" in line:
                name, value = line.split(b":", 1)
                trailers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
        declared = {}
        if "content-md5" in req.headers:
            declared["md5"] = req.headers["content-md5"]
        for source in (req.headers, trailers):
            for name, value in source.items():
                if name.startswith("x-amz-checksum-") and name not in ("x-amz-checksum-type", "x-amz-checksum-algorithm", "x-amz-checksum-mode"):
                    declared[name[len("x-amz-checksum-"):]] = value
        resource = urlsplit(req.target).path
        for algorithm, value in declared.items():
            actual = checksum(algorithm, payload)
            if actual is None:
                continue
            self.count("verified", algorithm)
            self.count("verified_by_op", f"{algorithm} {req.op}")
            if actual != value:
                label = "Content-MD5" if algorithm == "md5" else algorithm.upper()
                return error_response(400, "Bad Request", "BadDigest",
                                      f"The {label} you specified did not match the calculated checksum.", resource)
        sha = req.headers.get("x-amz-content-sha256", "")
        if re.fullmatch(r"[0-9a-f]{64}", sha):
            self.count("verified", "content-sha256")
            if hashlib.sha256(payload).hexdigest() != sha:
                return error_response(400, "Bad Request", "XAmzContentSHA256Mismatch",
                                      "The provided 'x-amz-content-sha256' header does not match what was computed.", resource)
        elif not declared:
            self.stats["unverified_bodies"] += 1
        return None

    # -- upstream side

    async def relay_response(self, req, head, up_reader, writer, rate=None, corrupt=False):
        """Relays one response (corrupt: with one body byte inverted); returns whether the upstream connection can be reused."""
        start, header_lines = head
        status = int(start.split(" ", 2)[1])
        headers = {n.lower(): v for n, v in header_lines}
        writer.write(("\r\n".join([start] + [f"{n}: {v}" for n, v in header_lines]) + "\r\n\r\n").encode("latin-1"))
        reusable = headers.get("connection", "").lower() != "close"
        if req.method == "HEAD" or status in (204, 304):
            pass
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            await relay_chunked(up_reader, writer)
        elif "content-length" in headers:
            length = int(headers["content-length"])
            flip_at = length // 2 if corrupt and status < 300 and length else None
            if flip_at is not None:
                self.stats["corrupted"] += 1
            await relay_exact(up_reader, writer, length, rate, flip_at)
        else:
            while True:
                chunk = await up_reader.read(STREAM_CHUNK)
                if not chunk:
                    break
                writer.write(chunk)
                await writer.drain()
            reusable = False
        await writer.drain()
        return reusable


    async def relay_held_body(self, head, up_reader, writer, name):
        """The response head and the first half of the body, then a hold until <name> is released, then the rest."""
        start, header_lines = head
        writer.write(("\r\n".join([start] + [f"{n}: {v}" for n, v in header_lines]) + "\r\n\r\n").encode("latin-1"))
        length = int({n.lower(): v for n, v in header_lines}.get("content-length", "0") or 0)
        first = length // 2
        await relay_exact(up_reader, writer, first)
        await writer.drain()
        await self.hold(name)
        await relay_exact(up_reader, writer, length - first)
        await writer.drain()
        return True

    async def relay_stalled(self, head, up_reader, reader, writer, after):
        """The response head and <after> body bytes, then silence: a server that stalls mid-body. The client's
        read timeout has to end it; the connection is dropped only when the client closes it (or after IDLE_TIMEOUT)."""
        start, header_lines = head
        writer.write(("\r\n".join([start] + [f"{n}: {v}" for n, v in header_lines]) + "\r\n\r\n").encode("latin-1"))
        headers = {n.lower(): v for n, v in header_lines}
        length = int(headers.get("content-length", "0") or 0)
        if after > 0 and length:
            await relay_exact(up_reader, writer, min(after, length))
        await writer.drain()
        try:
            while await asyncio.wait_for(reader.read(STREAM_CHUNK), IDLE_TIMEOUT):
                pass  # the client sends nothing more on this connection; EOF once it gives up
        except (asyncio.TimeoutError, ConnectionError):
            pass
    async def relay_rewritten(self, head, up_reader, writer, how):
        """Reads the whole answer, rewrites its listing body (see LISTING_REWRITES) and sends it with a fresh Content-Length."""
        start, header_lines = head
        headers = {n.lower(): v for n, v in header_lines}
        reusable = headers.get("connection", "").lower() != "close"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, _ = await read_chunked(up_reader)
        elif "content-length" in headers:
            body = await up_reader.readexactly(int(headers["content-length"]))
        else:
            body = await up_reader.read()
            reusable = False
        status = int(start.split(" ", 2)[1])
        if status == 200:
            body = LISTING_REWRITES[how](body)
        kept = [(n, v) for n, v in header_lines if n.lower() not in ("content-length", "transfer-encoding", "content-md5")]
        kept.append(("Content-Length", str(len(body))))
        writer.write(("\r\n".join([start] + [f"{n}: {v}" for n, v in kept]) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        return reusable


# ---------------------------------------------------------------- listing rewrites (a server that breaks S3's promises)

_CONTENTS = re.compile(rb"<Contents>.*?</Contents>", re.S)


def _swap_first_two(body):
    blocks = list(_CONTENTS.finditer(body))
    if len(blocks) < 2:
        raise ValueError("out_of_order needs a page with two keys")
    a, b = blocks[0], blocks[1]
    return body[:a.start()] + b.group(0) + body[a.end():b.start()] + a.group(0) + body[b.end():]


def _repeat_first(body):
    first = _CONTENTS.search(body)
    body = body[:first.end()] + first.group(0) + body[first.end():]
    return re.sub(rb"<KeyCount>(\d+)</KeyCount>", lambda m: b"<KeyCount>%d</KeyCount>" % (int(m.group(1)) + 1), body)


def _truncated_without_token(body):
    body = re.sub(rb"<IsTruncated>\w+</IsTruncated>", b"<IsTruncated>true</IsTruncated>", body)
    return re.sub(rb"<NextContinuationToken>.*?</NextContinuationToken>", b"", body, flags=re.S)


def _first_key_outside(body):
    return re.sub(rb"<Key>", b"<Key>outside-the-prefix/", body, count=1)


def _first_key_control_char(body):
    return re.sub(rb"</Key>", b"\x01</Key>", body, count=1)


LISTING_REWRITES = {
    "out_of_order": _swap_first_two,
    "repeat": _repeat_first,
    "no_token": _truncated_without_token,
    "outside_prefix": _first_key_outside,
    "no_truncation_flag": lambda body: re.sub(rb"<IsTruncated>\w+</IsTruncated>", b"", body),
    "not_xml": lambda body: b"Service temporarily unavailable - this is not XML {",
    "cut": lambda body: body[: len(body) // 2],
    "control_char": _first_key_control_char,
}


async def read_response_head(up_reader):
    """The final response's status line and headers; interim 1xx responses are swallowed
    (the proxy already answered 100 Continue itself)."""
    while True:
        start, header_lines = await read_head(up_reader)
        if int(start.split(" ", 2)[1]) >= 200:
            return start, header_lines


class _Discard:
    def write(self, _data):
        pass

    async def drain(self):
        pass


async def serve(args):
    upstream = urlsplit(args.upstream)
    if upstream.hostname not in ("127.0.0.1", "localhost", "::1") or args.host not in ("127.0.0.1", "::1", "localhost"):
        raise SystemExit("fault-proxy is loopback only")
    proxy = FaultProxy(upstream.hostname, upstream.port or 80, json.loads(args.config) if args.config else {})
    server = await asyncio.start_server(proxy.handle_client, args.host, args.port, limit=MAX_HEADER_BYTES)
    port = server.sockets[0].getsockname()[1]
    print(f"fault-proxy listening on http://{args.host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--upstream", required=True, help="moto's URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--config", help="initial configuration as JSON")
    args = parser.parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
