#!/usr/bin/env bash
# Makes freeDiameter 1.2 (Debian `freediameter`: freeDiameterd and its extensions dict_eap, dict_mip6i,
# dict_nasreq, dict_dcca_3gpp, acl_wl, rt_default) and dumpcap/tshark usable as the Diameter relay and oracle of
# test/peers/freediameter, plus openssl (freeDiameter wants a TLS certificate even when every peer is plain TCP).
#
#  - everything present: prints nothing and exits 0 (no root needed);
#  - something missing, as root on Debian: installs the packages (no service is started: freediameterd ships none),
#    then exits 0;
#  - something missing otherwise: names it and exits 1.
set -euo pipefail

PROGRAMS=(/usr/bin/freeDiameterd /usr/lib/freeDiameter/dict_eap.fdx /usr/lib/freeDiameter/acl_wl.fdx /usr/bin/dumpcap /usr/bin/tshark /usr/bin/openssl)
PACKAGES=(freediameterd freediameter-extensions freediameter-extensions wireshark-common tshark openssl)

say() { echo "install-freediameter: $*" >&2; }

missing_packages() {
  local i
  for i in "${!PROGRAMS[@]}"; do [ -e "${PROGRAMS[$i]}" ] || echo "${PACKAGES[$i]}"; done | sort -u
}

mapfile -t need < <(missing_packages)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then
  say "missing Debian packages: ${need[*]}"
  say "run this script as root on Debian 12 once (sudo $0), or install them by hand"
  exit 1
fi

LOCK_DIR=${DSMIP_PEERS_CACHE:-/var/cache/dsmip-peers}
mkdir -p "$LOCK_DIR"
exec 9>"$LOCK_DIR/.freediameter.lock"
flock -w 900 9 || { say "timed out waiting for $LOCK_DIR/.freediameter.lock"; exit 1; }
mapfile -t need < <(missing_packages)
[ ${#need[@]} -eq 0 ] && exit 0

say "installing ${need[*]}"
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
export DEBIAN_FRONTEND=noninteractive
APT_WAIT=(-o DPkg::Lock::Timeout=300)
if ! apt-cache show --no-all-versions "${need[@]}" >/dev/null 2>&1; then apt-get "${APT_WAIT[@]}" update -qq >&2; fi
if ! apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
  apt-get "${APT_WAIT[@]}" update -qq >&2
  apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
mapfile -t still < <(missing_packages)
[ ${#still[@]} -eq 0 ] || { say "still missing after the install: ${still[*]}"; exit 1; }
say "installed ${need[*]}"
