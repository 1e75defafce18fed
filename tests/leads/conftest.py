import pytest

from tests.factories import lead_form_data


@pytest.fixture
def post_lead(client, django_capture_on_commit_callbacks):
    """POST a lead as a browser on this site does; its follow-up runs when it commits.
    Returns the response."""

    def post(cta, **answers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/leads/cta/{cta.pk}/submit/",
                lead_form_data(cta, **answers),
                HTTP_ORIGIN="http://testserver",
            )

    return post
