"""A database outage is a 503 with Retry-After, never a 500 (leadsite/outage.py). Against
real servers, the database restarting under load: tests/production/test_faults.py."""

from django.test import override_settings

FAILING_URLS = "tests.leadsite.failing_urls"


@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_database_unavailable_is_a_503_page_with_retry_after(client):
    response = client.get("/database-down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "back in a moment" in response.content.decode()
    assert "5432" not in response.content.decode()


@override_settings(ROOT_URLCONF=FAILING_URLS)
def test_other_errors_stay_500(client):
    client.raise_request_exception = False

    assert client.post("/fail/", {"email": "ana@acme.example"}).status_code == 500
