#!/usr/bin/env bash
# Makes sure every third-party program the test suite uses as an oracle or a peer is installed BEFORE any test
# runs (scripts/test.mjs runs this first; no test installs anything lazily):
#  1. the programs below, checked on PATH: as root on Debian the missing Debian packages are installed;
#  2. strongSwan (charon, swanctl, pki, eap-aka + the eap-aka-3gpp plugin built into a cache):
#     scripts/peers/install-strongswan.sh;
#  3. dnsmasq and Kea DHCPv6/DHCPv4: scripts/peers/install-dhcp-dns.sh.
# Otherwise (not root, not Debian, or DSMIP_PEERS_CHECK_ONLY=1) it names every missing package and fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
missing_pkgs=()
missing_desc=()
need() { # need <check-command> <debian-package> <description>
  if ! eval "$1" >/dev/null 2>&1; then
    missing_pkgs+=("$2")
    missing_desc+=("$3 (Debian package $2)")
  fi
}
have() { # have <program>...: every program is on PATH or in /usr/sbin, /sbin (not on a non-root PATH)
  local p
  for p in "$@"; do command -v "$p" || [ -x "/usr/sbin/$p" ] || [ -x "/sbin/$p" ] || return 1; done
}

need 'have cc' gcc 'a C compiler for the native addon (raw IP sockets, TUN; scripts/build-native.mjs)'
need 'test -e /usr/include/linux/if_tun.h && test -e /usr/include/stdio.h' libc6-dev 'C library and kernel headers for the native addon'
need 'have tshark' tshark 'tshark, the Wireshark decoder used as a wire-format oracle'
need 'have dumpcap editcap text2pcap' wireshark-common 'dumpcap, editcap and text2pcap: loopback captures and pcap rewriting'
need '/usr/bin/python3 -c "import scapy"' python3-scapy 'scapy for /usr/bin/python3, the packet-builder oracle'
need 'have ip' iproute2 'ip (iproute2), which builds the network namespaces of the end-to-end lab'
need 'have setpriv unshare' util-linux 'setpriv and unshare, which run peers and children in namespaces'
need 'have nft' nftables 'nftables, the port-translating NAT of the end-to-end lab (test/e2e/netns)'
need 'have conntrack' conntrack "conntrack, which reads and flushes that NAT's mappings"
need 'have ping' iputils-ping 'ping (iputils), user traffic to and from both home addresses in the lab'
need 'have iperf3' iperf3 'iperf3, a TCP transfer through the tunnel in the lab'
need 'have pki' strongswan-pki "strongSwan's pki, which makes the test PKIs of the interop tests"
need 'have freeDiameterd' freediameterd 'freeDiameter, the Diameter relay between the HA and the AAA server (test/peers/freediameter)'
need 'test -e /usr/lib/freeDiameter/dict_eap.fdx' freediameter-extensions 'freeDiameter dictionaries (dict_eap, dict_mip6i, dict_dcca_3gpp) and acl_wl'
need 'have openssl' openssl 'openssl, the throwaway TLS certificate freeDiameter insists on'

can_install() {
  [ "${DSMIP_PEERS_CHECK_ONLY:-}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -f /etc/debian_version ]
}

if [ ${#missing_pkgs[@]} -gt 0 ] && can_install; then
  echo "ensure-peers: installing ${missing_pkgs[*]}" >&2
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
  # The test starts its own iperf3 server in a namespace: no system-wide daemon (`debconf-show iperf3`).
  echo 'iperf3 iperf3/start_daemon boolean false' | debconf-set-selections 2>/dev/null || true
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
  missing_pkgs=()
  missing_desc=()
fi

# The peers with their own scripts: they install as root and only check otherwise (exit 1 naming what is
# missing). In check-only mode they run as if unprivileged: they must find everything in place.
failed=()
peer() { # peer <script>
  local rc=0
  if [ "${DSMIP_PEERS_CHECK_ONLY:-}" = 1 ] && [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- bash "$here/peers/$1" >/dev/null || rc=$?
  else
    bash "$here/peers/$1" >/dev/null || rc=$?
  fi
  [ $rc = 0 ] || failed+=("scripts/peers/$1")
}
peer install-strongswan.sh
peer install-dhcp-dns.sh
# hostapd as a RADIUS EAP-AKA server and its hlr_auc_gw, built from Debian's wpa source (test/peers/hostapd).
peer install-hostapd.sh

if [ ${#missing_pkgs[@]} -eq 0 ] && [ ${#failed[@]} -eq 0 ]; then exit 0; fi

echo "ensure-peers: the test suite needs programs that are not installed:" >&2
for d in "${missing_desc[@]}"; do echo "  - $d" >&2; done
for f in "${failed[@]}"; do echo "  - what $f names above" >&2; done
[ ${#missing_pkgs[@]} -eq 0 ] || echo "Install them (as root: apt-get install ${missing_pkgs[*]})," >&2
echo "or run npm test (scripts/ensure-peers.sh) once as root on Debian 12, which installs everything." >&2
exit 1
