"""Settings are secure by default and come from the environment."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.com"}


def boot_production(code="print('booted')", **env):
    """Load the production settings in a fresh interpreter, as a server process would, and
    run `code` there. The caller's SECRET_KEY, ALLOWED_HOSTS and page-cache variables are
    left out: each test gives the ones it is about."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS"} and not k.startswith(("FRONTEND_", "PAGE_"))
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "leadsite.settings.production", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = boot_production(ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "The SECRET_KEY environment variable is required." in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = boot_production(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "The ALLOWED_HOSTS environment variable is required." in result.stderr


def test_production_starts_with_its_required_settings():
    result = boot_production(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "booted"


def test_database_comes_from_database_url():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        ],
        env={
            **os.environ,
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "leadsite.settings.production",
            "DATABASE_URL": "postgres://u:p@db.internal:5432/leadsite",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "leadsite", "db.internal"]


def test_a_misspelt_lead_rate_limit_stops_the_boot():
    result = boot_production(**PRODUCTION_ENV, LEAD_RATE_LIMITS="ip=30 per hour")
    assert result.returncode != 0
    assert "LEAD_RATE_LIMITS: cannot read 'ip=30 per hour'" in result.stderr


def test_lead_rate_limits_can_be_switched_off():
    result = boot_production(**PRODUCTION_ENV, LEAD_RATE_LIMITS="off")
    assert result.returncode == 0, result.stderr


def production_setting(name, **env):
    """The value of setting `name` in a fresh production process with `env` on top."""
    code = f"from django.conf import settings; print(settings.{name})"
    result = boot_production(code, **PRODUCTION_ENV, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_each_process_keeps_page_copies_for_a_second_without_a_front_cache():
    assert production_setting("PAGE_CACHE_LOCAL_SECONDS") == "1.0"


def test_page_copies_are_off_when_a_front_cache_is_purged():
    # A copy served a second stale would be kept by nginx or the CDN for all of s-maxage.
    purge_url = {"FRONTEND_CACHE_PURGE_URL": "http://127.0.0.1:8081"}
    assert production_setting("PAGE_CACHE_LOCAL_SECONDS", **purge_url) == "0.0"
    both = purge_url | {"PAGE_CACHE_LOCAL_SECONDS": "0.5"}
    assert production_setting("PAGE_CACHE_LOCAL_SECONDS", **both) == "0.5"
