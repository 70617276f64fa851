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

# A private source index (the system's apt configuration is never touched): one deb-src line per Debian archive
# the system installs from, as install-strongswan.sh does.
CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
{
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v cn="$CODENAME" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) if (s[j] ~ "^" cn)
            printf "deb-src %s%s %s %s\n", (sb != "" ? "[signed-by=" sb "] " : ""), u[i], s[j], comps
        types = ""; enabled = ""; sb = ""; comps = ""; nu = 0; ns = 0
      }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      tolower($1) == "types:" { $1 = ""; types = substr($0, 2) }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      tolower($1) == "uris:" { for (k = 2; k <= NF; k++) u[++nu] = $k }
      tolower($1) == "suites:" { for (k = 2; k <= NF; k++) s[++ns] = $k }
      tolower($1) == "components:" { $1 = ""; comps = substr($0, 2) }
      tolower($1) == "signed-by:" && $2 ~ /^\// { sb = $2 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v cn="$CODENAME" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i + 1) ~ "^" cn) { $1 = "deb-src"; print } }' "$f"
  done
} | sort -u >sources.list
[ -s sources.list ] || fail "no Debian '$CODENAME' archive found in /etc/apt/sources.list{,.d} to fetch sources from"
mkdir -p lists/partial apt-cache
APT_PRIVATE=(-o Dir::Etc::SourceList="$WORK/sources.list" -o Dir::Etc::SourceParts=/nonexistent
  -o Dir::State::Lists="$WORK/lists" -o Dir::Cache="$WORK/apt-cache" -o APT::Sandbox::User=root)
apt-get "${APT_PRIVATE[@]}" update -qq >&2 || say "some source indexes failed to download (continuing)"
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
