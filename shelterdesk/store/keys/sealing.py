"""Sealing a key to one person: X25519 + HKDF + AES-256-GCM, all from ``cryptography``.

Why a public key: whoever holds a key (a coordinator) must be able to give it
to a colleague who is not at the keyboard (a role granted, a key rotated, a
laptop that learned of a new user by sync), and nothing that opens it may lie
readable in the vault database, which every holder of the core key can read.
Each user's X25519 private key is therefore kept only inside their credential
(wrapped under Argon2id of their passphrase); the public key lies in the open.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_RAW = serialization.Encoding.Raw
_PUBLIC = serialization.PublicFormat.Raw
_PRIVATE = serialization.PrivateFormat.Raw
_NONE = serialization.NoEncryption()
SEALED_OVERHEAD = 32 + 12 + 16


def new_private_key() -> bytes:
    return X25519PrivateKey.generate().private_bytes(_RAW, _PRIVATE, _NONE)


def private_from_seed(seed: bytes) -> bytes:
    """A private key derived from 32 secret bytes (the recovery key's)."""
    return X25519PrivateKey.from_private_bytes(seed[:32]).private_bytes(_RAW, _PRIVATE, _NONE)


def public_key(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(bytes(private)).public_key().public_bytes(
        _RAW, _PUBLIC)


def _key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public,
                info=b"shelterdesk/store-seal/v1").derive(shared)


def seal(recipient_public: bytes, secret: bytes, aad: bytes) -> bytes:
    """ephemeral public (32) | nonce (12) | AES-GCM(secret): only the recipient opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _PUBLIC)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    nonce = secrets.token_bytes(12)
    key = _key(shared, ephemeral_public, recipient_public)
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, bytes(secret), aad)


def open_sealed(recipient_private: bytes, sealed: bytes, aad: bytes) -> bytes | None:
    """The secret, or None if it was not sealed to this key (or was altered)."""
    if len(sealed) < SEALED_OVERHEAD:
        return None
    private = X25519PrivateKey.from_private_bytes(bytes(recipient_private))
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
    recipient_public = private.public_key().public_bytes(_RAW, _PUBLIC)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        return AESGCM(_key(shared, ephemeral_public, recipient_public)).decrypt(
            nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        return None
