"""Settings of email to captured people (mailings: broadcasts, sequences, reminders), from
environment variables; docs/email.md explains each. Imported by base.py."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .environment import env

# Emails each worker process sends per second at most (0: as fast as the mail server takes
# them). Two workers at 50 send 100 a second in all. Providers publish their own limits.
MAIL_SEND_RATE = float(env("MAIL_SEND_RATE", "0"))
# Sends a worker takes at a time. A worker killed mid-batch leaves these claimed, and the
# others take them back after MAIL_CLAIM_SECONDS; only the one in flight can go twice.
MAIL_BATCH_SIZE = int(env("MAIL_BATCH_SIZE", "100"))
# A send still claimed this long after a worker took it was left by a worker that died: send
# it again. Keep it well above a batch's sending time (MAIL_BATCH_SIZE / rate) and EMAIL_TIMEOUT.
MAIL_CLAIM_SECONDS = int(env("MAIL_CLAIM_SECONDS", "300"))
# How often each worker starts due broadcasts, enrols people in sequences and queues due steps
# and webinar reminders, in seconds.
MAIL_TICK_SECONDS = float(env("MAIL_TICK_SECONDS", "5"))
# Attempts before a failing send is given up; the wait doubles from a minute.
MAIL_MAX_ATTEMPTS = int(env("MAIL_MAX_ATTEMPTS", "5"))
# The domain of our Message-IDs (<send reference@domain>); empty: SITE_URL's host.
MAIL_MESSAGE_ID_DOMAIN = env("MAIL_MESSAGE_ID_DOMAIN", "") or (
    urlsplit(env("SITE_URL", "http://127.0.0.1:8000")).hostname or "localhost"
)

# An email service provider instead of SMTP, through django-anymail: EMAIL_PROVIDER names it
# (one of EMAIL_PROVIDERS), and every ANYMAIL_* variable becomes one of anymail's settings
# without the prefix, e.g. ANYMAIL_MAILGUN_API_KEY, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY,
# ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_WEBHOOK_SECRET ("user:password", the basic
# authentication of the webhook URLs). The providers' signed webhooks
# (/email/provider/<provider>/tracking/) report deliveries, bounces and complaints
# (mailings/tracking.py). docs/email.md, "Deliverability", has each provider's setup.
EMAIL_PROVIDERS = {
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    "mailersend": "anymail.backends.mailersend.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "mailjet": "anymail.backends.mailjet.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "resend": "anymail.backends.resend.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "sparkpost": "anymail.backends.sparkpost.EmailBackend",
}
EMAIL_PROVIDER = env("EMAIL_PROVIDER", "").strip().lower()
if EMAIL_PROVIDER:
    if EMAIL_PROVIDER not in EMAIL_PROVIDERS:
        raise ImproperlyConfigured(
            f"EMAIL_PROVIDER must be one of {', '.join(EMAIL_PROVIDERS)}, not {EMAIL_PROVIDER!r}."
        )
    EMAIL_BACKEND = EMAIL_PROVIDERS[EMAIL_PROVIDER]
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
