#!/usr/bin/env python3
"""vault_hvac.py ADDR CACERT - drives a Bulwark secrets server with hvac,
HashiCorp's Python client (Debian's python3-hvac), as an operator and an
application would: init, unseal, policy, AppRole, KV v2 and v1, tokens,
response wrapping, seal.  Prints "ok   step" / "FAIL step: why" per step;
exit 1 when a step failed."""
import sys

import hvac
import hvac.exceptions as hx

addr, cacert = sys.argv[1], sys.argv[2]
failed = 0


def step(name, fn):
    global failed
    try:
        r = fn()
        if r is False:
            raise AssertionError("unexpected result")
        print(f"ok   {name}")
        return r
    except Exception as e:  # noqa: BLE001 - report every failure
        failed = 1
        print(f"FAIL {name}: {type(e).__name__}: {e}"[:400])
        return None


def raises(exc, fn):
    try:
        fn()
    except exc:
        return True
    raise AssertionError(f"no {exc.__name__}")


c = hvac.Client(url=addr, verify=cacert)
step("not initialised", lambda: c.sys.is_initialized() is False)
init = step("sys.initialize 5/3", lambda: c.sys.initialize(5, 3))
keys, root = init["keys"], init["root_token"]
step("sealed after init", lambda: c.sys.is_sealed() is True)
step("unseal progress 1/3",
     lambda: c.sys.submit_unseal_key(keys[0])["progress"] == 1)
step("unseal with the rest",
     lambda: c.sys.submit_unseal_keys(keys[1:3])["sealed"] is False)
c.token = root
step("root token is authenticated", lambda: c.is_authenticated())

policy = """
path "secret/data/app/*" { capabilities = ["create", "read", "update", "delete"] }
path "secret/metadata/app/*" { capabilities = ["read", "list", "delete"] }
path "secret/undelete/app/*" { capabilities = ["update"] }
path "secret/destroy/app/*" { capabilities = ["update"] }
"""
step("policy write", lambda: c.sys.create_or_update_policy("app", policy))
step("policy read", lambda: "secret/data/app" in
     c.sys.read_policy("app")["data"]["rules"])
step("policy list", lambda: "app" in c.sys.list_policies()["data"]["policies"])

step("approle enabled", lambda: c.sys.enable_auth_method("approle"))
step("auth methods list approle/", lambda: "approle/" in
     c.sys.list_auth_methods()["data"])
step("approle role write", lambda: c.auth.approle.create_or_update_approle(
    "web", token_policies=["app"], token_ttl="1h", secret_id_ttl="10m"))
role_id = step("approle role-id", lambda:
               c.auth.approle.read_role_id("web")["data"]["role_id"])
sid = step("approle secret-id", lambda:
           c.auth.approle.generate_secret_id("web")["data"]["secret_id"])

app = hvac.Client(url=addr, verify=cacert)
login = step("approle login", lambda: app.auth.approle.login(role_id, sid))
step("login token carries the policy", lambda:
     "app" in login["auth"]["policies"])
step("app token authenticated", lambda: app.is_authenticated())

kv = app.secrets.kv.v2
step("kv v2 write", lambda: kv.create_or_update_secret(
    "app/db", secret={"user": "svc", "password": "p1"})["data"]["version"] == 1)
step("kv v2 read", lambda: kv.read_secret_version(
    "app/db")["data"]["data"]["password"] == "p1")
step("kv v2 write with cas=1", lambda: kv.create_or_update_secret(
    "app/db", secret={"user": "svc", "password": "p2"}, cas=1)["data"]["version"] == 2)
step("kv v2 cas conflict refused", lambda: raises(
    hx.InvalidRequest, lambda: kv.create_or_update_secret(
        "app/db", secret={"x": "y"}, cas=1)))
step("kv v2 patch", lambda: kv.patch("app/db", {"port": "5432"}) and kv.read_secret_version(
    "app/db")["data"]["data"] == {"user": "svc", "password": "p2", "port": "5432"})
step("kv v2 read version 1", lambda: kv.read_secret_version(
    "app/db", version=1)["data"]["data"]["password"] == "p1")
step("kv v2 metadata versions", lambda: sorted(kv.read_secret_metadata(
    "app/db")["data"]["versions"]) == ["1", "2", "3"])
step("kv v2 delete latest", lambda: kv.delete_latest_version_of_secret("app/db") or True)
step("kv v2 deleted version reads 404", lambda: raises(
    hx.InvalidPath, lambda: kv.read_secret_version("app/db")))
step("kv v2 undelete", lambda: kv.undelete_secret_versions("app/db", [3]) or
     kv.read_secret_version("app/db")["data"]["data"]["port"] == "5432")
step("kv v2 destroy v1", lambda: kv.destroy_secret_versions("app/db", [1]) or
     kv.read_secret_metadata("app/db")["data"]["versions"]["1"]["destroyed"] is True)
step("kv v2 list", lambda: "db" in kv.list_secrets("app")["data"]["keys"])
step("outside the policy: 403", lambda: raises(
    hx.Forbidden, lambda: kv.read_secret_version("other/x")))
step("kv v2 delete metadata", lambda: kv.delete_metadata_and_all_versions(
    "app/db") or raises(hx.InvalidPath, lambda: kv.read_secret_version("app/db")))

step("kv v1 mount", lambda: c.sys.enable_secrets_engine(
    "kv", path="legacy", options={"version": "1"}))
step("mounts list legacy/", lambda: "legacy/" in
     c.sys.list_mounted_secrets_engines()["data"])
step("kv v1 write/read", lambda: c.secrets.kv.v1.create_or_update_secret(
    "a", {"k": "v"}, mount_point="legacy") is not None and
     c.secrets.kv.v1.read_secret("a", mount_point="legacy")["data"] == {"k": "v"})

tok = step("token create", lambda: c.auth.token.create(
    policies=["app"], ttl="1h", renewable=True)["auth"]["client_token"])
step("token lookup", lambda: c.auth.token.lookup(tok)["data"]["policies"] ==
     ["app", "default"] or "app" in c.auth.token.lookup(tok)["data"]["policies"])
child = hvac.Client(url=addr, verify=cacert, token=tok)
step("token lookup-self", lambda: child.auth.token.lookup_self()["data"]["ttl"] > 0)
step("token renew-self", lambda: child.auth.token.renew_self(
    increment="2h")["auth"]["lease_duration"] > 0)
step("token revoke", lambda: c.auth.token.revoke(tok) or True)
step("revoked token refused", lambda: not child.is_authenticated())

wrapped = step("wrap a secret-id", lambda: c.write(
    "auth/approle/role/web/secret-id", wrap_ttl="60s")["wrap_info"]["token"])
step("unwrap it once", lambda: "secret_id" in hvac.Client(
    url=addr, verify=cacert, token=wrapped).sys.unwrap()["data"])
step("second unwrap refused", lambda: raises(
    hx.VaultError, lambda: hvac.Client(url=addr, verify=cacert,
                                       token=wrapped).sys.unwrap()))

# what operators and tools call around the secrets
step("sys/leader: not HA", lambda:
     c.sys.read_leader_status()["ha_enabled"] is False)
step("key rotation: term 1 -> 2", lambda:
     c.sys.get_encryption_key_status()["data"]["term"] == 1 and
     (c.sys.rotate_encryption_key() or True) and
     c.sys.get_encryption_key_status()["data"]["term"] == 2)
step("kv v2 still readable after rotation", lambda: kv.create_or_update_secret(
    "app/after", secret={"k": "v"}) and
     kv.read_secret_version("app/after")["data"]["data"] == {"k": "v"})
step("capabilities-self", lambda: app.sys.get_capabilities(
    paths=["secret/data/app/x", "secret/data/other"])["data"] ==
     {"secret/data/app/x": ["create", "delete", "read", "update"],
      "secret/data/other": ["deny"]})
step("capabilities of root", lambda: c.sys.get_capabilities(
    paths=["anything"])["data"]["capabilities"] == ["root"])
step("app token may not rotate: 403", lambda: raises(
    hx.Forbidden, lambda: app.sys.rotate_encryption_key()))

step("seal", lambda: c.sys.seal() or c.sys.is_sealed() is True)
step("sealed server refuses reads", lambda: raises(
    hx.VaultDown, lambda: kv.read_secret_version("app/db")))
sys.exit(failed)
