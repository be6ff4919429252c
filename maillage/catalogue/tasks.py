"""Background work of the catalogue (django-tasks: immediate in development, a worker in production)."""

from django_tasks import task


@task()
def send_alert_digests(frequency: str) -> int:
    from maillage.catalogue.services.alerts import send_digests

    return send_digests(frequency=frequency)


@task()
def expire_listings() -> int:
    from maillage.catalogue.services.listings import expire_listings as expire
    from maillage.catalogue.services.listings import send_expiry_reminders

    send_expiry_reminders()
    return expire()
