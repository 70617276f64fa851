#!/usr/bin/env bash
# Makes sure the third-party programs the test suite uses as oracles and peers are installed.
# As root on Debian it installs what is missing; otherwise it names what is missing and fails.
set -euo pipefail

missing_pkgs=()
missing_desc=()
need() { # need <check-command> <debian-package> <description>
  if ! eval "$1" >/dev/null 2>&1; then
    missing_pkgs+=("$2")
    missing_desc+=("$3 (Debian package $2)")
  fi
}

need 'command -v cc' gcc 'a C compiler for the native addon (raw IP sockets, TUN; scripts/build-native.mjs)'
need 'test -e /usr/include/linux/if_tun.h && test -e /usr/include/stdio.h' libc6-dev 'C library and kernel headers for the native addon'
need 'command -v tshark && command -v text2pcap' tshark 'tshark, the Wireshark decoder used as a wire-format oracle'
need '/usr/bin/python3 -c "import scapy"' python3-scapy 'scapy for /usr/bin/python3, the packet-builder oracle'
need 'command -v ip' iproute2 'ip (iproute2), which builds the network namespaces of the end-to-end lab'
need 'command -v nft' nftables 'nftables, the port-translating NAT of the end-to-end lab (test/e2e/netns)'
need 'command -v conntrack' conntrack "conntrack, which reads and flushes that NAT's mappings"
need 'command -v ping' iputils-ping 'ping (iputils), user traffic to and from both home addresses in the lab'
need 'command -v iperf3' iperf3 'iperf3, a TCP transfer through the tunnel in the lab'

# hostapd as a RADIUS EAP-AKA server and its hlr_auc_gw, built from Debian's wpa source (test/peers/hostapd).
bash "$(dirname "$0")/peers/install-hostapd.sh" >/dev/null

if [ ${#missing_pkgs[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-peers: installing ${missing_pkgs[*]}" >&2
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
  # The test starts its own iperf3 server in a namespace: no system-wide daemon (`debconf-show iperf3`).
  echo 'iperf3 iperf3/start_daemon boolean false' | debconf-set-selections 2>/dev/null || true
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
  exit 0
fi

echo "ensure-peers: the test suite needs programs that are not installed:" >&2
for d in "${missing_desc[@]}"; do echo "  - $d" >&2; done
echo "Install them (as root: apt-get install ${missing_pkgs[*]}) and run npm test again." >&2
exit 1
