"""Load settings emitted by New-MediaDjangoSettings into a real Django + django-storages and report.

Usage: /usr/bin/python3 django_settings_check.py <settings.py> inspect|exercise|url|save [name]
Prints one JSON object: the storage class and its options; with `exercise`, also the results of
save/open/exists/url/listdir/delete against the configured S3 (credentials from the environment,
as the emitted settings expect); with `url`, the URL the storage hands out for <name>; with `save`, the name a file saved
as <name> got (the object is kept).

Debian's Django is 3.2 (no STORAGES setting) and its django-storages 1.13 predates the
`storages.backends.s3` name (1.14). For STORAGES output this script does what Django 4.2's
StorageHandler does -- import BACKEND, instantiate it with OPTIONS -- and, only when that exact
module is missing, uses `storages.backends.s3boto3.S3Boto3Storage`, the same class under its older
name. It reports that it did (`backend_alias_used`).
"""
import importlib.util
import json
import os
import sys


def load_settings(path):
    spec = importlib.util.spec_from_file_location("mediaops_generated_settings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def make_storage(values):
    import django
    from django.conf import settings

    settings.configure(**values)
    django.setup()
    if "STORAGES" not in values:
        from django.core.files.storage import default_storage

        default_storage._setup()
        return default_storage._wrapped, False
    from django.utils.module_loading import import_string

    config = values["STORAGES"]["default"]
    try:
        cls, alias = import_string(config["BACKEND"]), False
    except ImportError:
        if config["BACKEND"] != "storages.backends.s3.S3Storage":
            raise
        cls, alias = import_string("storages.backends.s3boto3.S3Boto3Storage"), True
    return cls(**config.get("OPTIONS", {})), alias


def main():
    path, action = sys.argv[1], sys.argv[2]
    values = load_settings(path)
    storage, alias = make_storage(values)
    report = {
        "backend": f"{type(storage).__module__}.{type(storage).__name__}",
        "backend_alias_used": alias,
        "settings": sorted(values),
        "staticfiles_backend": values.get("STORAGES", {}).get("staticfiles", {}).get("BACKEND"),
    }
    # What the settings left for botocore's config chain (New-MediaDjangoSettings -EndpointUrl sets them).
    report["request_checksum_calculation"] = os.environ.get("AWS_REQUEST_CHECKSUM_CALCULATION")
    report["response_checksum_validation"] = os.environ.get("AWS_RESPONSE_CHECKSUM_VALIDATION")
    for option in ("bucket_name", "region_name", "location", "default_acl", "file_overwrite",
                   "querystring_auth", "custom_domain", "endpoint_url", "addressing_style", "object_parameters"):
        report[option] = getattr(storage, option, None)
    if action == "url":
        report["url"] = storage.url(sys.argv[3])
    if action == "save":
        # Saved and kept, so its headers can be compared with an object MediaOps uploaded.
        from django.core.files.base import ContentFile

        report["saved"] = storage.save(sys.argv[3], ContentFile(b"saved by django"))
    if action == "exercise":
        from django.core.files.base import ContentFile

        name = storage.save("mediaops-django/probe file.txt", ContentFile(b"django body"))
        second = storage.save("mediaops-django/probe file.txt", ContentFile(b"second body"))
        with storage.open(name) as handle:
            report["read"] = handle.read().decode("utf-8")
        report.update(
            saved=name,
            second=second,
            exists=storage.exists(name),
            missing_exists=storage.exists("mediaops-django/never-written.txt"),
            url=storage.url(name),
            size=storage.size(name),
            listdir=storage.listdir("mediaops-django")[1],
        )
        storage.delete(name)
        storage.delete(second)
        report["exists_after_delete"] = storage.exists(name)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
