"""The cryptography of sync, all from ``cryptography``: Ed25519 signatures, X25519 sealing,
HKDF-SHA256 key derivation and AES-256-GCM with random 96-bit nonces."""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
SIGNATURE_BYTES = 64
KEY_BYTES = 32
_RAW = serialization.Encoding.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_NONE = serialization.NoEncryption()


class DecryptionFailed(Exception):
    """AES-GCM refused the ciphertext (wrong key, altered bytes or associated data)."""


def random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def hkdf(key: bytes, info: bytes, salt: bytes | None = None, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def new_nonce() -> bytes:
    """A random 96-bit nonce (never reused under one key: 2^-48 after 2^24 messages)."""
    return secrets.token_bytes(NONCE_BYTES)


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """(nonce, ciphertext) with a fresh random nonce."""
    nonce = new_nonce()
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def encrypt_with_nonce(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        raise DecryptionFailed() from None


# --- device keys ---------------------------------------------------------------------
def new_signing_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE, _NONE)


def new_exchange_key() -> bytes:
    return X25519PrivateKey.generate().private_bytes(_RAW, _RAW_PRIVATE, _NONE)


def signing_public(private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        _RAW, _RAW_PUBLIC)


def exchange_public(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        _RAW, _RAW_PUBLIC)


def sign(private: bytes, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(data)


def verify(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def exchange(own_private: bytes, peer_public: bytes) -> bytes:
    """The X25519 shared secret (DecryptionFailed for a degenerate peer key)."""
    try:
        return X25519PrivateKey.from_private_bytes(own_private).exchange(
            X25519PublicKey.from_public_bytes(peer_public))
    except ValueError:
        raise DecryptionFailed() from None


# --- sealing a secret to one device (its X25519 key) ---------------------------------------
def seal_to(recipient_public: bytes, secret: bytes, aad: bytes) -> bytes:
    """ephemeral public (32) | nonce (12) | AES-GCM(secret): only the recipient opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = hkdf(shared, b"shelterdesk/seal/v1", salt=ephemeral_public + recipient_public)
    nonce, ciphertext = encrypt(key, secret, aad)
    return ephemeral_public + nonce + ciphertext


def open_sealed(recipient_private: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < 32 + NONCE_BYTES + 16:
        raise DecryptionFailed()
    private = X25519PrivateKey.from_private_bytes(recipient_private)
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
    recipient_public = private.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:
        raise DecryptionFailed() from None
    key = hkdf(shared, b"shelterdesk/seal/v1", salt=ephemeral_public + recipient_public)
    return decrypt(key, nonce, ciphertext, aad)
