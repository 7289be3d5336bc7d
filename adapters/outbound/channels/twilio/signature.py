"""Twilio's request signature, `X-Twilio-Signature`, the way twilio-python's RequestValidator
checks it.

The signature is base64(HMAC-SHA1(auth token, URL + name + value for every form parameter,
sorted by name and then by value)). A JSON body is instead bound through a `bodySHA256` query
parameter (the hex SHA-256 of the body), and the URL is signed alone. Twilio is not consistent
about ports, so the URL is also tried with its port removed and with the scheme's default port
added, exactly the variants the SDK accepts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import parse_qs, parse_qsl, urlsplit, urlunsplit

SIGNATURE_HEADER = "X-Twilio-Signature"
BODY_HASH_PARAM = "bodySHA256"


def form_pairs(body: bytes) -> list[tuple[str, str]] | None:
    """The parameters of a form body, repeated names kept; None when it is not UTF-8 text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return parse_qsl(text, keep_blank_values=True)


def compute_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    values: dict[str, set[str]] = {}
    for name, value in params:
        values.setdefault(name, set()).add(value)
    signed = url + "".join(
        name + value for name in sorted(values) for value in sorted(values[name])
    )
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def url_variants(url: str) -> list[str]:
    """The URL as given, without its port, and with the scheme's default port when it has none."""
    variants = [url]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return variants
    if port is not None:
        netloc = parts.netloc[: parts.netloc.rfind(":")]
    else:
        netloc = f"{parts.netloc}:{443 if parts.scheme == 'https' else 80}"
    variants.append(urlunsplit(parts._replace(netloc=netloc)))
    return variants


def is_valid(url: str, body: bytes, signature: str, auth_token: str) -> bool:
    """Whether `signature` is Twilio's for a request to `url` carrying `body`."""
    if not signature or not auth_token:
        return False
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:  # not a URL anything could have called
        return False
    params: list[tuple[str, str]]
    if BODY_HASH_PARAM in query:
        expected = query[BODY_HASH_PARAM][0]
        if not hmac.compare_digest(body_hash(body).encode(), expected.encode()):
            return False
        params = []
    else:
        pairs = form_pairs(body)
        if pairs is None:
            return False
        params = pairs
    given = signature.strip().encode()
    matches = [
        hmac.compare_digest(compute_signature(variant, params, auth_token).encode(), given)
        for variant in url_variants(url)
    ]
    return any(matches)
