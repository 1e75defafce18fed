"""Security headers on every page, a sign-in that resists guessing, and honest client IPs."""

import datetime
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings

from leadsite.client_ip import client_ip
from tests.factories import make_article
from tests.leadsite.fresh_process import run_python

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "leadsite.settings.production",
    "SECRET_KEY": "k8Jq2vR7xZ1mN4pT6wY9bC3dF5gH0jL2sA7eU1iO4rK8nM6qW3zX",
    "ALLOWED_HOSTS": "www.example.com",
}


def policy(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    directives = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def article(article_index):
    return make_article(article_index, "Secure article")


@pytest.fixture
def staff():
    return User.objects.create_user("rita", "rita@site.example", PASSWORD, is_staff=True)


def test_public_page_allows_scripts_and_styles_from_the_site_only(article):
    csp = policy(Client().get(article.url))
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


@pytest.mark.parametrize("url", ["article", "/", "/posts/", "/search/", "/tags/"])
def test_public_pages_allow_no_inline_script(article, url):
    csp = policy(Client().get(article.url if url == "article" else url))
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]


def test_admin_policy_loosens_only_what_wagtail_needs(admin_client):
    csp = policy(admin_client.get("/admin/"))
    # Wagtail's date widgets and inline panels write inline scripts; nothing is evaluated.
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["object-src"] == ["'none'"]
    assert "blob:" in csp["img-src"]
    assert csp["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("url", ["article", "/admin/login/", "/search/", "/no-such-page/"])
def test_security_headers_are_on_public_and_admin_pages(article, url):
    response = Client().get(article.url if url == "article" else url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in response


# Production settings, in a fresh interpreter as a server would load them.


def run_production(code, **env):
    return run_python("-c", code, **PRODUCTION_ENV, **env)


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


HEADERS_OVER_HTTPS = """
import django; django.setup()
from django.test import Client
response = Client().get("/robots.txt", secure=True, HTTP_HOST="www.example.com")
print(response["Strict-Transport-Security"])
print(response["Content-Security-Policy"])
from django.conf import settings
print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)
"""


def test_production_sends_hsts_and_secure_cookies_over_https(tmp_path):
    result = run_production(HEADERS_OVER_HTTPS, DATABASE_URL=f"sqlite:///{tmp_path / 'db'}")
    assert result.returncode == 0, result.stderr
    hsts, csp, cookies = result.stdout.splitlines()
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in csp
    assert cookies == "True True True"


def test_production_trusts_forwarded_proto_only_behind_a_declared_proxy():
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    assert run_production(code).stdout.strip() == "None"
    behind = run_production(code, BEHIND_TLS_PROXY="true").stdout.strip()
    assert behind == "('HTTP_X_FORWARDED_PROTO', 'https')"


# Sign-in: django-axes.


def sign_in(password, *, ip="203.0.113.7", username="rita", **headers):
    return Client(REMOTE_ADDR=ip).post(
        "/admin/login/", {"username": username, "password": password}, **headers
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_correct_password_signs_in(staff):
    assert signed_in(sign_in(PASSWORD))


def test_five_wrong_passwords_lock_the_sign_in(staff):
    statuses = [sign_in("wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = sign_in(PASSWORD)
    assert locked.status_code == 429
    assert "sessionid" not in locked.cookies


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(staff):
    for n in range(5):
        sign_in("wrong", username="someone-else", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = sign_in(PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_guessing_one_username_from_many_addresses_locks_that_username(staff):
    for n in range(5):
        sign_in("wrong", ip=f"192.0.2.{n}")
    assert sign_in(PASSWORD, ip="192.0.2.200").status_code == 429


def test_lockout_of_one_address_leaves_other_people_signing_in(staff):
    User.objects.create_user("sam", "sam@site.example", PASSWORD, is_staff=True)
    for _ in range(5):
        sign_in("wrong", username="nobody")
    assert signed_in(sign_in(PASSWORD, username="sam", ip="203.0.113.99"))


# Three seconds: the five failures must all fall inside the cool-off window, also on a busy
# machine (with one second, a slow sign-in let the first failure expire before the fifth).
@override_settings(AXES_COOLOFF_TIME=datetime.timedelta(seconds=3))
def test_lockout_ends_after_the_cool_off(staff):
    for _ in range(5):
        sign_in("wrong")
    assert sign_in(PASSWORD).status_code == 429
    time.sleep(3.2)
    assert signed_in(sign_in(PASSWORD))


def test_lockout_page_shows_no_username_or_address(staff):
    for _ in range(5):
        sign_in("wrong")
    body = sign_in(PASSWORD).content.decode()
    assert "rita" not in body
    assert "203.0.113.7" not in body


def test_password_reset_does_not_reveal_whether_an_account_exists(staff, mailoutbox):
    known = Client().post("/admin/password_reset/", {"email": "rita@site.example"})
    unknown = Client().post("/admin/password_reset/", {"email": "nobody@site.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in mailoutbox] == [["rita@site.example"]]


# Client IPs.


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_forwarded_header_is_ignored_without_a_trusted_proxy():
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_it_appended():
    request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.1")
    assert client_ip(request) == "198.51.100.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_a_cdn_and_nginx_the_client_is_second_from_the_right():
    request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.1, 192.0.2.50")
    assert client_ip(request) == "198.51.100.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_garbage_in_the_forwarded_header_falls_back_to_the_peer():
    assert client_ip(request_from("10.0.0.2", "not-an-ip")) == "10.0.0.2"
