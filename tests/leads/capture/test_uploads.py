"""File uploads: a file a reader attaches is kept privately, reachable by sales only through the
contact page, and deleted with the person's data."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leads import services
from leads.models import Attachment, Submission
from leads.uploads import private_storage
from tests.factories import lead_form_data, log_in, make_builder_cta

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a brief\n%%EOF\n"
QUESTIONS = [
    {
        "type": "email",
        "value": {"name": "email", "label": "Email", "property": "email", "required": True},
    },
    {
        "type": "file",
        "value": {
            "name": "brief",
            "label": "Your brief",
            "required": True,
            "extensions": "pdf, docx",
            "max_size_mb": 1,
        },
    },
]


def submit(client, cta, data, **headers):
    return client.post(
        reverse("leads:submit", args=[cta.pk]), data, HTTP_ORIGIN="http://testserver", **headers
    )


def upload(name="brief.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def cta():
    return make_builder_cta(QUESTIONS)


def test_the_form_asks_for_the_file_as_multipart_with_its_types(client, cta):
    html = client.get(f"/leads/cta/{cta.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="brief" accept=".pdf,.docx"' in html


def test_an_uploaded_file_is_kept_privately_under_a_random_name(client, cta):
    response = submit(client, cta, lead_form_data(cta, brief=upload("RFP Acme 2027.pdf")))
    assert response.status_code == 303
    attachment = Attachment.objects.get()
    assert attachment.name == "RFP_Acme_2027.pdf"
    assert "Acme" not in attachment.file.name and "RFP" not in attachment.file.name
    assert private_storage().open(attachment.file.name).read() == PDF
    stored = Path(private_storage().path(attachment.file.name))
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert Submission.objects.get().answers["brief"] == "RFP_Acme_2027.pdf"


def test_a_file_is_not_reachable_by_any_public_address(client, cta):
    submit(client, cta, lead_form_data(cta, brief=upload()))
    name = Attachment.objects.get().file.name
    for path in (f"/media/{name}", f"/never-served/{name}", f"/{name}"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("brief.exe", PDF, "Choose a file of one of these types: pdf, docx."),
        ("brief.pdf", b"", "This file is empty. Please choose another."),
        ("brief.pdf", b"x" * (1024 * 1024 + 1), "This file is larger than 1 MB."),
    ],
)
def test_a_file_of_the_wrong_type_or_size_is_refused_with_a_clear_error(
    client, cta, name, content, error
):
    response = submit(client, cta, lead_form_data(cta, brief=upload(name, content)))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Attachment.objects.exists()
    assert not Submission.objects.exists()


def test_a_file_name_is_sanitised(client, cta):
    submit(client, cta, lead_form_data(cta, brief=upload("../../etc/<script>brief.pdf")))
    assert Attachment.objects.get().name == "scriptbrief.pdf"


def test_a_replayed_form_stores_one_file(client, cta):
    data = lead_form_data(cta)
    submit(client, cta, data | {"brief": upload()})
    submit(client, cta, data | {"brief": upload()})
    assert Attachment.objects.count() == 1
    assert len(private_storage().listdir("leads")[0]) == 1


def test_sales_download_the_file_from_the_contact_page_as_a_download(client, cta):
    submit(client, cta, lead_form_data(cta, brief=upload()))
    attachment = Attachment.objects.get()
    contact = attachment.submission.contact
    url = reverse("leads_contact:attachment", args=[contact.pk, attachment.pk])
    log_in(client, "sales")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="brief.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["editor", "anonymous"])
def test_people_who_may_not_see_answers_cannot_download_the_file(client, cta, role):
    submit(client, cta, lead_form_data(cta, brief=upload()))
    attachment = Attachment.objects.get()
    url = reverse(
        "leads_contact:attachment", args=[attachment.submission.contact_id, attachment.pk]
    )
    client.cookies.clear()
    log_in(client, role)
    response = client.get(url)
    assert response.status_code in {302, 403}


def test_erasing_the_person_deletes_the_file(client, cta):
    submit(client, cta, lead_form_data(cta, brief=upload()))
    name = Attachment.objects.get().file.name
    services.person_erase(email="ana@acme.example")
    assert not Attachment.objects.exists()
    assert not private_storage().exists(name)


def test_a_body_larger_than_the_files_allow_is_refused_with_a_clear_message(client, cta):
    big = upload("brief.pdf", b"x" * (3 * 1024 * 1024))
    response = submit(client, cta, lead_form_data(cta, brief=big))
    assert response.status_code == 413
    assert "more than this form can take" in response.content.decode()


def test_the_contact_page_lists_the_file_with_its_download_link(client, cta):
    submit(client, cta, lead_form_data(cta, brief=upload("Brief.pdf")))
    attachment = Attachment.objects.get()
    contact = attachment.submission.contact
    log_in(client, "sales")
    html = client.get(reverse("leads_contact:detail", args=[contact.pk])).content.decode()
    link = reverse("leads_contact:attachment", args=[contact.pk, attachment.pk])
    assert f'<a href="{link}" download>Brief.pdf</a>' in html
