"""Drives the emulator with botocore/boto3 the way a user's AWS config would.

Run by boto3.test.ts with HOME, AWS_CONFIG_FILE and AWS_ENDPOINT_URL_SSO/_SSO_OIDC/_STS pointing at
a temporary home and the emulator. Prints one JSON object with what each call returned.
"""

import json
import os
import sys
import tempfile

import boto3
import botocore
import botocore.loaders
from botocore.exceptions import ClientError

CACHE_FILE = sys.argv[1]
ACCOUNT_ID = "111111111111"
CHAINED_ROLE = "arn:aws:iam::333333333333:role/Deployer"
# Since 1.31 botocore honours AWS_ENDPOINT_URL_<SERVICE> and chains roles from sso-session profiles.
MODERN = tuple(int(part) for part in botocore.__version__.split(".")[:2]) >= (1, 31)


def endpoint_rule(url, conditions):
    return {"conditions": conditions, "endpoint": {"url": url, "properties": {}, "headers": {}}, "type": "endpoint"}


def endpoint_setting():
    """Older botocore (Debian bookworm ships 1.29) is pointed at the emulator by overriding the
    endpoint rule sets through AWS_DATA_PATH, as docs/aws-wire-protocol.md section 5.3 describes."""
    if MODERN:
        return "AWS_ENDPOINT_URL"
    url = os.environ["AWS_ENDPOINT_URL_SSO"]
    loader = botocore.loaders.Loader()
    root = tempfile.mkdtemp()
    for service, version in (("sso", "2019-06-10"), ("sso-oidc", "2019-06-10"), ("sts", "2011-06-15")):
        original = loader.load_service_model(service, "endpoint-rule-set-1", version)
        rules = [
            endpoint_rule({"ref": "Endpoint"}, [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}]),
            endpoint_rule(url, []),
        ]
        folder = os.path.join(root, service, version)
        os.makedirs(folder)
        with open(os.path.join(folder, "endpoint-rule-set-1.json"), "w", encoding="utf-8") as out:
            json.dump({"version": original["version"], "parameters": original["parameters"], "rules": rules}, out)
    os.environ["AWS_DATA_PATH"] = root
    return "AWS_DATA_PATH"


def caller(profile):
    return boto3.Session(profile_name=profile).client("sts").get_caller_identity()


def chained_caller():
    if MODERN:
        return caller("emu-chained")
    # Older botocore fails to chain from an sso-session profile (boto/botocore#2828): assume the role by hand.
    sts = boto3.Session(profile_name="emu-dev").client("sts")
    creds = sts.assume_role(RoleArn=CHAINED_ROLE, RoleSessionName="interop")["Credentials"]
    return boto3.client(
        "sts",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    ).get_caller_identity()


def error_code(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


def main():
    endpoints = endpoint_setting()
    # Reads the almost-expired token from the cache, refreshes it through SSO OIDC CreateToken,
    # gets role credentials from the portal and signs GetCallerIdentity with them.
    identity = caller("emu-dev")
    chained = chained_caller()

    with open(CACHE_FILE, encoding="utf-8") as cache:
        token = json.load(cache)["accessToken"]
    sso = boto3.client("sso", region_name="us-east-1")
    pages = sso.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 5})
    accounts = [account for page in pages for account in page["accountList"]]
    roles = sso.list_account_roles(accessToken=token, accountId=ACCOUNT_ID)["roleList"]
    forbidden = error_code(
        lambda: sso.get_role_credentials(accessToken=token, accountId=ACCOUNT_ID, roleName="PowerUserAccess")
    )
    too_many = error_code(lambda: sso.list_accounts(accessToken=token, maxResults=101))

    print(
        json.dumps(
            {
                "botocore": botocore.__version__,
                "endpoints": endpoints,
                "identity": {key: identity[key] for key in ("Account", "Arn", "UserId")},
                "chained": {key: chained[key] for key in ("Account", "Arn")},
                "accounts": [account["accountName"] for account in accounts],
                "roles": sorted(role["roleName"] for role in roles),
                "forbidden": forbidden,
                "tooMany": too_many,
            }
        )
    )


main()
