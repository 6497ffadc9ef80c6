"""Probe what an S3 server does with the calls MediaOps makes; print a Markdown table.

    python3 tests/tools/s3_catalogue.py --endpoint http://127.0.0.1:PORT [--access-key K --secret-key S]

Used to write docs/s3-compatible.md (one table per server: moto, radosgw). Each row is one call on a
fresh bucket, with what came back: the HTTP status, the error code, and the root element of the XML
answer (a server that does not implement a bucket sub-resource often ignores it and lists the bucket).
"""
import argparse
import json
import re
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

TLS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": ["arn:aws:s3:::{b}", "arn:aws:s3:::{b}/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key", default="MEDIAOPSRGWTEST00001")
    p.add_argument("--secret-key", default="mediaops-rgw-test-secret-not-real")
    a = p.parse_args()
    s3 = boto3.client("s3", endpoint_url=a.endpoint, aws_access_key_id=a.access_key, aws_secret_access_key=a.secret_key,
                      region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    raw = {}
    s3.meta.events.register("after-call.s3.*", lambda http_response=None, **_: raw.update(
        status=http_response.status_code, body=http_response.content[:300]))
    bucket = "cat-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    rows = []

    def probe(name, call):
        raw.clear()
        try:
            result = call()
            root = re.search(rb"<([A-Za-z]+)[ >]", raw.get("body") or b"")
            seen = f"{raw.get('status')} {root.group(1).decode() if root else '(empty)'}"
        except ClientError as e:
            seen = f"{e.response['ResponseMetadata'].get('HTTPStatusCode')} {e.response['Error'].get('Code')}"
        rows.append((name, seen))

    b = bucket
    probe("GetBucketLocation", lambda: s3.get_bucket_location(Bucket=b))
    probe("GetBucketEncryption (unset)", lambda: s3.get_bucket_encryption(Bucket=b))
    probe("PutBucketEncryption AES256", lambda: s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}))
    probe("GetBucketOwnershipControls (unset)", lambda: s3.get_bucket_ownership_controls(Bucket=b))
    probe("PutBucketOwnershipControls", lambda: s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}))
    probe("GetPublicAccessBlock (unset)", lambda: s3.get_public_access_block(Bucket=b))
    probe("PutPublicAccessBlock (all on)", lambda: s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}))
    probe("GetPublicAccessBlock (set)", lambda: s3.get_public_access_block(Bucket=b))
    probe("PutObject, BlockPublicAcls on", lambda: s3.put_object(Bucket=b, Key="media/a.txt", Body=b"a"))
    probe("CreateMultipartUpload, BlockPublicAcls on", lambda: s3.abort_multipart_upload(
        Bucket=b, Key="media/m", UploadId=s3.create_multipart_upload(Bucket=b, Key="media/m")["UploadId"]))
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    probe("PutObject, BlockPublicAcls off", lambda: s3.put_object(Bucket=b, Key="media/a.txt", Body=b"a"))
    probe("PutObject with SSE AES256 header over HTTP", lambda: s3.put_object(Bucket=b, Key="media/sse.txt", Body=b"s", ServerSideEncryption="AES256"))
    probe("PutBucketVersioning Enabled", lambda: s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"}))
    probe("ListObjectVersions", lambda: s3.list_object_versions(Bucket=b, Prefix="media/"))
    probe("PutBucketLifecycleConfiguration (noncurrent expiry)", lambda: s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={
        "Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": "media/"}, "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]}))
    probe("PutBucketPolicy (deny without TLS)", lambda: s3.put_bucket_policy(Bucket=b, Policy=json.dumps(TLS_POLICY).replace("{b}", b)))
    probe("PutObject over HTTP under that policy (owner)", lambda: s3.put_object(Bucket=b, Key="media/b.txt", Body=b"b"))
    probe("HeadObject x-amz-server-side-encryption", lambda: s3.head_object(Bucket=b, Key="media/b.txt").get("ServerSideEncryption") or "(none)")

    print(f"| call | answer ({a.endpoint}) |\n|---|---|")
    for name, seen in rows:
        print(f"| {name} | {seen} |")


if __name__ == "__main__":
    main()
