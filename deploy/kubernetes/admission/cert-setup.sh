#!/usr/bin/env bash
# cert-setup.sh - makes a CA and a serving certificate for the webhook's
# Service with openssl, stores them in the bulwark-admission-tls Secret and
# writes the CA into webhook.yaml's caBundle (as webhook.generated.yaml).
#   ./cert-setup.sh && kubectl apply -f configmap.yaml -f deployment.yaml \
#       -f service.yaml -f webhook.generated.yaml
set -euo pipefail
NS=${NS:-bulwark-admission}
SVC=${SVC:-bulwark-admission}
DIR=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$T/ca.key" -out "$T/ca.crt" -days 3650 -subj "/CN=bulwark-admission-ca" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$T/tls.key" -out "$T/tls.csr" -subj "/CN=$SVC.$NS.svc" 2>/dev/null
printf 'subjectAltName=DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\n' "$SVC" "$NS" "$SVC" "$NS" >"$T/ext"
openssl x509 -req -in "$T/tls.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
	-days 825 -extfile "$T/ext" -out "$T/tls.crt" 2>/dev/null
kubectl get ns "$NS" >/dev/null 2>&1 || kubectl create ns "$NS"
kubectl -n "$NS" create secret tls bulwark-admission-tls --cert "$T/tls.crt" \
	--key "$T/tls.key" --dry-run=client -o yaml | kubectl apply -f -
CA=$(base64 -w0 <"$T/ca.crt")
sed "s|caBundle: \"\"|caBundle: $CA|" "$DIR/webhook.yaml" >"$DIR/webhook.generated.yaml"
echo "wrote $DIR/webhook.generated.yaml"
