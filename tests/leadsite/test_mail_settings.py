"""Mail goes through SMTP (or the console) by default, and through an email service provider
(django-anymail) when EMAIL_PROVIDER names one."""

from tests.leadsite.test_settings import PRODUCTION_ENV, boot_production

SHOW = "from django.conf import settings as s; print(s.EMAIL_BACKEND); print(sorted(s.ANYMAIL))"


def test_smtp_when_no_provider_is_named():
    result = boot_production(SHOW, **PRODUCTION_ENV, EMAIL_HOST="smtp.example.com")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "django.core.mail.backends.smtp.EmailBackend"


def test_a_provider_and_its_settings_come_from_the_environment():
    result = boot_production(
        SHOW,
        **PRODUCTION_ENV,
        EMAIL_PROVIDER="Mailgun",
        ANYMAIL_MAILGUN_API_KEY="key-123",
        ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY="signing-456",
        ANYMAIL_WEBHOOK_SECRET="user:password",
    )

    assert result.returncode == 0, result.stderr
    backend, names = result.stdout.splitlines()
    assert backend == "anymail.backends.mailgun.EmailBackend"
    assert names == str(["MAILGUN_API_KEY", "MAILGUN_WEBHOOK_SIGNING_KEY", "WEBHOOK_SECRET"])


def test_an_unknown_provider_stops_the_boot():
    result = boot_production(SHOW, **PRODUCTION_ENV, EMAIL_PROVIDER="carrier-pigeon")

    assert result.returncode != 0
    assert "EMAIL_PROVIDER must be one of" in result.stderr
