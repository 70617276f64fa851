#!/usr/bin/env bash
# Regenerates the IKE engine's test PKI in test/fixtures/pki/ (committed; rerun only to replace it).
# Two trust hierarchies, each with a Home Agent certificate for ha.dsmip.test:
#   ca-ecdsa (P-256) -> ha-ecdsa (P-256), and ca-ecdsa -> intermediate-ecdsa -> ha-ecdsa-chain (P-256)
#   ca-rsa (RSA-2048) -> ha-rsa (RSA-2048)
# plus other-ca (P-256), an unrelated CA that signed other-ha (a certificate the UE must refuse).
# Validity is long (100 years) so tests never expire by wall clock; expiry is tested with an injected `now`.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/pki"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
days=36500
ha_name=ha.dsmip.test

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# self-signed CA: name key subject
make_ca() {
  openssl req -new -x509 -key "$out/$1.key" -out "$out/$1.pem" -days "$days" -subj "$2" -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

# issued certificate: name key-of-issuer issuer-name subject extensions-file
issue() {
  openssl req -new -key "$out/$1.key" -out "$work/$1.csr" -subj "$4"
  openssl x509 -req -in "$work/$1.csr" -CA "$out/$3.pem" -CAkey "$out/$2.key" -CAcreateserial \
    -CAserial "$work/serial" -out "$out/$1.pem" -days "$days" -sha256 -extfile "$5" 2>/dev/null
}

cat >"$work/ee.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectAltName=DNS:$ha_name
EXT
cat >"$work/inter.ext" <<EXT
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
EXT

ec_key "$out/ca-ecdsa.key"
make_ca ca-ecdsa "/O=dsmip test/CN=dsmip test ECDSA CA"
ec_key "$out/ha-ecdsa.key"
issue ha-ecdsa ca-ecdsa ca-ecdsa "/O=dsmip test/CN=$ha_name" "$work/ee.ext"

ec_key "$out/intermediate-ecdsa.key"
issue intermediate-ecdsa ca-ecdsa ca-ecdsa "/O=dsmip test/CN=dsmip test intermediate CA" "$work/inter.ext"
ec_key "$out/ha-ecdsa-chain.key"
issue ha-ecdsa-chain intermediate-ecdsa intermediate-ecdsa "/O=dsmip test/CN=$ha_name" "$work/ee.ext"

rsa_key "$out/ca-rsa.key"
make_ca ca-rsa "/O=dsmip test/CN=dsmip test RSA CA"
rsa_key "$out/ha-rsa.key"
issue ha-rsa ca-rsa ca-rsa "/O=dsmip test/CN=$ha_name" "$work/ee.ext"

ec_key "$out/other-ca.key"
make_ca other-ca "/O=somebody else/CN=unrelated CA"
ec_key "$out/other-ha.key"
issue other-ha other-ca other-ca "/O=somebody else/CN=$ha_name" "$work/ee.ext"

# CA keys are only needed to sign; keep them anyway so the set can be extended by hand.
echo "test PKI written to $out"
