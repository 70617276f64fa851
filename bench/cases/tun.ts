// The JS share of the HA's user-space path (src/node/tun), with 10,000 bindings in the table and the sockets and the
// device replaced by sinks: no kernel, no system calls. The real path (sockets, TUN, two processes on two cores) is
// tun-netns.ts; these figures show how much of it the forwarding code itself takes.
//
// tun-forward-js-only-downlink-udp-{1400,100}: a device packet for a bound HoA → table lookup by destination →
//   size check → the UDP socket's send (NAT binding: the socket adds UDP/IPv4, RFC 5555 §4.1).
// tun-forward-js-only-downlink-ipv4-1400: the same for a binding without NAT: the IPv4 outer header framed here
//   (protocol 41).
// tun-forward-js-only-uplink-{1400,100}: a reverse-tunnelled packet → the core's acceptFromUe (inner source ↔
//   binding ↔ tunnel) → the DHCP filter → the device's write, as src/node/ha/ha-data-plane.ts runs it.

import { HomeAgentCore } from '../../src/mip/home-agent.ts';
import { homeAgentPolicy } from '../../src/mip/policy.ts';
import type { OuterInfo } from '../../src/mip/types.ts';
import type { DatagramTransport } from '../../src/net/transport.ts';
import { HaForwarder } from '../../src/node/tun/ha-forwarder.ts';
import { IcmpReporter } from '../../src/node/tun/icmp-reporter.ts';
import type { PacketDevice } from '../../src/node/tun/packet-device.ts';
import { mayBeUdpTo } from '../../src/node/tun/udp-port-filter.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { buildUdp6 } from '../../src/wire/ip/build.ts';
import type { Bench } from '../harness.ts';

const BINDINGS = 10_000;
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const HA4 = Ipv4Address.parse('192.0.2.1');
const CN6 = Ipv6Address.parse('2001:db8:5::5');

function hoa(i: number): Ipv6Address {
  const b = Ipv6Address.parse('2001:db8:100::').bytes.slice();
  b[6] = i >> 8;
  b[7] = i & 0xff;
  b[15] = 1;
  return Ipv6Address.fromBytes(b);
}

/** An IPv6 UDP packet of `size` bytes in all (RFC 8200 §3, RFC 768: the UDP length counts its 8-byte header). */
function packet(src: Ipv6Address, dst: Ipv6Address, size: number): Uint8Array {
  return buildUdp6({ src, dst, sourcePort: 5000, destinationPort: 6000, payload: new Uint8Array(size - 48) });
}

class SinkDevice implements PacketDevice {
  written = 0;
  write(): boolean {
    this.written++;
    return true;
  }
  onPackets(): void {}
  close(): void {}
}

/** Packets the forwarder handed to a socket, UDP or raw. */
const sentTo = { count: 0 };
const udpSink: DatagramTransport = {
  family: 4,
  localAddress: HA4,
  localPort: 4191,
  send: () => {
    sentTo.count++;
  },
  onMessage: () => {},
  close: () => {},
};

function world(nat: boolean): { forwarder: HaForwarder; device: SinkDevice } {
  const device = new SinkDevice();
  const forwarder = new HaForwarder({
    device,
    output: {
      udp: udpSink,
      sendRaw: () => {
        sentTo.count++;
        return true;
      },
    },
    icmp: new IcmpReporter({ ipv6Source: HA6, ipv4Source: HA4 }),
    now: () => 0,
    linkMtu: 1500,
    deviceMtu: 1452,
    homePrefixLength: 64,
    isMobileRouter: () => false,
  });
  for (let i = 0; i < BINDINGS; i++) {
    const coa = Ipv4Address.fromNumber(0xc6336400 + (i % 250) + 1);
    forwarder.applyBindingEvent({
      kind: 'binding-created',
      homeAddress: hoa(i),
      careOf: coa,
      tunnel: nat
        ? { kind: 'udp4', source: HA4, destination: coa, sourcePort: 4191, destinationPort: 20000 + (i % 40000) }
        : { kind: 'ipv4', source: HA4, destination: coa },
      lifetimeSec: 3600,
      ikeSaId: String(i),
      keyManagementMobility: false,
      natDetected: nat,
    });
  }
  return { forwarder, device };
}

function downlink(name: string, nat: boolean, size: number): Bench {
  let w: ReturnType<typeof world>;
  let packets: Uint8Array[] = [];
  let i = 0;
  return {
    name,
    unit: 'pkt/s',
    setup: () => {
      w = world(nat);
      packets = Array.from({ length: 1024 }, (_, k) => packet(CN6, hoa((k * 7919) % BINDINGS), size));
      const before = sentTo.count;
      w.forwarder.fromDevice(0, packets[0]!);
      if (sentTo.count !== before + 1) throw new Error(`${name}: the packet was not forwarded`);
    },
    run: () => {
      w.forwarder.fromDevice(0, packets[i++ & 1023]!);
    },
  };
}

/** The core's real bindings (BUs through the decision) for the uplink source check. */
function uplink(name: string, size: number): Bench {
  let w: ReturnType<typeof world>;
  let core: HomeAgentCore;
  let packets: Uint8Array[] = [];
  let outers: OuterInfo[] = [];
  let i = 0;
  return {
    name,
    unit: 'pkt/s',
    setup: () => {
      w = world(true);
      core = new HomeAgentCore(
        homeAgentPolicy({
          ipv6Address: HA6,
          ipv4Address: HA4,
          homePrefixes: [{ prefix: Ipv6Address.parse('2001:db8:100::'), prefixLength: 40 }],
        }),
        [],
      );
      const coa = Ipv4Address.parse('198.51.100.7');
      for (let k = 0; k < 1024; k++) {
        const outer: OuterInfo = { family: 4, source: coa, destination: HA4, sourcePort: 20000 + k, viaUdp4191: true };
        core.handleBindingUpdate(
          0,
          {
            kind: 'binding-update',
            acknowledge: true,
            homeRegistration: true,
            linkLocalAddressCompatibility: false,
            keyManagementMobilityCapability: false,
            mapRegistration: false,
            mobileRouter: false,
            proxyRegistration: false,
            forceUdpEncapsulation: true,
            tlvHeaderFormat: false,
            overwriteOrBulkBinding: false,
            sequence: 1,
            lifetimeSec: 3600,
            options: [{ kind: 'ipv4-care-of-address', careOfAddress: coa }],
          },
          {
            ikeSaId: String(k),
            authorizedHomePrefix: { prefix: Ipv6Address.parse('2001:db8:100::'), prefixLength: 40 },
            protectedByEsp: true,
            homeAddress: hoa(k),
            homeAgentAddress: HA6,
            outer,
          },
        );
        outers.push(outer);
      }
      while (core.pollEvent() !== undefined);
      packets = Array.from({ length: 1024 }, (_, k) => packet(hoa(k), CN6, size));
      outers = outers.slice(0, 1024);
      if (!w.forwarder.fromMobileNode(packets[0]!) || w.device.written !== 1) {
        throw new Error(`${name}: the packet did not reach the device`);
      }
    },
    run: () => {
      const k = i++ & 1023;
      const inner = packets[k]!;
      if (core.acceptFromUe(outers[k]!, inner).kind !== 'accept') throw new Error('refused');
      if (!mayBeUdpTo(inner, 547, 67)) w.forwarder.fromMobileNode(inner);
    },
  };
}

export const benches: Bench[] = [
  downlink('tun-forward-js-only-downlink-udp-1400', true, 1400),
  downlink('tun-forward-js-only-downlink-udp-100', true, 100),
  downlink('tun-forward-js-only-downlink-ipv4-1400', false, 1400),
  uplink('tun-forward-js-only-uplink-1400', 1400),
  uplink('tun-forward-js-only-uplink-100', 100),
];
