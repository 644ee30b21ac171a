"""Shared code for the emulator's tests: boto3 clients and the /_flywheel/ control API.

The tests talk to a running emulator at $AWS_ENDPOINT_URL (test-fixtures/test.sh starts
one). Each test uses its own names, so the tests never reset the emulator.
"""

import json
import os
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "")
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


def require_emulator():
    if not ENDPOINT:
        raise RuntimeError("AWS_ENDPOINT_URL is not set; run test-fixtures/test.sh, or "
                           "eval \"$(test-fixtures/emulator.sh start)\" first")
    try:
        control("GET", "health")
    except OSError as e:
        raise RuntimeError(f"no emulator answers at {ENDPOINT}: {e}") from e


def client(service, attempts=1, access_key="test", region=None, **config):
    """A boto3 client for the emulator. One attempt by default, so injected faults show."""
    cfg = Config(retries={"total_max_attempts": attempts, "mode": "standard"},
                 s3={"addressing_style": "path"}, **config)
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=region or REGION,
                        aws_access_key_id=access_key, aws_secret_access_key="test", config=cfg)


GLUE_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def ensure_role(role, access_key="test"):
    """Makes sure the role exists (given by name, `path/name` or ARN), Glue trusted; Glue
    CreateCrawler refuses a role that does not exist. Idempotent."""
    path_name = role.split(":role/", 1)[-1]
    path, _, name = path_name.rpartition("/")
    iam = client("iam", access_key=access_key)
    try:
        iam.create_role(RoleName=name, Path=f"/{path}/" if path else "/",
                        AssumeRolePolicyDocument=GLUE_TRUST)
    except iam.exceptions.EntityAlreadyExistsException:
        pass


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def control(method, path, payload=None):
    """Calls /_flywheel/<path>; returns (status, decoded JSON)."""
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(f"{ENDPOINT.rstrip('/')}/_flywheel/{path}", data=data,
                                 method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def add_fault(**spec):
    status, body = control("POST", "faults", spec)
    if status != 200:
        raise AssertionError(f"adding fault {spec} answered {status}: {body}")
    return body["faults"][0]


def fault(fault_id):
    """The fault with this id, or None once it is used up or removed."""
    _, body = control("GET", "faults")
    return next((f for f in body["faults"] if f["id"] == fault_id), None)


def delete_fault(fault_id):
    control("DELETE", f"faults/{fault_id}")


def logged(fault_id):
    """The logged requests that the fault with this id applied to, oldest first."""
    _, body = control("GET", "requests")
    return [r for r in body["requests"] if r["fault"] == fault_id]
