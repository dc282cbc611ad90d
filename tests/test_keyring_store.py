"""TP-KEYRING: where session tokens live with a working, failing, hanging or absent keyring (docs/state-file.md, "Where
tokens live").
"""

from __future__ import annotations

import threading
import time
import tomllib

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from tests.conftest import DEMO_PASSWORD
from tui.core.settings import SecretSettings
from tui.state.secret_store import KeyringUnavailable

pytestmark = pytest.mark.e2e
# The bound of every keyring call: 3 s by default; 0.5 s here, or each hanging call would cost the suite 3 s.
FAST_KEYRING = SecretSettings(keyring_timeout=0.5)


class MemoryKeyring(KeyringBackend):
    priority = -10  # keyring registers every subclass: never let it pick this fake by itself

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.broken = False
        self.release = threading.Event()

    def get_password(self, service, username):
        if self.broken:
            self.release.wait(60)
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


class FailingKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("locked")


class HangingKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        self.release.wait(60)


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()
    installed = []

    def install(backend):
        installed.append(backend)
        keyring.set_keyring(backend)
        return backend

    yield install
    for backend in installed:
        backend.release.set() if hasattr(backend, "release") else None
    keyring.set_keyring(previous)


def state_session(service) -> dict:
    return tomllib.loads(service.store.path.read_text())["session"]


async def test_working_keyring_holds_the_tokens_and_state_toml_does_not(make_service, use_keyring):
    backend = use_keyring(MemoryKeyring())
    async with make_service(secrets=FAST_KEYRING) as service:
        started = time.monotonic()
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        elapsed = time.monotonic() - started
        session = state_session(service)
        token = service.read_state().session.access_token.reveal()
        assert "access_token" not in session and session["token_store"] == "keyring"
        assert token in backend.items.values()
        assert token not in service.store.path.read_text()
        assert service.status().secrets_location.startswith("system keyring")
    async with make_service(secrets=FAST_KEYRING) as second_process:
        assert (await second_process.refresh_license()).level == "Advanced"
        await second_process.sign_out()
    assert backend.items == {} or all(v is None for v in backend.items.values())
    print(f"TP-KEYRING working: sign-in {elapsed:.2f} s, tokens in keyring, 0 in state.toml")


@pytest.mark.parametrize("backend_class", [FailingKeyring, HangingKeyring, fail.Keyring],
                         ids=["failing", "hanging", "absent"])
async def test_unusable_keyring_falls_back_to_the_state_file_with_a_notice(make_service, use_keyring, backend_class):
    use_keyring(backend_class())
    async with make_service(secrets=FAST_KEYRING) as service:
        started = time.monotonic()
        await service.sign_in("pro_adv", DEMO_PASSWORD)
        elapsed = time.monotonic() - started
        status = service.status()
    # Keyring calls are bounded (0.5 s here): a hang must not add more than the bound of the calls a sign-in makes.
    assert elapsed < 4 * FAST_KEYRING.keyring_timeout + 1, f"sign-in took {elapsed:.1f} s"
    assert state_session(service)["token_store"] == "state" and "access_token" in state_session(service)
    assert status.secrets_location.startswith("state file") and status.signed_in
    assert any("state file" in notice for notice in status.notices)
    print(f"TP-KEYRING {backend_class.__name__}: sign-in {elapsed:.2f} s, tokens in state file, notice shown")


async def test_a_keyring_that_stops_answering_keeps_the_session(make_service, use_keyring):
    backend = use_keyring(MemoryKeyring())
    async with make_service(secrets=FAST_KEYRING) as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
    backend.broken = True
    async with make_service(secrets=FAST_KEYRING) as later:
        status = later.status()
        assert status.signed_in is True
        with pytest.raises(KeyringUnavailable):
            await later.refresh_license()
        assert state_session(later)["username"] == "pro_adv"


async def test_a_write_that_keeps_the_tokens_leaves_them_where_they_are_without_asking_the_keyring(
        make_service, use_keyring):
    """A license check rewrites state.toml with the same tokens: with "auto" it must not probe the keyring again (a
    locked one would hold every check for keyring_timeout); new tokens (a new sign-in) go to a keyring that works."""
    use_keyring(FailingKeyring())
    async with make_service(secrets=FAST_KEYRING) as service:
        await service.sign_in("pro_adv", DEMO_PASSWORD)
    assert state_session(service)["token_store"] == "state"
    working = use_keyring(MemoryKeyring())
    async with make_service(secrets=FAST_KEYRING) as later:
        assert (await later.refresh_license()).level == "Advanced"
        assert working.items == {} and state_session(later)["token_store"] == "state"
        await later.sign_in("pro_adv", DEMO_PASSWORD)
        assert state_session(later)["token_store"] == "keyring" and working.items
