#!/usr/bin/env bash
# Makes dnsmasq 2.90 and Kea 2.2 (DHCPv6 + DHCPv4) usable as test peers for Home Agent discovery and DHCP over
# the tunnel (test/peers/dhcp-dns), together with iproute2 and setpriv for the network namespaces and runners.
#
#  - every program present: prints nothing and exits 0 (no root needed);
#  - something missing, as root on Debian: installs the Debian packages dnsmasq-base, kea-dhcp6-server,
#    kea-dhcp4-server, iproute2 (util-linux for setpriv) without starting or enabling any system service
#    (a temporary policy-rc.d denies the start when none exists; the Kea units the packages enable are
#    disabled again), then exits 0; progress and timings go to stderr;
#  - something missing otherwise: names it and exits 1.
# dnsmasq-base is the dnsmasq program without its system service; the tests start every server themselves,
# in the foreground, with private configuration, PID and lease paths. A lock serialises concurrent runs.
set -euo pipefail

LOCK_DIR=${DSMIP_PEERS_CACHE:-/var/cache/dsmip-peers}
# Where the programs are looked for (a test points it at an empty directory to see the "missing" path).
ROOT=${DSMIP_PEERS_PROGRAM_ROOT:-}
# program → Debian package that provides it
PROGRAMS=("$ROOT/usr/sbin/dnsmasq" "$ROOT/usr/sbin/kea-dhcp6" "$ROOT/usr/sbin/kea-dhcp4" "$ROOT/usr/sbin/ip" "$ROOT/usr/bin/setpriv")
PACKAGES=(dnsmasq-base kea-dhcp6-server kea-dhcp4-server iproute2 util-linux)
KEA_SERVICES=(kea-dhcp6-server kea-dhcp4-server)

say() { echo "install-dhcp-dns: $*" >&2; }
fail() {
  say "$*"
  exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

missing_packages() {
  local i
  for i in "${!PROGRAMS[@]}"; do [ -x "${PROGRAMS[$i]}" ] || echo "${PACKAGES[$i]}"; done
}

mapfile -t need < <(missing_packages)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then
  say "missing programs: $(for i in "${!PROGRAMS[@]}"; do [ -x "${PROGRAMS[$i]}" ] || printf '%s ' "${PROGRAMS[$i]}"; done)"
  say "missing Debian packages: ${need[*]}"
  fail "run this script as root on Debian 12 once (sudo $0), or install them by hand"
fi

mkdir -p "$LOCK_DIR"
exec 9>"$LOCK_DIR/.dhcp-dns.lock"
if ! flock -n 9; then
  say "another run holds $LOCK_DIR/.dhcp-dns.lock; waiting"
  flock -w 900 9 || fail "timed out waiting for $LOCK_DIR/.dhcp-dns.lock"
fi
mapfile -t need < <(missing_packages)
[ ${#need[@]} -eq 0 ] && exit 0 # the other run did the work

T0=$(now)
export DEBIAN_FRONTEND=noninteractive
APT_WAIT=(-o DPkg::Lock::Timeout=300)

# Deny service starts during the install (invoke-rc.d and deb-systemd-invoke honour policy-rc.d, exit 101 =
# "action forbidden"). An existing policy is left as it is: it already decides.
POLICY=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# written by dsmip install-dhcp-dns.sh for the duration of one apt-get install\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  own_policy=1
fi
cleanup() { [ -z "$own_policy" ] || rm -f "$POLICY"; }
trap cleanup EXIT

had_kea=()
for s in "${KEA_SERVICES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$s" 2>/dev/null)" = installed ]; then had_kea+=("$s"); fi
done

say "installing ${need[*]}"
# Fresh images have no package lists; stale lists give 404s: update first in the one case, retry in the other.
if ! apt-cache show --no-all-versions "${need[@]}" >/dev/null 2>&1; then apt-get "${APT_WAIT[@]}" update -qq >&2; fi
if ! apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
  apt-get "${APT_WAIT[@]}" update -qq >&2
  apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Kea packages enable their units on first install; the tests run their own instances, so undo that for
# the packages installed just now (offline: works with or without a running systemd).
for s in "${KEA_SERVICES[@]}"; do
  case " ${had_kea[*]} " in *" $s "*) continue ;; esac
  if command -v deb-systemd-helper >/dev/null; then deb-systemd-helper disable "$s.service" >/dev/null 2>&1 || true; fi
  if [ -x "/etc/init.d/$s" ] && command -v update-rc.d >/dev/null; then update-rc.d "$s" disable >/dev/null 2>&1 || true; fi
done

mapfile -t still < <(missing_packages)
[ ${#still[@]} -eq 0 ] || fail "still missing after the install: ${still[*]}"
say "installed ${need[*]} in $(elapsed "$T0")"
