"""`manage.py runserver` (what `make run` starts), with scheduled publishing and the apps'
background loops (leadsite/background.py: sending due email) running beside it.

In production every `run_worker` publishes what is scheduled (leadsite/scheduling.py); the
development server has no worker (tasks run in the request), so it runs the same loop in a
thread of the process that serves (the autoreloader's child, which restarts on a code change).
This shadows staticfiles' command (`blog` comes before it in INSTALLED_APPS) and takes its
options.
"""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from leadsite import background, scheduling


class Command(RunserverCommand):
    help = RunserverCommand.help + " Publishes and unpublishes scheduled pages and snippets."

    def inner_run(self, *args, **options):
        stopped = scheduling.start()
        loops = background.start()  # e.g. sending due email (mailings)
        try:
            return super().inner_run(*args, **options)
        finally:
            stopped.set()
            loops.set()
