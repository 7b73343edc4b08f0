"""Asks STS who boto3's default credential chain is, CALLS times, PAUSE seconds apart.

Usage: print_caller.py [CALLS [PAUSE]]. Prints a JSON list with, for each call, the account, the
ARN and the access key id the request was signed with (read from its Authorization header, so it
is the key botocore really used, not one fetched afterwards).
"""

import json
import re
import sys
import time

import boto3

calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1
pause = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0

session = boto3.Session()
sts = session.client("sts")
signed_with = []


def note_key(request, **_):
    authorization = request.headers.get("Authorization", "")
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    match = re.search(r"Credential=([^/]+)/", authorization)
    signed_with.append(match.group(1) if match else None)


sts.meta.events.register("before-send.sts.GetCallerIdentity", note_key)

results = []
for index in range(calls):
    if index:
        time.sleep(pause)
    identity = sts.get_caller_identity()
    results.append({"Account": identity["Account"], "Arn": identity["Arn"], "AccessKeyId": signed_with[-1]})
print(json.dumps(results))
