"""The relay transport: the :class:`Transport` protocol over HTTP(S) to a ShelterDesk relay.

Every request is signed with the device key (see ``relay/protocol.py``) and
retried with exponential backoff on timeouts, lost connections and 5xx
answers; each attempt is signed afresh. Every operation is idempotent (puts
of the same bytes, replaced records, version-vector listings), so a retry
after a failure half-way loses and duplicates nothing: the cursor of a
listing is the version vector itself, never a position on the server. Plain
HTTP is allowed only to this computer (loopback) unless explicitly allowed.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from shelterdesk.i18n import N_
from shelterdesk.sync import crypto
from shelterdesk.sync.errors import SyncError
from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.transport import EnvelopeRef, Transport

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_PAGES = 100_000


class RelayUnreachable(SyncError):
    message = N_("The relay could not be reached ({reason}). Nothing was lost; sync again "
                 "later.")


class RelayRefused(SyncError):
    message = N_("The relay refused this laptop's request ({reason}).")


class RelayNotKnown(SyncError):
    message = N_("The relay does not know this laptop yet: sync once through it from a laptop "
                 "of the organisation that it knows, then try again. To found your "
                 "organisation on this relay, ask its operator for an admission token.")


class RelayAdmissionRefused(SyncError):
    message = N_("The relay refused the admission token: it is mistyped, was used already, or "
                 "belongs to another relay. Ask the relay's operator for a new one.")


class RelayTooOld(SyncError):
    message = N_("The relay runs an older version of ShelterDesk than this laptop. Ask its "
                 "operator to update it; nothing was lost.")


class RelayInsecure(SyncError):
    message = N_("A relay on another computer must be reached with https:// (plain http only "
                 "to this computer, or with --allow-http).")


class RelayAddressInvalid(SyncError):
    message = N_("“{url}” is not a relay address: write it in full, beginning with https:// "
                 "(for example {example}).")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Session:
    """A challenge and its rising counter, shared by the clones of one bound transport."""

    def __init__(self) -> None:
        self.nonce = ""
        self.counter = 0
        self.ready = False


class RelayTransport(Transport):
    """Opaque bytes to and from a relay; bind a device with :meth:`as_device` first."""

    def __init__(self, url: str, org_id: str | None = None, *, allow_http: bool = False,
                 timeout: float = 30.0, attempts: int = 6, backoff: float = 0.25,
                 page: int = p.LIST_PAGE, client: httpx.Client | None = None,
                 admission_token: str = "", batch: int = 200) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            # "relay.example.org:8470" parses as scheme "relay.example.org": say what to write.
            bare = url.strip().split("://", 1)[-1].strip("/")
            raise RelayAddressInvalid(url=url, example="https://" + (bare or "relay.example.org"))
        if parts.scheme == "http" and not allow_http and not _loopback(parts.hostname):
            raise RelayInsecure()
        self.url = url.rstrip("/")
        self.org_id = org_id
        self.attempts, self.backoff, self.page = max(1, attempts), backoff, page
        # one client for every request of this transport and its clones: connections are
        # kept alive between requests (no TCP or TLS handshake per envelope)
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=60.0),
            headers={p.H_PROTOCOL: str(p.PROTOCOL)})
        self.admission_token = admission_token.strip()
        self.batch = max(1, min(batch, p.FETCH_BATCH))
        self._listed: list[EnvelopeRef] = []
        self._prefetched: dict[EnvelopeRef, bytes | None] = {}
        self._device: str | None = None
        self._sign_key: bytes | None = None
        self._roster: list[dict[str, Any]] = []
        self._session = _Session()

    # --- binding ---------------------------------------------------------------------
    def _clone(self, org_id: str) -> RelayTransport:
        clone = object.__new__(RelayTransport)
        clone.__dict__.update(self.__dict__)
        clone.org_id = org_id
        return clone

    def for_org(self, org_id: str) -> RelayTransport:
        clone = self._clone(org_id)
        if org_id != self.org_id:
            clone._device, clone._sign_key, clone._session = None, None, _Session()
        return clone

    def as_device(self, org_id: str, device_id: str, sign_key: bytes,
                  roster: Sequence[tuple[str, bytes, bool]] = ()) -> RelayTransport:
        clone = self._clone(org_id)
        clone._device, clone._sign_key, clone._session = device_id, sign_key, _Session()
        clone._roster = [{"device_id": d, "sign_pub": base64.b64encode(pub).decode(),
                          "revoked": bool(revoked)} for d, pub, revoked in roster]
        return clone

    def admit(self, invite_id: str) -> None:
        """Join the organisation at the relay with the invitation (this device's key)."""
        self._session.ready = False
        self._send("POST", "/v1/enroll", self._json({
            "invite_id": invite_id, "sign_pub": self._public_b64()}), signed=True)
        self._session.ready = True

    def _public_b64(self) -> str:
        if self._sign_key is None:
            raise ValueError("no device bound")
        return base64.b64encode(crypto.signing_public(self._sign_key)).decode()

    def _ready(self) -> None:
        """Tell the relay about this device's peers (registering a new organisation)."""
        if self._session.ready:
            return
        body = self._json({"devices": self._roster})
        response = self._send("POST", "/v1/roster", body, signed=True, expect=(401,))
        if response.status_code == 401:
            code = _code(response)
            if code != "unknown_device":
                raise RelayRefused(reason=code)
            if not self.admission_token:
                raise RelayNotKnown()
            # the relay says the same for an unknown organisation: found it with the
            # operator's token (a known organisation answers org_exists, not admitting us)
            founded = self._send("POST", "/v1/register", self._json(
                {"sign_pub": self._public_b64(), "admission_token": self.admission_token}),
                signed=True, expect=(403, 409))
            if founded.status_code == 403:
                raise RelayAdmissionRefused()
            if founded.status_code == 409:
                raise RelayNotKnown()
            self._send("POST", "/v1/roster", body, signed=True)
        self._session.ready = True

    # --- HTTP ------------------------------------------------------------------------
    @staticmethod
    def _json(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True).encode()

    def _sign(self, method: str, path: str, body: bytes) -> dict[str, str]:
        if self._device is None or self._sign_key is None or self.org_id is None:
            raise ValueError("no device bound")
        session = self._session
        if not session.nonce:
            response = self._send("GET", "/v1/challenge", b"", signed=False)
            session.nonce, session.counter = str(response.json()["nonce"]), 0
        session.counter += 1
        message = p.signing_input(nonce=session.nonce, counter=session.counter, org=self.org_id,
                                  device=self._device, method=method, path=path,
                                  body_sha256=p.body_hash(body))
        return {p.H_ORG: self.org_id, p.H_DEVICE: self._device, p.H_NONCE: session.nonce,
                p.H_COUNTER: str(session.counter),
                p.H_SIGNATURE: base64.b64encode(crypto.sign(self._sign_key, message)).decode()}

    def _send(self, method: str, path: str, body: bytes = b"", *, signed: bool = True,
              expect: tuple[int, ...] = (404,)) -> httpx.Response:
        """One request, retried; returns 2xx answers and those in ``expect``."""
        reason = ""
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(min(4.0, self.backoff * 2 ** (attempt - 1)) * (0.5 + random.random()))
            headers = self._sign(method, path, body) if signed else {}
            try:
                response = self.client.request(method, self.url + path, content=body or None,
                                               headers=headers)
            except httpx.TransportError as error:
                reason = type(error).__name__
                continue
            if response.status_code in RETRY_STATUS:
                reason = f"HTTP {response.status_code}"
                continue
            if response.status_code == 401 and _code(response) == "stale_challenge":
                self._session.nonce, reason = "", "stale_challenge"
                continue
            if response.is_success or response.status_code in expect:
                return response
            if response.status_code == 403 and _code(response) == "revoked_device":
                raise RelayRefused(reason="revoked_device")
            raise RelayRefused(reason=f"{response.status_code} {_code(response)}")
        raise RelayUnreachable(reason=reason)

    def _call(self, method: str, path: str, body: bytes = b"") -> httpx.Response:
        self._ready()
        return self._send(method, path, body)

    # --- envelopes -------------------------------------------------------------------
    @staticmethod
    def _env_path(ref: EnvelopeRef) -> str:
        return f"/v1/envelopes/{ref.device_id}/{ref.seq_from}/{ref.seq_to}"

    def put_envelope(self, ref: EnvelopeRef, blob: bytes) -> None:
        self._call("PUT", self._env_path(ref), bytes(blob))

    def list_envelopes(self, beyond: Mapping[str, int]) -> list[EnvelopeRef]:
        """Every envelope past ``beyond``, page by page; each page raises the vector. The
        listing is remembered so that :meth:`get_envelope` can fetch ahead in batches."""
        found = self._list(beyond)
        self._listed, self._prefetched = found, {}
        return found

    def _list(self, beyond: Mapping[str, int]) -> list[EnvelopeRef]:
        cursor = {k: int(v) for k, v in beyond.items()}
        found: set[EnvelopeRef] = set()
        for _page in range(MAX_PAGES):
            answer = self._call("POST", "/v1/envelopes/list", self._json(
                {"beyond": cursor, "limit": self.page})).json()
            for device, seq_from, seq_to in answer["envelopes"]:
                found.add(EnvelopeRef(str(device), int(seq_from), int(seq_to)))
                cursor[device] = max(cursor.get(device, 0), int(seq_to))
            if not answer.get("more"):
                break
        return sorted(found)

    def prune_envelopes(self, upto: Mapping[str, int]) -> int:
        """Ask the relay to delete what ``upto`` names (it caps it by what it can check)."""
        answer = self._call("POST", "/v1/envelopes/prune", self._json(
            {"upto": {k: int(v) for k, v in upto.items()}})).json()
        return int(answer.get("deleted", 0))

    def get_envelope(self, ref: EnvelopeRef) -> bytes | None:
        """One envelope; for one of the last listing, it and the next ones of that listing
        come in one streamed batch request (at most ``batch`` envelopes held at a time)."""
        if ref not in self._prefetched and ref in self._listed:
            start = self._listed.index(ref)
            self._prefetched = dict(self.get_envelopes(self._listed[start:start + self.batch]))
        if ref in self._prefetched:
            return self._prefetched.pop(ref)
        response = self._call("GET", self._env_path(ref))
        return None if response.status_code == 404 else response.content

    def get_envelopes(self, refs: Sequence[EnvelopeRef]) -> list[tuple[EnvelopeRef,
                                                                         bytes | None]]:
        """Many envelopes in one request, read from the stream as they arrive."""
        if not refs:
            return []
        self._ready()
        body = self._json({"envelopes": [[r.device_id, r.seq_from, r.seq_to] for r in refs]})
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(min(4.0, self.backoff * 2 ** (attempt - 1)) * (0.5 + random.random()))
            headers = self._sign("POST", "/v1/envelopes/fetch", body)
            try:
                with self.client.stream("POST", self.url + "/v1/envelopes/fetch", content=body,
                                        headers=headers) as response:
                    if response.status_code == 404 and _code_of(response) == "not_found":
                        raise RelayTooOld()
                    if response.status_code in RETRY_STATUS or (
                            response.status_code == 401
                            and _code_of(response) == "stale_challenge"):
                        self._session.nonce = ""
                        continue
                    if not response.is_success:
                        raise RelayRefused(reason=f"{response.status_code} "
                                                  f"{_code_of(response)}")
                    return _read_frames(response.iter_bytes())
            except httpx.TransportError:
                continue
        raise RelayUnreachable(reason="batch fetch")

    # --- records ---------------------------------------------------------------------
    def put_record(self, kind: str, name: str, blob: bytes) -> None:
        self._call("PUT", f"/v1/records/{kind}/{name}", bytes(blob))

    def list_records(self, kind: str) -> list[str]:
        return [str(n) for n in self._call("GET", f"/v1/records/{kind}").json()["names"]]

    def get_record(self, kind: str, name: str) -> bytes | None:
        response = self._call("GET", f"/v1/records/{kind}/{name}")
        return None if response.status_code == 404 else response.content

    # --- invitations (reading and deleting need only the id, which only the code gives) --
    def put_invitation(self, invite_id: str, blob: bytes) -> None:
        self._call("PUT", f"/v1/invitations/{invite_id}", bytes(blob))

    def get_invitation(self, invite_id: str) -> bytes | None:
        response = self._send("GET", f"/v1/invitations/{invite_id}", signed=False)
        return None if response.status_code == 404 else response.content

    def delete_invitation(self, invite_id: str) -> None:
        self._send("DELETE", f"/v1/invitations/{invite_id}", signed=False)

    def post_enrollment_request(self, invite_id: str, blob: bytes) -> bool:
        response = self._send("POST", f"/v1/invitations/{invite_id}/request", bytes(blob),
                              signed=False, expect=(404, 409))
        if response.status_code == 404:
            from shelterdesk.sync.errors import InvitationNotFound

            raise InvitationNotFound()
        return response.status_code != 409

    def get_enrollment_request(self, invite_id: str) -> bytes | None:
        response = self._send("GET", f"/v1/invitations/{invite_id}/request", signed=False)
        return None if response.status_code == 404 else response.content

    def close(self) -> None:
        self.client.close()


def _code_of(response: httpx.Response) -> str:
    """The error code of a streamed answer (its body read first)."""
    response.read()
    return _code(response)


def _read_frames(chunks: Iterator[bytes]) -> list[tuple[EnvelopeRef, bytes | None]]:
    """The envelopes of a batch answer, parsed while the bytes stream in."""
    found: list[tuple[EnvelopeRef, bytes | None]] = []
    buffer = bytearray()
    need: tuple[EnvelopeRef, int] | None = None
    for chunk in chunks:
        buffer += chunk
        while True:
            if need is None:
                if len(buffer) < p.FRAME_HEAD:
                    break
                device, seq_from, seq_to, length = p.unframe_head(bytes(buffer[:p.FRAME_HEAD]))
                del buffer[:p.FRAME_HEAD]
                need = (EnvelopeRef(device, seq_from, seq_to), length)
            ref, length = need
            if length == p.MISSING:
                found.append((ref, None))
            elif len(buffer) >= length:
                found.append((ref, bytes(buffer[:length])))
                del buffer[:length]
            else:
                break
            need = None
    if need is not None or buffer:
        raise httpx.RemoteProtocolError("batch answer cut short")
    return found


def _code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except (ValueError, AttributeError):
        return ""
