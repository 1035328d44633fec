from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage for private files (consent evidence): it has no URL at all."""

    def url(self, name):
        raise ValueError("Private files have no URL; they are served by a permission-checked view.")
