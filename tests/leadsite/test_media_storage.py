"""Media on S3-compatible object storage: images public by plain URL, documents still gated.

The bucket is served by moto's S3 server, a real HTTP server on a loopback port that speaks
the S3 protocol, so django-storages and boto3 run exactly as against AWS, MinIO or R2.
"""

import json
import urllib.error
import urllib.request

import boto3
import pytest
from django.conf import settings
from django.test import override_settings
from moto.server import ThreadedMotoServer

from leadsite.settings.base import s3_storage
from tests.factories import lead_form_data, make_article, make_cta, make_document, make_image
from tests.live_site import free_port

pytestmark = pytest.mark.django_db

BUCKET = "leadsite-media"
PDF = b"%PDF-1.4\n% stored in the bucket\n"
# The policy docs/deploy.md asks for: images readable by anyone, documents by no one.
PUBLIC_IMAGES_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [
                    f"arn:aws:s3:::{BUCKET}/images/*",
                    f"arn:aws:s3:::{BUCKET}/original_images/*",
                ],
            }
        ],
    }
)


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_IMAGES_POLICY)
    storages = {
        **settings.STORAGES,
        "default": s3_storage(BUCKET, endpoint_url=s3_endpoint, region="us-east-1"),
    }
    with override_settings(STORAGES=storages):
        yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_uploaded_image_and_its_renditions_are_stored_in_the_bucket(bucket, client, article_index):
    article = make_article(article_index, hero_image=make_image("Hero"))
    assert client.get(article.url).status_code == 200
    stored = keys(bucket)
    assert any(key.startswith("original_images/") for key in stored)
    assert any(key.startswith("images/") for key in stored)


def test_article_images_load_from_a_plain_bucket_url(bucket, client, s3_endpoint, article_index):
    article = make_article(article_index, hero_image=make_image("Hero"))
    page = client.get(article.url).content.decode()
    start = page.index(f'src="{s3_endpoint}/{BUCKET}/images/')
    url = page[start + 5 : page.index('"', start + 5)]
    assert "Signature" not in url  # cached pages must not carry expiring signed URLs
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "image/webp"
        assert response.read(12)[8:] == b"WEBP"


def test_gated_document_in_the_bucket_downloads_through_the_signed_link(bucket, client):
    cta = make_cta("download", document=make_document("The Playbook", content=PDF))
    assert any(key.startswith("documents/") for key in keys(bucket))
    response = client.post(
        f"/leads/cta/{cta.pk}/submit/", lead_form_data(cta), HTTP_ORIGIN="http://testserver"
    )
    thanks = client.get(response["Location"]).content.decode()
    link = thanks[
        thanks.index("/leads/download/") : thanks.index('"', thanks.index("/leads/download/"))
    ]
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_documents_in_the_bucket_are_not_public(bucket, s3_endpoint):
    document = make_document("The Playbook", content=PDF)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{document.file.name}", timeout=10)
    assert refused.value.code == 403
