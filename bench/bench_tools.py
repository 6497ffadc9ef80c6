"""Data and moto helpers for bench/Invoke-Benchmark.ps1 (benchmark only; nothing here ships).

    tree DIR COUNT MIN MAX SEED      writes COUNT files of MIN..MAX bytes under DIR (media-like names)
    big FILE MIB                     writes one file of MIB MiB (random blocks)
    moto PORT [SEED_SPEC ...]        runs tests/tools/moto_launcher.py in this process after putting the
                                     files of each SEED_SPEC "bucket=prefix=DIR" straight into moto's backend
                                     (fills a 100,000-object bucket in seconds instead of minutes of PUTs)
    count LOG START END              counts moto request-log lines (bytes START..END of LOG) by
                                     "METHOD Operation" (the fault proxy's classifier); prints JSON
    listfloor ENDPOINT BUCKET PREFIX the server's own share of a no-op sync: pages through ListObjectsV2
                                     (1,000 keys a page, one kept-alive connection, nothing parsed but the
                                     continuation token) and prints {"pages": n, "seconds": s} as JSON
"""
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "tests", "tools")
sys.path.insert(0, TOOLS)

# Generated files are two days old: older than any object a run uploads, so a resync finds them unchanged.
PAST = time.time() - 2 * 86400
EXTENSIONS = [".jpg", ".png", ".webp", ".pdf", ".mp3", ".txt", ".svg", ".avif", ".json", ".gif"]


def make_tree(root, count, min_size, max_size, seed):
    rng = random.Random(seed)
    pool = os.urandom(max_size + 65536)
    per_dir = 250
    for i in range(count):
        folder = os.path.join(root, "uploads", str(2015 + (i // per_dir) % 10), f"{(i // per_dir) % 12 + 1:02d}", f"batch{i // per_dir:04d}")
        if i % per_dir == 0:
            os.makedirs(folder, exist_ok=True)
        size = rng.randint(min_size, max_size)
        offset = rng.randint(0, 65536)
        name = f"file_{i:06d}{EXTENSIONS[i % len(EXTENSIONS)]}"
        full = os.path.join(folder, name)
        with open(full, "wb") as f:
            f.write(pool[offset:offset + size])
        os.utime(full, (PAST, PAST))


def make_big(path, mib):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    block = os.urandom(16 * 1024 * 1024)
    with open(path, "wb") as f:
        for i in range(0, mib, 16):
            # vary each block so parts differ (and no client can dedupe)
            chunk = min(16, mib - i) * 1024 * 1024
            f.write(i.to_bytes(8, "big") + block[8:chunk])
    os.utime(path, (PAST, PAST))


def index_listing():
    """Bench-only: ListObjects(V2) pages in O(page) from a sorted name index, as S3 serves them.

    Stock moto filters and sorts the whole bucket for every page (O(N log N) per page, so listing
    100,000 keys costs 100 x 100,000): that would time moto, not the clients. The index is rebuilt
    whenever the key count changes; the Compare scenario's bucket does not change while it is listed.
    """
    from bisect import bisect_left, bisect_right
    from moto.s3.models import FakeDeleteMarker, S3Backend

    index = {}

    def names_of(bucket):
        names = index.get(bucket.name)
        if names is None or len(names) != len(bucket.keys):
            names = sorted(bucket.keys.keys())
            index[bucket.name] = names
        return names

    def page(self, bucket, prefix, delimiter, limit, max_keys):
        names = names_of(bucket)
        prefix = prefix or ""
        i = bisect_left(names, prefix)
        if limit:
            i = max(i, bisect_right(names, limit))
            if delimiter and limit.endswith(delimiter):  # the last page ended on a folder: skip its keys
                i = max(i, bisect_left(names, limit[:-len(delimiter)] + chr(ord(delimiter[0]) + 1)))
        out = []
        while i < len(names) and len(out) <= max_keys:
            name = names[i]
            if not name.startswith(prefix):
                break
            rest = name[len(prefix):]
            if delimiter and delimiter in rest:
                folder = prefix + rest.split(delimiter)[0] + delimiter
                out.append(folder)
                i = bisect_left(names, folder[:-len(delimiter)] + chr(ord(delimiter[0]) + 1))
                continue
            key = bucket.keys[name]
            if not isinstance(key, FakeDeleteMarker):
                out.append(key)
            i += 1
        return out

    def list_objects_v2(self, bucket, prefix, delimiter, continuation_token, start_after, max_keys):
        limit = self._pagination_tokens.get(continuation_token) if continuation_token else start_after
        return self._truncate_result(page(self, bucket, prefix, delimiter, limit, max_keys), max_keys)

    def list_objects(self, bucket, prefix, delimiter, marker, max_keys):
        limit = (self._pagination_tokens.get(marker) or marker) if marker else None
        items = page(self, bucket, prefix, delimiter, limit, max_keys if max_keys is not None else 1 << 60)
        keys, truncated, next_marker = self._truncate_result(items, max_keys) if max_keys is not None else (items, False, None)
        return [k for k in keys if not isinstance(k, str)], [k for k in keys if isinstance(k, str)], truncated, next_marker

    S3Backend.list_objects_v2 = list_objects_v2
    S3Backend.list_objects = list_objects


def run_moto(port, seed_specs):
    import moto_launcher
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    if seed_specs:
        index_listing()

    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    for spec in seed_specs:
        bucket, prefix, root = spec.split("=", 2)
        backend.create_bucket(bucket, "us-east-1")
        seeded = 0
        for folder, _dirs, files in os.walk(root):
            for name in files:
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, "rb") as f:
                    backend.put_object(bucket, prefix + rel, f.read(), disable_notification=True)
                seeded += 1
        print(f"seeded {seeded} objects into s3://{bucket}/{prefix}", flush=True)
    sys.argv = ["moto_launcher.py", "--port", str(port)]
    return moto_launcher.main()


_LOG_LINE = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3})')


def count_log(path, start, end):
    from fault_proxy import classify
    with open(path, "rb") as f:
        f.seek(start)
        text = f.read(end - start).decode("utf-8", "replace")
    counts = {}
    for match in _LOG_LINE.finditer(text):
        method, target, _status = match.groups()
        kind = f"{method} {classify(method, target)}"
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _signed_headers(endpoint, path_and_query):
    """SigV4 headers from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (radosgw refuses an unsigned listing; moto takes either)."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="GET", url=endpoint.rstrip("/") + path_and_query)
    S3SigV4Auth(Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]), "s3", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def list_floor(endpoint, bucket, prefix):
    """The time the server alone needs to answer the listing a no-op sync must make (no client does less)."""
    import http.client
    from urllib.parse import quote, urlsplit
    url = urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=300)
    token, pages = None, 0
    started = time.perf_counter()
    while True:
        query = f"list-type=2&max-keys=1000&prefix={quote(prefix, safe='')}"
        if token:
            query += f"&continuation-token={quote(token, safe='')}"
        conn.request("GET", f"/{bucket}?{query}", headers=_signed_headers(endpoint, f"/{bucket}?{query}"))
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"ListObjectsV2 answered {response.status}: {body[:200]!r}")
        pages += 1
        match = re.search(rb"<NextContinuationToken>([^<]+)</NextContinuationToken>", body)
        if not match:
            break
        token = match.group(1).decode()
    return {"pages": pages, "seconds": round(time.perf_counter() - started, 3)}


def main(argv):
    command = argv[1]
    if command == "tree":
        make_tree(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]))
    elif command == "big":
        make_big(argv[2], int(argv[3]))
    elif command == "moto":
        return run_moto(int(argv[2]), argv[3:])
    elif command == "count":
        print(json.dumps(count_log(argv[2], int(argv[3]), int(argv[4]))))
    elif command == "listfloor":
        print(json.dumps(list_floor(argv[2], argv[3], argv[4])))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
