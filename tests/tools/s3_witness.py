#!/usr/bin/env python3
"""A witness no one here wrote (botocore, the aws CLI's own library): for every current object under a
prefix, its SHA-256 (of the bytes a GET returns), content type and number of versions and delete markers.
Prints one JSON object keyed by object key. Usage: s3_witness.py ENDPOINT BUCKET PREFIX"""
import hashlib
import json
import sys

import boto3

endpoint, bucket, prefix = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
history = {}
for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
    for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
        history.setdefault(entry["Key"], []).append(entry["VersionId"])
result = {}
for key, versions in history.items():
    item = {"versions": sorted(versions), "sha256": None, "contentType": None}
    try:
        got = s3.get_object(Bucket=bucket, Key=key)
        item["sha256"] = hashlib.sha256(got["Body"].read()).hexdigest()
        item["contentType"] = got.get("ContentType")
    except s3.exceptions.NoSuchKey:
        pass  # deleted: the current entry is a delete marker
    result[key] = item
json.dump(result, sys.stdout)
