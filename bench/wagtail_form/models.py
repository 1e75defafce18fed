"""A contact form page as in wagtail/bakerydemo (`bakerydemo/base/models.py`, FormPage).

Stock `AbstractEmailForm`: on a valid POST it stores a FormSubmission, emails it to
`to_address` in the request, and renders the landing page with 200 (no redirect).
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", related_name="form_fields", on_delete=models.CASCADE)


class ContactPage(AbstractEmailForm):
    body = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)

    template = "wagtail_form/contact_page.html"
    landing_page_template = "wagtail_form/contact_page_landing.html"
