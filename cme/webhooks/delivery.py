"""Signing and posting one message. No Django models here: the services decide what to send and record the outcome.

The signature is HMAC-SHA256, keyed with the endpoint's secret, over `<timestamp>.<body>`: the timestamp header's
value, a full stop, and the exact bytes of the body. Signing the timestamp with the body lets a receiver refuse an
old message replayed later (docs/operating.md, "Webhooks", has a receiver's check in a few lines of Python).
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

import requests

SIGNATURE_HEADER = "Cme-Webhook-Signature"
TIMESTAMP_HEADER = "Cme-Webhook-Timestamp"
ID_HEADER = "Cme-Webhook-Id"
EVENT_HEADER = "Cme-Webhook-Event"
TIMEOUT_SECONDS = 10
USER_AGENT = "cme-webhooks/1"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (Unix seconds): "v1=" and 64 hex digits."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def signature_valid(*, secret: str, timestamp: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """What a receiver checks: the signature matches and the timestamp is within `tolerance` seconds of now."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=sent, body=body), header)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str  # for the delivery log: plain words, never the response body
    duration_ms: int


def post(*, url: str, secret: str, body: bytes, message_id: str, event: str) -> Outcome:
    """POST `body` to `url`, signed; a 2xx answer is a delivery, anything else (a redirect included) is not."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        ID_HEADER: message_id,
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret=secret, timestamp=timestamp, body=body),
    }
    started = time.perf_counter()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.Timeout:
        return Outcome(False, None, f"No answer within {TIMEOUT_SECONDS} seconds", _ms(started))
    except requests.ConnectionError:
        return Outcome(False, None, "Could not connect to the address", _ms(started))
    except requests.RequestException as error:
        return Outcome(False, None, f"The request failed ({type(error).__name__})", _ms(started))
    ok = 200 <= response.status_code < 300
    error = "" if ok else f"The system answered {response.status_code}"
    response.close()
    return Outcome(ok, response.status_code, error, _ms(started))


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
