"""The reference of bench/leads: a Wagtail form page like the bakerydemo's contact page.

A bench-only Django app, installed only by `wagtail_form.settings` (the site's production
settings plus `wagtail.contrib.forms` and this app), never by leadsite's settings: the product
has no form pages, and `manage.py makemigrations --check` with leadsite's settings never sees
this app. bench/leads migrates it into its throwaway database, creates one page, and serves
the site with these settings to measure what a stock Wagtail form page costs per submission.
"""
