"""Start moto's S3/STS/IAM server on 127.0.0.1:<port> for the MediaOps test harness.

Test-harness only: nothing here ships in the module. It exists so that quirks of moto's
IAM-enforcing mode (INITIAL_NO_AUTH_ACTION_COUNT) are worked around in one place, never
in the product.

Why the S3 signature check is replaced (getmoto/moto#5948), found in moto 5.2
core/authorization.py + iam/access_control.py:
  * moto rebuilds the request it verifies from `request.url`, which werkzeug has already
    percent-DEcoded, then hands it to botocore, which uses the query string as-is. A client
    that signed `prefix=media%2F` (as AWS requires) is compared with `prefix=media/`, so every
    ListObjectsV2 with a `media/` prefix fails with SignatureDoesNotMatch. Keys with spaces
    or non-ASCII characters fail the same way in the path.
  * It only reads credentials from the Authorization header: a presigned URL (credentials
    and signature in the query string) or an anonymous request raises KeyError -> HTTP 500.
The replacement verifies SigV4 the way S3 does: from the raw request line (werkzeug's
RAW_URI), each query name/value decoded once and re-encoded per RFC 3986, sorted; header
auth, SigV4 presigned URLs (with expiry) and SigV2 presigned URLs (`aws s3 presign` in CLI
v1); an unsigned request is AccessDenied, as on a private bucket. Policy evaluation stays
moto's own, with its limits (see MOTO_IAM_LIMITS below).
"""
import argparse
import contextvars
import datetime
import hashlib
import hmac
import re
import sys
from base64 import b64encode
from urllib.parse import quote, unquote, urlsplit

# What moto 5.2's IAM mode still does differently from AWS after the fixes below. The Pester
# harness (IamHarness.psm1) repeats these so tests can state which results they rely on.
MOTO_IAM_LIMITS = """
- Resource-based policies (bucket policies, KMS key policies) are ignored; only the caller's
  identity policies (user/group/role, inline and managed) are evaluated.
- Conditions: only StringEquals is evaluated, and only on keys moto fills in (sts:ExternalId);
  every other operator (StringLike, ...) is treated as satisfied, and a failed condition becomes
  an explicit Deny. So `s3:prefix` conditions on s3:ListBucket are NOT applied unless the
  launcher runs with --emulate-s3-prefix-condition (String* operators on s3:prefix,
  s3:delimiter, s3:max-keys, AWS semantics: absent key fails, unmet condition = not applicable).
- Bucket policy documents: moto stores any bytes; the launcher makes it answer MalformedPolicy
  (HTTP 400) for a document that is not a JSON object with a Statement, as AWS does.
- DeleteObjects: moto checks s3:DeleteObject on the bucket ARN; the launcher checks it per key
  as AWS does (a denied key denies the whole request, where AWS reports it per key).
- AssumeRoleWithWebIdentity: AWS takes it unsigned (the token is the credential); moto's IAM
  mode demands an Authorization header (KeyError -> HTTP 500). The launcher lets unsigned
  AssumeRoleWithWebIdentity/AssumeRoleWithSAML through, as AWS does. moto verifies no token
  (any string is accepted) and no trust policy for them.
- Actions are moto's mapping (s3/responses.py ACTION_MAP): HEAD bucket is checked as
  s3:HeadBucket; GetBucketEncryption and GetBucketOwnershipControls fall to s3:ListBucket;
  PutBucketEncryption falls to s3:CreateBucket.
"""


def _between(text, first, second):
    return text.partition(first)[2].partition(second)[0]


def _split_query(raw_query):
    """Raw `a=b&c` into decoded (name, value) pairs, exactly as the client sent them."""
    pairs = []
    for part in raw_query.split("&") if raw_query else []:
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def _aws_quote(text, safe="-_.~"):
    return quote(text, safe=safe)


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


# Condition keys of the S3 request being authorised (set per request; None outside S3 checks).
_S3_REQUEST_CONTEXT = contextvars.ContextVar("mediaops_s3_condition_context", default=None)
_LIST_ACTIONS = {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}
_QUERY_CONDITION_KEYS = {"prefix": "s3:prefix", "delimiter": "s3:delimiter", "max-keys": "s3:max-keys"}


def _s3_condition_context(action, query_pairs):
    """The s3:prefix/s3:delimiter/s3:max-keys values AWS would put in the request context."""
    if action not in _LIST_ACTIONS:
        return {}
    return {_QUERY_CONDITION_KEYS[k]: v for k, v in query_pairs if k in _QUERY_CONDITION_KEYS}


def _aws_like(pattern, text):
    """IAM StringLike: `*` any run, `?` one character, everything else literal and case-sensitive."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def _string_condition_holds(operator, expected, actual):
    """AWS semantics for the String* operators; None when the operator is not emulated."""
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    if base not in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike"):
        return None
    patterns = expected if isinstance(expected, list) else [expected]
    if actual is None:  # key absent from the request: only negated and ...IfExists operators hold
        return if_exists or base.startswith("StringNot")
    like = base.endswith("Like")
    matched = any(_aws_like(p, actual) if like else actual == p for p in patterns)
    return not matched if base.startswith("StringNot") else matched


def _install_s3_prefix_condition_emulation():
    """Evaluate String* conditions on s3:prefix/s3:delimiter/s3:max-keys like AWS does.

    moto treats StringLike as satisfied and turns a failed condition into an explicit Deny; AWS
    makes a statement whose condition fails simply not apply. Statements with any other
    condition key or operator are left to moto.
    """
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    original = IAMPolicyStatement.is_action_permitted

    def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        context = _S3_REQUEST_CONTEXT.get()
        conditions = self._statement.get("Condition")
        if context is None or not conditions:
            return original(self, action, resource, principal, incoming_condition_values)
        verdicts = []
        for operator, keys in conditions.items():
            for key, expected in keys.items():
                if key.lower() not in _QUERY_CONDITION_KEYS.values():
                    return original(self, action, resource, principal, incoming_condition_values)
                verdicts.append(_string_condition_holds(operator, expected, context.get(key.lower())))
        if None in verdicts:
            return original(self, action, resource, principal, incoming_condition_values)
        if not all(verdicts):
            return PermissionResult.NEUTRAL
        unconditional = IAMPolicyStatement({k: v for k, v in self._statement.items() if k != "Condition"})
        return original(unconditional, action, resource, principal, incoming_condition_values)

    IAMPolicyStatement.is_action_permitted = is_action_permitted


def _delete_objects_keys(iam_request, key_name, body):
    """The keys of a DeleteObjects (POST ?delete) request, else None."""
    if key_name is not None or iam_request._action != "s3:DeleteObject":
        return None
    if not any(name == "delete" for name, _ in iam_request._query):
        return None
    import html
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body or "")
    return [html.unescape(k) for k in re.findall(r"<Key>(.*?)</Key>", text, flags=re.DOTALL)]


def _install_s3_signature_fix():
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto import settings
    from moto.iam import access_control
    from moto.iam.access_control import CreateAccessKeyFailure, S3IAMRequest, create_access_key
    from moto.s3.exceptions import BucketAccessDeniedError, S3AccessDeniedError
    from moto.utilities.utils import get_partition

    class RawSigV4S3Request(S3IAMRequest):
        """moto's S3IAMRequest, verifying the signature from the raw request line."""

        def __init__(self, account_id, method, raw_uri, data, body, headers, action):
            # Deliberately not calling super().__init__: it requires an Authorization header.
            if raw_uri.startswith("http://") or raw_uri.startswith("https://"):
                parts = urlsplit(raw_uri)
                raw_uri = parts.path + ("?" + parts.query if parts.query else "")
            self.account_id = account_id
            self._method = method
            self._raw_path, _, raw_query = raw_uri.partition("?")
            self._path = self._raw_path
            self._query = _split_query(raw_query)
            self._data = data
            self._body = body
            self._headers = headers
            query = dict(self._query)
            auth = headers.get("Authorization", "")
            self._kind = None
            if auth.startswith("AWS4-HMAC-SHA256"):
                self._kind = "header"
                credential = _between(auth, "Credential=", ",")
                self._signed_headers = _between(auth, "SignedHeaders=", ",").split(";")
                self._signature = _between(auth, "Signature=", ",").strip()
                self._timestamp = headers.get("X-Amz-Date", "")
                token = headers.get("X-Amz-Security-Token")
            elif "X-Amz-Signature" in query:
                self._kind = "query"
                credential = query.get("X-Amz-Credential", "")
                self._signed_headers = query.get("X-Amz-SignedHeaders", "host").split(";")
                self._signature = query["X-Amz-Signature"]
                self._timestamp = query.get("X-Amz-Date", "")
                self._expires = int(query.get("X-Amz-Expires", "0") or 0)
                token = query.get("X-Amz-Security-Token")
            elif "Signature" in query and "AWSAccessKeyId" in query:
                self._kind = "v2query"
                credential = f"{query['AWSAccessKeyId']}//us-east-1/s3/aws4_request"
                self._signature = query["Signature"]
                self._expires = int(query.get("Expires", "0") or 0)
                token = query.get("x-amz-security-token")
            if self._kind is None:
                # Anonymous (or SigV2 header) request: AWS answers a private bucket with 403.
                self._raise_access_denied_without_key()
            scope = credential.split("/")
            self._region = scope[2] if len(scope) > 2 and scope[2] else "us-east-1"
            self._service = scope[3] if len(scope) > 3 and scope[3] else "s3"
            self._scope = "/".join(scope[1:])
            self._action = f"{self._service}:{action[0] if isinstance(action, list) else action}"
            key_headers = {"X-Amz-Security-Token": token} if token else {}
            try:
                self._access_key = create_access_key(
                    account_id=account_id, partition=get_partition(self._region),
                    access_key_id=scope[0], headers=key_headers)
            except CreateAccessKeyFailure as e:
                self._raise_invalid_access_key(e.reason)

        def _raise_access_denied_without_key(self):
            if "BucketName" in self._data:
                raise BucketAccessDeniedError(bucket=self._data["BucketName"])
            raise S3AccessDeniedError()

        def check_signature(self):
            secret = self._access_key.create_credentials().secret_key
            if self._kind == "v2query":
                expected = self._sigv2_query_signature(secret)
            else:
                if self._kind == "query" and self._expired():
                    self._raise_access_denied()
                expected = self._sigv4_signature(secret)
            if not hmac.compare_digest(expected, self._signature):
                self._raise_signature_does_not_match()

        def _expired(self):
            signed_at = datetime.datetime.strptime(self._timestamp, "%Y%m%dT%H%M%SZ")
            signed_at = signed_at.replace(tzinfo=datetime.timezone.utc)
            now = datetime.datetime.now(datetime.timezone.utc)
            return now > signed_at + datetime.timedelta(seconds=self._expires)

        def _canonical_request(self):
            path = _aws_quote(unquote(self._raw_path), safe="/~-_.")
            pairs = sorted(
                (_aws_quote(name), _aws_quote(value))
                for name, value in self._query
                if not (self._kind == "query" and name == "X-Amz-Signature"))
            query = "&".join(f"{name}={value}" for name, value in pairs)
            names = [h.strip().lower() for h in self._signed_headers if h.strip()]
            lines = "".join(f"{n}:{' '.join(str(self._headers.get(n, '')).split())}\n" for n in names)
            if self._kind == "query":
                payload = dict(self._query).get("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
            else:
                payload = self._headers.get("x-amz-content-sha256") or hashlib.sha256(self._body or b"").hexdigest()
            return "\n".join([self._method.upper(), path, query, lines, ";".join(names), payload])

        def _sigv4_signature(self, secret):
            digest = hashlib.sha256(self._canonical_request().encode("utf-8")).hexdigest()
            to_sign = "\n".join(["AWS4-HMAC-SHA256", self._timestamp, self._scope, digest])
            key = ("AWS4" + secret).encode("utf-8")
            for part in self._scope.split("/"):
                key = _hmac(key, part)
            return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()

        # Sub-resources that SigV2 includes in the canonical resource (the S3 SigV2 spec's list).
        _V2_SUBRESOURCES = {"acl", "cors", "delete", "lifecycle", "location", "logging", "notification",
                            "partNumber", "policy", "requestPayment", "response-cache-control",
                            "response-content-disposition", "response-content-encoding",
                            "response-content-language", "response-content-type", "response-expires",
                            "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
                            "versions", "website"}

        def _sigv2_query_signature(self, secret):
            if self._expires and datetime.datetime.now(datetime.timezone.utc).timestamp() > self._expires:
                self._raise_access_denied()
            amz = sorted((k.lower(), v) for k, v in self._headers.items() if k.lower().startswith("x-amz-"))
            subresources = sorted((k, v) for k, v in self._query if k in self._V2_SUBRESOURCES)
            resource = self._raw_path
            if subresources:
                resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in subresources)
            to_sign = "\n".join([self._method.upper(), self._headers.get("Content-MD5", ""),
                                 self._headers.get("Content-Type", ""), str(self._expires)]
                                + [f"{k}:{v}" for k, v in amz] + [resource])
            mac = hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1).digest()
            return b64encode(mac).decode("ascii")

    original = ActionAuthenticatorMixin._authenticate_and_authorize_s3_action

    def authenticate_s3(self, bucket_name=None, key_name=None):
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            return original(self, bucket_name=bucket_name, key_name=key_name)
        environ = getattr(getattr(self, "request", None), "environ", None) or {}
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if not raw_uri:  # not behind werkzeug (decorator mode): keep moto's own check
            return original(self, bucket_name=bucket_name, key_name=key_name)
        arn = f"{bucket_name or '*'}/{key_name}" if key_name else (bucket_name or "*")
        resource = f"arn:{get_partition(self.region)}:s3:::{arn}"
        iam_request = RawSigV4S3Request(
            account_id=self.current_account, method=self.method, raw_uri=raw_uri,
            data=self.data, body=self.raw_body, headers=self.headers, action=self._get_action())
        iam_request.check_signature()
        token = _S3_REQUEST_CONTEXT.set(_s3_condition_context(iam_request._action, iam_request._query))
        try:
            batch_keys = _delete_objects_keys(iam_request, key_name, self.raw_body)
            if batch_keys is not None:
                # DeleteObjects: AWS checks s3:DeleteObject per key; moto checks it on the bucket ARN.
                for key in batch_keys:
                    iam_request.check_action_permitted(f"arn:{get_partition(self.region)}:s3:::{bucket_name}/{key}")
                return
            iam_request.check_action_permitted(resource)
        finally:
            _S3_REQUEST_CONTEXT.reset(token)

    ActionAuthenticatorMixin._authenticate_and_authorize_s3_action = authenticate_s3
    access_control.RawSigV4S3Request = RawSigV4S3Request


def _install_policy_document_validation():
    """AWS parses a bucket policy before storing it (MalformedPolicy, HTTP 400); moto 5.2 stores any bytes.

    Test-MediaAccess's PutBucketPolicy probe relies on that rejection, so without this a probe
    against moto would replace the bucket policy.
    """
    import json
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import S3Backend

    class MalformedPolicy(S3ClientError):
        code = "MalformedPolicy"

        def __init__(self):
            super().__init__("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")

    original = S3Backend.put_bucket_policy

    def put_bucket_policy(self, bucket_name, policy):
        try:
            document = json.loads(policy)
        except (TypeError, ValueError):
            document = None
        if not isinstance(document, dict) or "Statement" not in document:
            raise MalformedPolicy()
        return original(self, bucket_name, policy)

    S3Backend.put_bucket_policy = put_bucket_policy


def _install_unsigned_web_identity():
    """AssumeRoleWithWebIdentity/SAML are unsigned in AWS; moto's IAM mode answers them with HTTP 500."""
    from moto.core.authorization import ActionAuthenticatorMixin

    original = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
    unsigned = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}

    def authenticate(self, resource="*"):
        if "Authorization" not in self.headers and self._get_action() in unsigned:
            return None
        return original(self, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authenticate


def fix_sigv4_canonicalisation():
    """Replace moto's S3 SigV4 check under IAM enforcement (getmoto/moto#5948); see module doc."""
    _install_s3_signature_fix()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--emulate-s3-prefix-condition", action="store_true",
                        help="evaluate s3:prefix/s3:delimiter/s3:max-keys String* conditions like AWS")
    parser.add_argument("--without-sigv4-fix", action="store_true",
                        help="moto's own S3 signature check, to reproduce getmoto/moto#5948 in a test")
    args = parser.parse_args()

    if not args.without_sigv4_fix:
        fix_sigv4_canonicalisation()
    if args.emulate_s3_prefix_condition:
        _install_s3_prefix_condition_emulation()
    _install_policy_document_validation()
    _install_unsigned_web_identity()

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    try:
        server._thread.join()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
