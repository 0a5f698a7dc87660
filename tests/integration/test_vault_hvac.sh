#!/usr/bin/env bash
# test_vault_hvac.sh - HashiCorp's Python client hvac (Debian's
# python3-hvac) against a real `bulwark vault server` over TLS: the steps
# an operator and an application take (helpers/vault_hvac.py), unchanged
# client code.  Fails when CI=true and hvac is missing, else skips.
set -euo pipefail
. "$BW_SOURCE_DIR/tests/integration/helpers/vault_server.sh"

# Debian's python3-hvac lives in /usr/bin/python3; another python3 may
# come first in PATH
PY=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import hvac' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	[ "${CI:-}" = "true" ] && { echo "FAIL: python3-hvac is needed (required in CI; scripts/install-deps.sh installs it)" >&2; exit 1; }
	echo "SKIP: python3-hvac is needed (apt-get install python3-hvac)" >&2
	exit 77
fi

vault_test_setup vault-hvac
start
echo "hvac $("$PY" -c 'import hvac; print(hvac.__version__)' 2>/dev/null || echo '?') against $A"
if "$PY" "$BW_SOURCE_DIR/tests/integration/helpers/vault_hvac.py" "$A" "$T/cert.pem"; then
	ok "hvac scenario"
else
	fail "hvac scenario (see the FAIL lines above)"
fi
stop
exit $failed
