#!/usr/bin/env bash
# Makes strongSwan 5.9 (Debian 12) usable as an IKEv2 / EAP-AKA test peer and prints the path of the
# eap-aka-3gpp plugin on stdout (its only stdout line); progress and timings go to stderr.
#
#  1. installs the Debian packages of charon, swanctl, pki and the EAP-AKA state machine, when missing;
#  2. builds the eap-aka-3gpp plugin (Milenage, K||OPc from swanctl secrets) and the load-tester plugin (an
#     IKE_SA generator with a fake kernel, used by bench/strongswan-load), which Debian does not ship, from
#     Debian's source package of the installed strongSwan version, into a cache that survives test runs:
#     $DSMIP_PEERS_CACHE (default /var/cache/dsmip-peers)/strongswan-<version>/libstrongswan-{eap-aka-3gpp,load-tester}.so
#     (the load-tester's path is the printed one with eap-aka-3gpp replaced by load-tester).
#
# Idempotent: when everything is present it only checks and prints (no root needed). Installing needs root
# on Debian; otherwise it names what is missing and exits 1. A lock makes concurrent runs wait for each other.
set -euo pipefail

CACHE=${DSMIP_PEERS_CACHE:-/var/cache/dsmip-peers}
# libstrongswan-standard-plugins holds the openssl plugin (ECDSA); it is only a Recommends of libstrongswan.
PACKAGES=(strongswan-charon charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins
  libstrongswan-standard-plugins strongswan-pki)
BUILD_PACKAGES=(build-essential pkg-config dpkg-dev)
PLUGIN_NAME=libstrongswan-eap-aka-3gpp.so
LOAD_TESTER_NAME=libstrongswan-load-tester.so

say() { echo "install-strongswan: $*" >&2; }
fail() {
  say "$*"
  exit 1
}
# shellcheck source=debian-source-index.sh
. "$(dirname "${BASH_SOURCE[0]}")/debian-source-index.sh"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
missing_packages() {
  local p
  for p in "$@"; do installed "$p" || echo "$p"; done
}
charon_version() { dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null; }
plugin_path() { echo "$CACHE/strongswan-$(charon_version)/$PLUGIN_NAME"; }
load_tester_path() { echo "$CACHE/strongswan-$(charon_version)/$LOAD_TESTER_NAME"; }

# Fast path: nothing to do.
ready() {
  [ -z "$(missing_packages "${PACKAGES[@]}")" ] && [ -x /usr/sbin/charon-systemd ] && [ -s "$(plugin_path)" ] &&
    [ -s "$(load_tester_path)" ]
}

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then
  fail "needs Debian 12 (apt-get, dpkg-query); install strongSwan 5.9 (charon-systemd, swanctl, pki, eap-aka) and \
build its eap-aka-3gpp plugin by hand, or run the tests on Debian"
fi
if ready; then
  plugin_path
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  missing=$(missing_packages "${PACKAGES[@]}" | tr '\n' ' ')
  [ -n "$missing" ] && say "missing Debian packages: $missing"
  [ -z "$missing" ] && [ ! -s "$(plugin_path)" ] && say "missing the eap-aka-3gpp plugin build: $(plugin_path)"
  [ -z "$missing" ] && [ ! -s "$(load_tester_path)" ] && say "missing the load-tester plugin build: $(load_tester_path)"
  fail "run this script as root once (sudo $0) to install and build them"
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.strongswan.lock"
if ! flock -n 9; then
  say "another run holds $CACHE/.strongswan.lock; waiting"
  flock -w 900 9 || fail "timed out waiting for $CACHE/.strongswan.lock"
fi
if ready; then # the other run did the work
  plugin_path
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
APT_WAIT=(-o DPkg::Lock::Timeout=300)
T0=$(now)

# --- 1. packages --------------------------------------------------------------------------------------------
mapfile -t need < <(missing_packages "${PACKAGES[@]}" "${BUILD_PACKAGES[@]}")
if [ ${#need[@]} -gt 0 ]; then
  t=$(now)
  say "installing ${need[*]}"
  # Fresh images have no package lists; stale lists give 404s: update first in the one case, retry in the other.
  if ! apt-cache show --no-all-versions "${need[@]}" >/dev/null 2>&1; then apt-get "${APT_WAIT[@]}" update -qq >&2; fi
  if ! apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
    apt-get "${APT_WAIT[@]}" update -qq >&2
    apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  say "packages installed in $(elapsed "$t")"
fi

# --- 2. eap-aka-3gpp and load-tester plugins ---------------------------------------------------------------------------------
VERSION=$(charon_version)
UPSTREAM=${VERSION%%-*} # 5.9.8 from 5.9.8-5+deb12u2
OUT=$(plugin_path)
OUT_LT=$(load_tester_path)
if [ ! -s "$OUT" ] || [ ! -s "$OUT_LT" ]; then
  t=$(now)
  WORK=$(mktemp -d "$CACHE/build.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  cd "$WORK"

  private_source_index # scripts/peers/debian-source-index.sh

  # The installed version first; a mirror sometimes drops it, and any Debian revision of the same upstream
  # release has the same plugin code and library ABI.
  mapfile -t versions < <(apt-cache "${APT_PRIVATE[@]}" showsrc strongswan 2>/dev/null |
    awk '/^Version:/ { print $2 }' | sort -u | sort -rV)
  got=
  for v in "$VERSION" "${versions[@]}"; do
    [ "${v%%-*}" = "$UPSTREAM" ] || continue
    if apt-get "${APT_PRIVATE[@]}" source -qq "strongswan=$v" >/dev/null 2>&1; then
      got=$v
      break
    fi
  done
  [ -n "$got" ] || fail "no source package strongswan $UPSTREAM-* found in: $(tr '\n' ';' <sources.list)"
  [ "$got" = "$VERSION" ] || say "source $VERSION unavailable; built from $got (same upstream $UPSTREAM)"
  SRC=$(find "$WORK" -maxdepth 1 -type d -name "strongswan-$UPSTREAM*" | head -n1)
  [ -n "$SRC" ] || fail "apt-get source strongswan=$got unpacked nothing"
  say "source fetched in $(elapsed "$t")"

  t=$(now)
  cd "$SRC"
  # Only config.h is needed (it fixes the struct layouts the installed libraries were built with).
  ./configure --prefix=/usr --sysconfdir=/etc --libdir=/usr/lib --libexecdir=/usr/lib --disable-gmp \
    --enable-eap-aka --enable-eap-aka-3gpp --enable-load-tester --enable-swanctl --enable-openssl=no --enable-systemd=no \
    >"$WORK/configure.log" 2>&1 || fail "configure failed; see $(tail -n 20 "$WORK/configure.log")"
  say "configured in $(elapsed "$t")"

  t=$(now)
  D=src/libcharon/plugins/eap_aka_3gpp
  gcc -shared -fPIC -O2 -DHAVE_CONFIG_H -include "$SRC/config.h" -I"$SRC" -Isrc/libstrongswan -Isrc/libcharon \
    -Isrc/libsimaka -Wno-format -Wno-pointer-sign \
    $D/eap_aka_3gpp_functions.c $D/eap_aka_3gpp_plugin.c $D/eap_aka_3gpp_card.c $D/eap_aka_3gpp_provider.c \
    -o "$WORK/$PLUGIN_NAME" -L/usr/lib/ipsec -Wl,-rpath,/usr/lib/ipsec -lsimaka -lcharon -lstrongswan
  nm -D --defined-only "$WORK/$PLUGIN_NAME" | grep -q ' eap_aka_3gpp_plugin_create$' ||
    fail "built plugin lacks eap_aka_3gpp_plugin_create"
  L=src/libcharon/plugins/load_tester
  # IPSEC_PIDDIR: where its control socket would go (the plugin's Makefile.am sets it; we never enable it).
  gcc -shared -fPIC -O2 -DHAVE_CONFIG_H -include "$SRC/config.h" -I"$SRC" -Isrc/libstrongswan -Isrc/libcharon \
    -DIPSEC_PIDDIR='"/run"' -Wno-format -Wno-pointer-sign \
    $L/load_tester_plugin.c $L/load_tester_config.c $L/load_tester_creds.c $L/load_tester_ipsec.c \
    $L/load_tester_listener.c $L/load_tester_diffie_hellman.c $L/load_tester_control.c \
    -o "$WORK/$LOAD_TESTER_NAME" -L/usr/lib/ipsec -Wl,-rpath,/usr/lib/ipsec -lcharon -lstrongswan
  nm -D --defined-only "$WORK/$LOAD_TESTER_NAME" | grep -q ' load_tester_plugin_create$' ||
    fail "built plugin lacks load_tester_plugin_create"
  mkdir -p "$(dirname "$OUT")"
  # atomic: a reader never sees a half-written plugin; the eap-aka-3gpp one last, as the fast path checks both
  mv "$WORK/$LOAD_TESTER_NAME" "$OUT_LT.tmp"
  mv "$OUT_LT.tmp" "$OUT_LT"
  mv "$WORK/$PLUGIN_NAME" "$OUT.tmp"
  mv "$OUT.tmp" "$OUT"
  say "plugins compiled in $(elapsed "$t") -> $OUT, $OUT_LT"
fi

say "done in $(elapsed "$T0")"
echo "$OUT"
