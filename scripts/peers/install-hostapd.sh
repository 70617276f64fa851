#!/usr/bin/env bash
# Makes hostapd 2.10 (Debian 12) usable as a RADIUS EAP-AKA / EAP-AKA' test server and prints the path of the
# hlr_auc_gw it needs (its only stdout line); progress goes to stderr.
#
#  1. installs Debian's hostapd when missing (its RADIUS server: driver=none, radius_server_clients, eap_server=1);
#  2. builds hostapd's HLR/AuC gateway `hlr_auc_gw` (Milenage from a text database, answering hostapd's eap_sim_db
#     requests over a UNIX datagram socket), which Debian does not ship, from Debian's `wpa` source package of the
#     installed version, into $DSMIP_PEERS_CACHE (default /var/cache/dsmip-peers)/wpa-<version>/hlr_auc_gw.
#
# Idempotent: when everything is present it only checks and prints (no root needed). Installing needs root on
# Debian; otherwise it names what is missing and exits 1. A lock makes concurrent runs wait for each other.
set -euo pipefail

CACHE=${DSMIP_PEERS_CACHE:-/var/cache/dsmip-peers}
PACKAGES=(hostapd)
BUILD_PACKAGES=(build-essential dpkg-dev)

say() { echo "install-hostapd: $*" >&2; }
fail() {
  say "$*"
  exit 1
}
# shellcheck source=debian-source-index.sh
. "$(dirname "${BASH_SOURCE[0]}")/debian-source-index.sh"
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
missing_packages() {
  local p
  for p in "$@"; do installed "$p" || echo "$p"; done
}
hostapd_version() { dpkg-query -W -f='${Version}' hostapd 2>/dev/null | sed 's/^[0-9]*://'; }
gateway_path() { echo "$CACHE/wpa-$(hostapd_version)/hlr_auc_gw"; }
ready() { [ -z "$(missing_packages "${PACKAGES[@]}")" ] && [ -x /usr/sbin/hostapd ] && [ -x "$(gateway_path)" ]; }

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then
  fail "needs Debian 12 (apt-get, dpkg-query); install hostapd 2.10 and build its hlr_auc_gw by hand"
fi
if ready; then
  gateway_path
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  missing=$(missing_packages "${PACKAGES[@]}" | tr '\n' ' ')
  [ -n "$missing" ] && say "missing Debian packages: $missing"
  [ -z "$missing" ] && say "missing the hlr_auc_gw build: $(gateway_path)"
  fail "run this script as root once (sudo $0) to install and build them"
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.hostapd.lock"
flock -w 900 9 || fail "timed out waiting for $CACHE/.hostapd.lock"
if ready; then
  gateway_path
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
APT_WAIT=(-o DPkg::Lock::Timeout=300)
mapfile -t need < <(missing_packages "${PACKAGES[@]}" "${BUILD_PACKAGES[@]}")
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  if ! apt-cache show --no-all-versions "${need[@]}" >/dev/null 2>&1; then apt-get "${APT_WAIT[@]}" update -qq >&2; fi
  if ! apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
    apt-get "${APT_WAIT[@]}" update -qq >&2
    apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

VERSION=$(hostapd_version) # 2.10-12+deb12u3
UPSTREAM=${VERSION%%-*}
OUT=$(gateway_path)
WORK=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

private_source_index # scripts/peers/debian-source-index.sh
mapfile -t versions < <(apt-cache "${APT_PRIVATE[@]}" showsrc wpa 2>/dev/null |
  awk '/^Version:/ { print $2 }' | sed 's/^[0-9]*://' | sort -u | sort -rV)
got=
for v in "$VERSION" "${versions[@]}"; do
  [ "${v%%-*}" = "$UPSTREAM" ] || continue
  if apt-get "${APT_PRIVATE[@]}" source -qq "wpa=$v" >/dev/null 2>&1 || \
    apt-get "${APT_PRIVATE[@]}" source -qq "wpa=2:$v" >/dev/null 2>&1; then
    got=$v
    break
  fi
done
[ -n "$got" ] || fail "no source package wpa $UPSTREAM-* found in: $(tr '\n' ';' <sources.list)"
SRC=$(find "$WORK" -maxdepth 1 -type d -name "wpa-$UPSTREAM*" | head -n1)
[ -n "$SRC" ] || fail "apt-get source wpa=$got unpacked nothing"

# hlr_auc_gw needs only Milenage and the internal AES: no TLS library, no driver.
cd "$SRC/hostapd"
printf 'CONFIG_TLS=internal\nCONFIG_INTERNAL_LIBTOMMATH=y\nCONFIG_DRIVER_NONE=y\n' >.config
make -j2 hlr_auc_gw >"$WORK/build.log" 2>&1 || fail "hlr_auc_gw build failed: $(tail -n 20 "$WORK/build.log")"
mkdir -p "$(dirname "$OUT")"
cp hlr_auc_gw "$OUT.tmp"
mv "$OUT.tmp" "$OUT" # atomic: a reader never sees a half-written binary
say "hlr_auc_gw built from wpa $got -> $OUT"
echo "$OUT"
