"""Benchmark scripts (see README.md). A package only so that the tests' live servers can
reuse `_common`'s process helpers (gunicorn, free ports, throwaway PostgreSQL databases)."""
