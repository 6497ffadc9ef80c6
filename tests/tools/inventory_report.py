"""Writes an S3 Inventory report the way S3 does, into an S3 server (moto stores inventory configurations but
never writes reports). Test and bench harness only: nothing here ships in the module.

    python3 tests/tools/inventory_report.py --endpoint URL --source BUCKET --dest BUCKET [options]

Lists --source (or makes --synthetic N rows), writes gzip CSV data files and manifest.json (version 2016-11-30)
under <prefix>/<source>/<config id>/ in --dest, and prints the manifest's s3:// URI. Every CSV field is quoted,
keys are URL-encoded as java.net.URLEncoder does (space as '+'), rows go round-robin over the data files,
newest listing entry first, so no file comes sorted. Written with boto3: an implementation MediaOps did not write.
"""
import argparse
import datetime
import gzip
import hashlib
import io
import json
import urllib.parse
import uuid

import boto3
from botocore.config import Config


def encode_key(key):
    # java.net.URLEncoder: A-Z a-z 0-9 . - * _ kept, space as '+', everything else %XX of UTF-8.
    return urllib.parse.quote_plus(key, safe="*").replace("~", "%7E")


def stamp_of(o):
    # As S3 Inventory writes LastModifiedDate: ISO 8601 UTC with milliseconds.
    return o["LastModified"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{o['LastModified'].microsecond // 1000:03d}Z"


def version_fields(o, delete_marker):
    # S3 leaves VersionId empty for an object written before versioning was on (its id is "null").
    version = "" if o.get("VersionId") in (None, "null") else o["VersionId"]
    return {"VersionId": version, "IsLatest": "true" if o.get("IsLatest") else "false", "IsDeleteMarker": "true" if delete_marker else "false",
            "IsMultipartUploaded": "" if delete_marker else ("true" if "-" in o["ETag"] else "false"),
            "EncryptionStatus": "" if delete_marker else "SSE-S3", "StorageClass": "" if delete_marker else "STANDARD"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--dest", required=True)
    p.add_argument("--create", action="store_true", help="create --source and --dest first")
    p.add_argument("--versioned", action="store_true", help="with --create: versioning on --source")
    p.add_argument("--create-dest", action="store_true", help="create --dest only (the source exists)")
    p.add_argument("--age-days", type=float, default=0.0, help="report taken this many days ago")
    p.add_argument("--data-files", type=int, default=2)
    p.add_argument("--schema", help="default: Bucket, Key, Size, LastModifiedDate, ETag, IsMultipartUploaded, EncryptionStatus "
                   "(with --versions: VersionId, IsLatest, IsDeleteMarker after Key, as S3 writes them)")
    p.add_argument("--versions", action="store_true", help="a report of all versions (IncludedObjectVersions All): every version and delete marker")
    p.add_argument("--format", default="CSV")
    p.add_argument("--config-id", default="mediaops-daily")
    p.add_argument("--corrupt", action="store_true", help="flip a byte of the first data file after its MD5 was taken")
    p.add_argument("--synthetic", type=int, default=0, help="N made-up rows media/bench/NNNNNNN.jpg instead of a listing")
    p.add_argument("--names-csv", help="also write the Django names of the rows (keys without media/), scrambled, as a CSV with a 'name' column")
    p.add_argument("--missing-names", type=int, default=0, help="with --names-csv: also this many names the report does not hold")
    p.add_argument("--key-prefix", default="media/bench/", help="with --synthetic: keys are <key-prefix>NNNNNNN.jpg")
    a = p.parse_args()

    s3 = boto3.client("s3", endpoint_url=a.endpoint, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10}))
    if a.create:
        s3.create_bucket(Bucket=a.source)
        s3.create_bucket(Bucket=a.dest)
        if a.versioned:
            s3.put_bucket_versioning(Bucket=a.source, VersioningConfiguration={"Status": "Enabled"})
    elif a.create_dest:
        s3.create_bucket(Bucket=a.dest)

    if a.schema is None:
        a.schema = ("Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, IsMultipartUploaded, EncryptionStatus" if a.versions
                    else "Bucket, Key, Size, LastModifiedDate, ETag, IsMultipartUploaded, EncryptionStatus")
    if a.synthetic:
        stamp = "2026-01-01T00:00:00.000Z"
        rows = [(f"{a.key_prefix}{i:07d}.jpg", 1000 + i % 5000, stamp, hashlib.md5(str(i).encode()).hexdigest()) for i in range(a.synthetic)]
    elif a.versions:
        # Every version and delete marker; a delete marker has no Size and no ETag. Extra fields ride in a dict.
        rows = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=a.source):
            for o in page.get("Versions", []):
                rows.append((o["Key"], o["Size"], stamp_of(o), o["ETag"].strip('"'), version_fields(o, False)))
            for o in page.get("DeleteMarkers", []):
                rows.append((o["Key"], "", stamp_of(o), "", version_fields(o, True)))
    else:
        rows = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=a.source):
            for o in page.get("Contents", []):
                rows.append((o["Key"], o["Size"], stamp_of(o), o["ETag"].strip('"')))

    if a.names_csv:
        # The Django names (keys without media/) as a database export gives them: in id order, not key order.
        names = [r[0][len("media/"):] if r[0].startswith("media/") else r[0] for r in rows]
        order = sorted(range(len(names)), key=lambda i: (i * 2654435761) % (1 << 32))
        with open(a.names_csv, "w", encoding="utf-8") as f:
            f.write("id,name\n")
            for i in order:
                f.write(f"{i},{names[i]}\n")
            for i in range(a.missing_names):
                f.write(f"{len(names) + i},missing/{i:05d}.jpg\n")

    columns = [c.strip() for c in a.schema.split(",")]
    created = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=a.age_days)
    base = f"inventory/{a.source}/{a.config_id}"
    files = []
    rows.reverse()
    for n in range(a.data_files):
        out = io.StringIO()
        for row in rows[n::a.data_files]:
            key, size, modified, etag = row[:4]
            values = {"Bucket": a.source, "Key": encode_key(key), "Size": str(size), "LastModifiedDate": modified, "ETag": etag,
                      "IsMultipartUploaded": "true" if "-" in etag else "false", "EncryptionStatus": "SSE-S3", "StorageClass": "STANDARD"}
            if len(row) > 4:
                values.update(row[4])
            out.write(",".join('"' + values.get(c, "").replace('"', '""') + '"' for c in columns) + "\n")
        body = gzip.compress(out.getvalue().encode("utf-8"), compresslevel=1)
        md5 = hashlib.md5(body).hexdigest()
        size = len(body)
        if a.corrupt and n == 0:
            body = bytearray(body)
            body[len(body) // 2] ^= 0xFF
            body = bytes(body)
        key = f"{base}/data/{uuid.uuid4()}.csv.gz"
        s3.put_object(Bucket=a.dest, Key=key, Body=body)
        files.append({"key": key, "size": size, "MD5checksum": md5})

    manifest = json.dumps({
        "sourceBucket": a.source,
        "destinationBucket": f"arn:aws:s3:::{a.dest}",
        "version": "2016-11-30",
        "creationTimestamp": str(int(created.timestamp() * 1000)),
        "fileFormat": a.format,
        "fileSchema": a.schema,
        "files": files,
    }, indent=2)
    folder = f"{base}/{created.strftime('%Y-%m-%dT%H-%MZ')}"
    s3.put_object(Bucket=a.dest, Key=f"{folder}/manifest.json", Body=manifest.encode("utf-8"))
    s3.put_object(Bucket=a.dest, Key=f"{folder}/manifest.checksum", Body=hashlib.md5(manifest.encode("utf-8")).hexdigest().encode())
    print(f"s3://{a.dest}/{folder}/manifest.json")


if __name__ == "__main__":
    main()
