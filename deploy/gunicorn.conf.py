"""gunicorn for LeadSite: `gunicorn -c deploy/gunicorn.conf.py leadsite.wsgi`.

Written for one app server behind nginx (deploy/nginx/leadsite.conf), which buffers slow
clients, so plain sync workers are the right kind. Every value can be changed through the
environment, as the rest of the settings are:

    GUNICORN_BIND          address to listen on (127.0.0.1:8000; nginx proxies to it)
    WEB_CONCURRENCY        worker processes (2 per core, plus one)
    GUNICORN_THREADS       threads per worker (1: sync workers; more switches to gthread)
    GUNICORN_TIMEOUT       seconds before a stuck worker is killed and replaced (30)
    GUNICORN_MAX_REQUESTS  requests before a worker is recycled (2000, with jitter)
    GUNICORN_ACCESS_LOG    access log file, "-" for standard output (default), "" for none

Each worker holds its own database connection (DB_CONN_MAX_AGE); size PostgreSQL's
max_connections for app servers times WEB_CONCURRENCY, plus the task workers.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
# Longer than nginx's upstream keepalive, so nginx closes idle connections first.
keepalive = 75
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that may stall (containers mount /tmp on overlay).
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - a folder gunicorn only writes its heartbeats to
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

# Only nginx on this machine may say a request came over HTTPS; Django reads the header only
# when BEHIND_TLS_PROXY is set.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The access log names the method, the path without its query string (search terms and
# campaign tags stay out), the status, the size, the time in ms and the request id that the
# app's own log lines carry. No client address: nginx sees it, the app logs none.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
