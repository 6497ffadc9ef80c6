"""Drives the test Django site for the MediaOps interop tests. Prints JSON.

  djangoctl.py migrate                      create the sqlite schema
  djangoctl.py open NAME...                 default_storage.open(name) and url(name) fetched over HTTP
  djangoctl.py save NAME=PATH...            save files through the model (FileField), as the app would
  djangoctl.py export CSV                   SELECT id, file FROM gallery_document as CSV (a DB export)
  djangoctl.py url NAME [--at YYYYmmddTHHMMSSZ] [--expire N]   default_storage.url(name), optionally signed at that instant
  djangoctl.py key NAME...                  the key django-storages uses, or null when it refuses the name
"""
import csv
import datetime
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediasite.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import SuspiciousOperation  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from storages.utils import clean_name  # noqa: E402

from gallery.models import Document  # noqa: E402


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cmd_migrate(_args):
    call_command("migrate", run_syncdb=True, verbosity=0)
    return {"ok": True}


def cmd_open(names):
    out = []
    for name in names:
        with default_storage.open(name, "rb") as f:
            data = f.read()
        url = default_storage.url(name)
        status, body = fetch(url)
        out.append({
            "name": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "length": len(data),
            "url": url,
            "urlStatus": status,
            "urlSha256": hashlib.sha256(body).hexdigest(),
        })
    return out


def cmd_save(pairs):
    out = []
    for pair in pairs:
        name, path = pair.split("=", 1)
        with open(path, "rb") as fh:
            doc = Document(title=os.path.basename(name))
            doc.file.save(name, File(fh), save=True)
        out.append({"id": doc.pk, "name": doc.file.name})
    return out


def cmd_export(args):
    with connection.cursor() as c:
        c.execute("SELECT id, file FROM gallery_document ORDER BY id")
        rows = c.fetchall()
    with open(args[0], "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "file"])
        w.writerows(rows)
    return {"rows": len(rows)}


def cmd_url(args):
    name, at, expire = args[0], None, None
    rest = args[1:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "--at":
            at = datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ")
        elif flag == "--expire":
            expire = int(value)
    if at is not None:
        # Sign at the instant MediaOps signed, so the two signatures must be byte-identical.
        import botocore.auth

        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return at

        botocore.auth.datetime.datetime = Frozen
    return {"name": name, "url": default_storage.url(name, expire=expire)}


def cmd_key(names):
    out = []
    for name in names:
        try:
            key = default_storage._normalize_name(clean_name(name))
        except SuspiciousOperation:
            key = None
        out.append({"name": name, "key": key})
    return out


COMMANDS = {"migrate": cmd_migrate, "open": cmd_open, "save": cmd_save, "export": cmd_export, "url": cmd_url, "key": cmd_key}

if __name__ == "__main__":
    result = COMMANDS[sys.argv[1]](sys.argv[2:])
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
