"""Settings of lead capture and follow-up, from environment variables (docs/leads.md).
Imported by base.py; staff change the rest in the admin (Settings > Lead settings)."""

from .environment import env

# Lead capture (see docs/leads.md).
# Who gets notifications of CTAs without an owner, unless set in the admin (Settings > Leads).
LEADS_NOTIFY_EMAIL = env("LEADS_NOTIFY_EMAIL", "sales@localhost")
# Rate limits on the shared cache, e.g. "ip=30/h,email=10/h"; "off" disables them (load tests).
LEAD_RATE_LIMITS = env("LEAD_RATE_LIMITS", "ip=30/h,email=10/h")
# CTA impression beacons counted per client IP and hour; more get a 429 and are not counted,
# so one client cannot inflate the funnel. Far above what a reader scrolls past; 0 = off.
LEAD_IMPRESSIONS_PER_IP_HOUR = int(env("LEAD_IMPRESSIONS_PER_IP_HOUR", "600"))
# A form posted sooner than this after the page view (leads.js restamps the tokens of cached
# pages; without JavaScript, after the render) is treated as a bot.
LEAD_FORM_MIN_SECONDS = float(env("LEAD_FORM_MIN_SECONDS", "3"))
# How long a rendered form stays valid. Keep it above the longest page cache lifetime.
LEAD_FORM_MAX_AGE_HOURS = int(env("LEAD_FORM_MAX_AGE_HOURS", "72"))
# How long the signed download and thank-you links work.
LEAD_DOWNLOAD_LINK_DAYS = int(env("LEAD_DOWNLOAD_LINK_DAYS", "7"))
# Where a quote's thank-you offers to book a call (a scheduling page, e.g. Cal.com or Calendly).
# Empty: no booking link. docs/leads.md, "Thank-you pages".
LEAD_BOOKING_URL = env("LEAD_BOOKING_URL", "")
# Confirmation emails per address and hour; more are skipped (and shown as skipped).
LEAD_CONFIRMATIONS_PER_HOUR = int(env("LEAD_CONFIRMATIONS_PER_HOUR", "3"))
# Attempts before a failed delivery (email, webhook) is given up; backoff doubles each time.
LEAD_DELIVERY_MAX_ATTEMPTS = int(env("LEAD_DELIVERY_MAX_ATTEMPTS", "8"))
# A delivery still "sending" this long after its attempt began was taken by a worker that died
# (killed, out of memory, rebooted): the workers' sweep and `redrive_deliveries` take it again.
# Keep it well above EMAIL_TIMEOUT and the webhook timeout, or a slow send could go out twice.
LEAD_DELIVERY_STUCK_SECONDS = int(env("LEAD_DELIVERY_STUCK_SECONDS", "900"))
# Tests only, never set from the environment: "host:port" pairs the CRM webhook may reach over
# plain http on a loopback or private address (the test suite's local receivers). Everywhere
# else the webhook posts only over https to public addresses (leads/followup/webhook_target.py).
LEAD_WEBHOOK_UNSAFE_TEST_HOSTS: list[str] = []
# Largest request body a lead form accepts (bytes); bigger ones get a clear 413.
LEAD_MAX_BODY_BYTES = int(env("LEAD_MAX_BODY_BYTES", str(64 * 1024)))
# Days a submission is kept, per review status, before `apply_retention` erases it (counted
# from its last status change); "default" covers the other statuses, "off" keeps everything.
LEAD_RETENTION_DAYS = env("LEAD_RETENTION_DAYS", "spam=90,disqualified=90,default=1095")
