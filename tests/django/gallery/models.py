from django.db import models


class Document(models.Model):
    """A model with a FileField, as in the app being migrated."""
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="uploads/%Y/%m/")
