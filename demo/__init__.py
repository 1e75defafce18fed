"""Demo content and fake data: the demo articles, calls to action and leads that `make run`
loads (`manage.py load_demo`), and the bulk lead generator of the inbox benchmark
(`manage.py generate_leads`, bench/inbox).

Installed by the dev and test settings only: production has no demo data and no way to make
it. See demo/README.md.
"""
