#!/usr/bin/env python3
"""A synthetic versioned bucket for the restore-planning memory check: answers GetBucketVersioning (Enabled) and
ListObjectVersions pages for KEYS keys under media/, each with VERSIONS versions one hour apart (the newest is
latest), generated on the fly in S3's order with key-marker/version-id-marker paging. No state is kept: moto
copies every version of the bucket for each listing page, which makes 300,000 versions a matter of hours there.
Usage: versions_server.py PORT KEYS VERSIONS"""
import sys
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT, KEYS, VERSIONS = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def key(i):
    return f"media/k{i:07d}.jpg"


def entries(start_key, start_version):
    """(key index, version number) from just after the markers, newest version first per key."""
    i, v = 0, VERSIONS
    if start_key is not None:
        i = int(start_key[len("media/k"):-4])
        v = int(start_version[1:]) - 1 if start_version else 0
        if v < 1:
            i, v = i + 1, VERSIONS
    while i < KEYS:
        yield i, v
        v -= 1
        if v < 1:
            i, v = i + 1, VERSIONS


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, body):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query, keep_blank_values=True)
        if "versioning" in query:
            return self.send(f'<VersioningConfiguration {NS}><Status>Enabled</Status></VersioningConfiguration>')
        if "versions" not in query:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        max_keys = int(query.get("max-keys", ["1000"])[0])
        key_marker = query.get("key-marker", [None])[0] or None
        version_marker = query.get("version-id-marker", [None])[0] or None
        out, last = [], None
        for i, v in entries(key_marker, version_marker):
            if len(out) == max_keys:
                break
            stamp = (BASE + timedelta(hours=v)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            latest = "true" if v == VERSIONS else "false"
            out.append(f"<Version><Key>{key(i)}</Key><VersionId>v{v}</VersionId><IsLatest>{latest}</IsLatest>"
                       f"<LastModified>{stamp}</LastModified><ETag>\"{i:016x}{v:016x}\"</ETag><Size>{1000 + v}</Size>"
                       f"<StorageClass>STANDARD</StorageClass></Version>")
            last = (i, v)
        truncated = last is not None and len(out) == max_keys and not (last[0] == KEYS - 1 and last[1] == 1)
        more = f"<NextKeyMarker>{key(last[0])}</NextKeyMarker><NextVersionIdMarker>v{last[1]}</NextVersionIdMarker>" if truncated else ""
        self.send(f'<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult {NS}><Name>bench</Name><Prefix>media/</Prefix>'
                  f"<MaxKeys>{max_keys}</MaxKeys><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>{more}{''.join(out)}</ListVersionsResult>")


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
