"""`manage.py send_mail`: a process that only sends email (mailings/sending/dispatch.py).

Every `manage.py run_worker` already runs the same loop beside its tasks; this command runs it
alone, for a deployment that wants a mail process of its own (or several), for bench/mail and
for the tests that kill one mid-send. `--drain` sends what is due now and exits.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from mailings.sending import dispatch


class Command(BaseCommand):
    help = "Send due email (broadcasts, sequence steps, webinar reminders) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--drain", action="store_true", help="Send what is due now, then exit.")

    def handle(self, *args, drain=False, **options):
        if drain:
            counts = dispatch.drain()
            summary = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
            self.stdout.write(summary or "Nothing was due.")
            return
        stopped = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopped.set())
        self.stdout.write("Sending email until stopped.", ending="\n")
        self.stdout.flush()
        dispatch.run_forever(stopped)
