"""The demo municipality: not part of the product (``python manage.py seed_demo``).

``seed.demo_seed`` builds it; the other modules hold its organisation, showcase projects,
generated projects, the clock they are dated by and the writer that stores them. It uses
the product's models and services; nothing of the product imports it.
"""
