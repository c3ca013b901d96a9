"""The way back in for someone who lost phone and recovery codes: a Beheerder deletes their
app in the admin, without ever seeing its secret or the recovery codes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import app_code, password_login
from tests.factories import AdministratorFactory, LeaderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerder(settings, enrolled):
    settings.BB_2FA_REQUIRED_FOR = "beheerder"
    person = AdministratorFactory(is_staff=True)
    key, _ = enrolled(person)
    client = Client()
    password_login(client, person)
    client.post(reverse("accounts:two_factor_verify"), {"code": app_code(key)})
    return client


def test_a_beheerder_deletes_a_persons_app_and_sees_no_secret(beheerder, enrolled):
    leader = LeaderFactory()
    key, codes = enrolled(leader)
    device = TOTPDevice.objects.get(user=leader)
    static = StaticDevice.objects.get(user=leader)

    change = beheerder.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert key not in change.content.decode()
    codes_page = beheerder.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk]))
    assert codes_page.status_code == 200
    assert not any(code in codes_page.content.decode() for code in codes)
    # Nobody sets up an app for someone else.
    assert beheerder.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403

    for name, pk in (
        ("admin:otp_totp_totpdevice_delete", device.pk),
        ("admin:otp_static_staticdevice_delete", static.pk),
    ):
        response = beheerder.post(reverse(name, args=[pk]), {"post": "yes"})
        assert response.status_code == 302, name
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()

    # The person logs in with the password alone again (not required for a Projectleider).
    client = Client()
    password_login(client, leader)
    assert client.get("/projects/").status_code == 200
