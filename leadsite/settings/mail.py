"""Settings of email to captured people (mailings: broadcasts, sequences, reminders), from
environment variables; docs/email.md explains each. Imported by base.py."""

from urllib.parse import urlsplit

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
