"""Production refuses demo data, and `check --deploy` reports superusers with the published demo password."""

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import override_settings

from hub.demo.loader import DEMO_PASSWORD, DEMO_USERNAME, DemoRefused, load_demo_content

from .env import BASE_ENV, manage


@pytest.mark.django_db
@override_settings(HUB_PROFILE="production")
def test_loader_and_command_refuse_under_the_production_profile():
    with pytest.raises(DemoRefused):
        load_demo_content()
    with pytest.raises(CommandError, match="not loaded under the production profile"):
        call_command("load_demo_content", verbosity=0)
    assert not get_user_model().objects.filter(username=DEMO_USERNAME).exists()


def test_the_real_production_profile_refuses_the_demo(tmp_path):
    env = {key: value for key, value in BASE_ENV.items() if key != "DATABASE_URL"}
    env["HUB_VAR_DIR"] = str(tmp_path)
    result = manage("load_demo_content", env=env)
    assert result.returncode != 0
    assert "not loaded under the production profile" in result.stderr
    assert DEMO_PASSWORD not in result.stdout + result.stderr


def deploy_check_ids() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True)}


@pytest.mark.django_db
def test_check_deploy_reports_a_superuser_with_the_demo_password(django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", DEMO_PASSWORD)
    messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "hub.ops.E010"]
    assert len(messages) == 1 and "chief" in messages[0].msg
    user.set_password("a-long-private-passphrase-nobody-published")
    user.save()
    assert "hub.ops.E010" not in deploy_check_ids()


@pytest.mark.django_db
def test_an_ordinary_user_with_the_demo_password_is_no_deploy_error(django_user_model):
    django_user_model.objects.create_user("listener", "l@example.org", DEMO_PASSWORD)
    assert "hub.ops.E010" not in deploy_check_ids()
