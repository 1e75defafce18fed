"""A file a reader uploaded, downloaded from their contact page: with the rights that show the
contact's answers, never from a public address (leads/uploads.py)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from ...models import Attachment
from .views import ContactMixin


class AttachmentDownloadView(ContactMixin, View):
    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(
            Attachment.objects.select_related("submission"),
            pk=attachment_pk,
            submission__contact=self.contact,
            submission__erased_at__isnull=True,
        )
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("The file is no longer in storage.") from missing
        # Always a download, never rendered: whatever a reader put in it (HTML, SVG, a script)
        # cannot run in the admin's origin.
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.name,
            content_type="application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response
