"""A minimal Django site whose media live in S3 through django-storages, pointed at moto.

Everything that differs per test run comes from the environment, with django-storages' own names:
AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (read by
django-storages/boto3 from the environment). MEDIAOPS_DJANGO_DB is the sqlite file (a temp dir).
MEDIAOPS_QUERYSTRING_AUTH=0 gives the public-media variant (AWS_QUERYSTRING_AUTH = False).
"""
import os

SECRET_KEY = "mediaops-interop-tests-only"
DEBUG = False
USE_TZ = True
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "storages",
    "gallery",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("MEDIAOPS_DJANGO_DB", ":memory:"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Django 3.2 (Debian 12) names the media storage DEFAULT_FILE_STORAGE; Django >= 4.2 uses STORAGES.
DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
STORAGES = {"default": {"BACKEND": DEFAULT_FILE_STORAGE}}

AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]
AWS_S3_ENDPOINT_URL = os.environ["AWS_S3_ENDPOINT_URL"]
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "us-east-1")
AWS_LOCATION = "media"
AWS_QUERYSTRING_AUTH = os.environ.get("MEDIAOPS_QUERYSTRING_AUTH", "1") != "0"
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_S3_FILE_OVERWRITE = False
AWS_DEFAULT_ACL = None
