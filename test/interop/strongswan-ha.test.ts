/**
 * Our UE (`IkeInitiator` on a UDP endpoint, EAP-AKA peer with TS 35.208 set 1) against strongSwan 5.9 as the HA:
 * ECDSA certificate naming the HA-APN, EAP-AKA server (eap-aka-3gpp, Milenage from K ‖ OPc), and a pool that
 * leases INTERNAL_IP6_ADDRESS with MIP6_HOME_PREFIX loaded over VICI as the 21-byte RFC 5026 §8.2 value.
 * strongSwan sends pool attributes only with a virtual IP, so our UE also asks for INTERNAL_IP6_ADDRESS.
 * IKE runs over IPv6 loopback, so the BU/BA selectors (IPv6) can name the HA's own address.
 *
 * Our UE sends from UDP 500 (bound on ::1 only): strongSwan takes a datagram between two ports that are both not
 * 500 for NAT-T framing and drops an IKE message without the non-ESP marker there (its receiver.c), while
 * RFC 3948 §2.2 puts the marker on port 4500 only, which is what our engine does. With one side on 500 both agree.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureStrongswan } from '../../scripts/peers/strongswan.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { sealEsp } from '../../src/ipsec/esp-protect.ts';
import { tunnelNextHeader } from '../../src/ipsec/packet.ts';
import { EspSad } from '../../src/ipsec/sad.ts';
import { espSaParamsOf } from '../../src/node/ike/esp-sa-params.ts';
import { akaUeConfig, EventLog } from '../../src/node/ike/test-support.ts';
import { osRandom, UdpIkeEndpoint } from '../../src/node/ike/udp-endpoint.ts';
import { listSas, loadPool } from '../../src/node/vici/commands.ts';
import { toHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { ExchangeType, NotifyType } from '../../src/wire/ike/constants.ts';
import type { TrafficSelector } from '../../src/wire/ike/traffic-selector.ts';
import { buildIpv6Packet } from '../../src/wire/ip/build.ts';
import { decodeIpPacket } from '../../src/wire/ip/tunnel.ts';
import {
  type HaResponder,
  type HaResponderOptions,
  MIP6_HOME_PREFIX,
  startHaResponder,
} from '../peers/strongswan/ha-responder.ts';
import { TEST_HA_APN, TEST_HOME_PREFIX, TEST_IMSI, TEST_NAI } from '../peers/strongswan/identities.ts';
import { bindingUpdate, ECHO_REQUEST, withVethNetns } from './support.ts';

before(() => {
  ensureStrongswan();
});

const HA_ADDRESS = '::1';
const POOL = `${TEST_HOME_PREFIX.prefix}/120`; // leases 2001:db8:1:2::1 first
const DNS = ['2001:db8::53', '192.0.2.53'];

interface Run {
  readonly ha: HaResponder;
  readonly ue: UdpIkeEndpoint<IkeInitiator>;
  readonly log: EventLog;
  /** ESP that reached our UE's NAT-T port. */
  readonly esp: Uint8Array[];
}

interface Setup {
  readonly ha?: HaResponderOptions;
  /** Where our UE binds (port 500) and where strongSwan listens. */
  readonly ueAddress: string;
  readonly haAddress: string;
}

async function withOurUe(setup: Setup, body: (r: Run) => Promise<void>): Promise<void> {
  const ha = await startHaResponder(setup.ha);
  let ue: UdpIkeEndpoint<IkeInitiator> | undefined;
  let failed = false;
  try {
    // The same pool again, now with DNS servers too (load-pool replaces the attributes of a pool by name).
    await loadPool(ha.charon.vici, ha.pool, {
      addrs: POOL,
      attributes: { [String(MIP6_HOME_PREFIX)]: [ha.homePrefixValue], dns: DNS },
    });
    const log = new EventLog();
    const esp: Uint8Array[] = [];
    const haAddress = Ipv6Address.parse(setup.haAddress);
    ue = await UdpIkeEndpoint.open(
      {
        address: setup.ueAddress,
        ikePort: 500,
        natTPort: 0,
        onEvent: log.push,
        onEsp: (bytes) => esp.push(bytes.slice()),
      },
      (local) =>
        new IkeInitiator(
          akaUeConfig({
            local,
            remote: { address: haAddress, port: ha.port, natTPort: ha.natTPort },
            imsi: TEST_IMSI,
            caCertPem: ha.caCertPem,
            apn: TEST_HA_APN,
            homeAgentAddress: haAddress,
            requestIpv6Address: true,
            requestDns: true,
          }),
        ),
    );
    await body({ ha, ue, log, esp });
  } catch (e) {
    failed = true;
    throw new Error(`${String(e)}\n(strongSwan log kept in ${ha.charon.dir})`, { cause: e });
  } finally {
    await ue?.close();
    await ha.charon.dispose(failed);
  }
}

test('our UE → strongSwan HA: certificate + EAP-AKA IKE SA, home prefix from the 21-byte attribute, DNS; both Child SAs refused, IKE SA kept', async () => {
  await withOurUe(
    { ha: { localAddrs: HA_ADDRESS }, ueAddress: HA_ADDRESS, haAddress: HA_ADDRESS },
    async ({ ha, ue, log }) => {
      // IKE_SA_INIT { SA, KE, Ni, N(NATD) x2, N(SIGNATURE_HASH_ALGORITHMS) } --> <-- { SA, KE, Nr, N(NATD) x2, ... }
      // IKE_AUTH { IDi = root NAI, CERTREQ, IDr = HA-APN, N(MULTIPLE_AUTH_SUPPORTED),
      //            CP(CFG_REQUEST: MIP6_HOME_PREFIX, INTERNAL_IP6_ADDRESS, INTERNAL_IP6_DNS, INTERNAL_IP4_DNS),
      //            SA, TSi = ::/0, TSr = ::/0 } -->
      //   <-- { IDr, CERT, AUTH(ECDSA-256), EAP-Request/AKA-Challenge }
      // IKE_AUTH { EAP-Response/AKA-Challenge } --> <-- { EAP-Success }
      // IKE_AUTH { AUTH(MSK) } --> <-- { AUTH, CP(CFG_REPLY: INTERNAL_IP6_ADDRESS, 16, DNS...), N(NO_PROPOSAL_CHOSEN) }
      // CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), SA, Ni, KE?, TSi = HoA[MH, BU..BA], TSr = ::1[MH, BU..BA] } -->
      //   <-- { N(NO_PROPOSAL_CHOSEN) }
      const failedChildren = () => log.of('child-sa-failed').length === 2;
      ue.run((engine, now) => engine.connect(now));
      await log.waitFor(failedChildren, 'both Child SA attempts to end');

      assert.deepEqual(log.kinds(), [
        'key-log',
        'eap-success',
        'ike-sa-established',
        'home-prefix-assigned',
        'error-notify',
        'child-sa-failed',
        'error-notify',
        'child-sa-failed',
      ]);
      const [eap] = log.of('eap-success');
      assert.equal(eap?.identity, TEST_NAI);
      const [established] = log.of('ike-sa-established');
      assert.equal(established?.peerId, TEST_HA_APN);

      // MIP6_HOME_PREFIX as loaded (RFC 5026 §8.2): lifetime, prefix, length; the leased address is the HoA
      // (RFC 5026 §5.3.1: an INTERNAL_IP6_ADDRESS in the reply MUST be used).
      const [home] = log.of('home-prefix-assigned');
      assert.ok(home);
      assert.deepEqual(
        [home.homePrefix.prefix.toString(), home.homePrefix.prefixLength, home.homePrefix.lifetimeSec],
        [TEST_HOME_PREFIX.prefix, TEST_HOME_PREFIX.length, TEST_HOME_PREFIX.lifetimeSec],
      );
      assert.equal(home.homeAddress?.toString(), '2001:db8:1:2::1');
      assert.deepEqual(home.ipv6Dns.map(String), ['2001:db8::53']);
      assert.deepEqual(home.ipv4Dns.map(String), ['192.0.2.53']);

      // The IKE_AUTH child (tunnel) and the BU/BA child (transport): strongSwan agrees on selectors and
      // proposal but has no kernel ESP to install them into, and answers NO_PROPOSAL_CHOSEN (README).
      const notifies = log.of('error-notify').map((e) => [e.notifyType, e.exchangeType, e.direction]);
      assert.deepEqual(notifies, [
        [NotifyType.NO_PROPOSAL_CHOSEN, ExchangeType.IKE_AUTH, 'received'],
        [NotifyType.NO_PROPOSAL_CHOSEN, ExchangeType.CREATE_CHILD_SA, 'received'],
      ]);
      assert.deepEqual(
        log.of('child-sa-failed').map((e) => e.notifyType),
        [NotifyType.NO_PROPOSAL_CHOSEN, NotifyType.NO_PROPOSAL_CHOSEN],
      );
      assert.equal(
        ha.charon.log().match(/unable to install inbound and outbound IPsec SA \(SAD\) in kernel/g)?.length,
        2,
      );

      // strongSwan's view: ESTABLISHED, our identities, the lease, no Child SA; our IKE SA survives too.
      const [sa, ...more] = await listSas(ha.charon.vici, { ike: ha.connection });
      assert.equal(more.length, 0);
      assert.equal(sa?.state, 'ESTABLISHED');
      assert.equal(sa?.initiator, false);
      assert.equal(sa?.remoteId, TEST_NAI);
      assert.equal(sa?.localId, TEST_HA_APN);
      assert.deepEqual(sa?.remoteVips, ['2001:db8:1:2::1']);
      assert.deepEqual(sa?.childSas, []);
      assert.equal(sa?.initiatorSpi, toHex(established!.spiI));
      assert.equal(sa?.responderSpi, toHex(established!.spiR));
      assert.match(ha.charon.log(), /EAP method EAP_AKA succeeded, MSK established/);
      assert.match(ha.charon.log(), /building MIP6_HOME_PREFIX attribute/);
      assert.equal(ue.engine.ikeSaCount, 1);
      assert.equal(ue.engine.ikeSa(established!.ikeSaId)?.established, true);
    },
  );
});

test('kernel-libipsec HA in a namespace: the IKE_AUTH child is a UDP-encapsulated tunnel that carries ESP both ways; the BU/BA child comes back in tunnel mode and our UE deletes it', async () => {
  await withVethNetns(async ({ netns, hostAddress, nsAddress }) => {
    // Child selectors: all traffic between the HoA and the HA. libipsec reads an IPv6 packet's protocol past any
    // header it takes for an extension header, the Mobility Header included (Payload Proto 59), so a [MH] policy
    // would discard the decrypted BU; with any protocol it is delivered.
    const haOptions: HaResponderOptions = {
      netns,
      kernel: 'libipsec',
      childMode: 'tunnel',
      childTs: 'dynamic',
      port: 500,
      natTPort: 4500,
    };
    await withOurUe({ ha: haOptions, ueAddress: hostAddress, haAddress: nsAddress }, async ({ ha, ue, log, esp }) => {
      // IKE_SA_INIT: strongSwan's NAT-D is faked (libipsec only does ESP in UDP), so our UE floats to NAT-T.
      // IKE_AUTH { ..., SA, TSi = ::/0, TSr = ::/0 } --> ... <-- { AUTH, CP, SA, TSi = HoA, TSr = HA }
      // CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), SA, Ni, TSi, TSr } --> <-- { SA, Nr, TSi, TSr } (tunnel)
      // INFORMATIONAL { D(ESP) } -->  (RFC 4877 §4: the BU/BA SA must be transport mode; we refuse it)
      ue.run((engine, now) => engine.connect(now));
      const settled = (l: EventLog) => l.of('child-sa-established').length + l.of('child-sa-failed').length === 2;
      await log.waitFor(settled, 'both Child SAs');
      assert.deepEqual(log.kinds(), [
        'key-log',
        'nat-detected',
        'eap-success',
        'ike-sa-established',
        'home-prefix-assigned',
        'child-sa-established',
        'child-sa-failed',
      ]);
      const [nat] = log.of('nat-detected');
      assert.deepEqual([nat?.localBehindNat, nat?.remoteBehindNat, nat?.path.remotePort], [false, true, 4500]);
      const [child] = log.of('child-sa-established');
      assert.ok(child);
      const hoa = '2001:db8:1:2::1';
      assert.deepEqual([child.mode, child.udpEncapsulation], ['tunnel', true]);
      const ts = (t: readonly TrafficSelector[]) =>
        t.map((x) => (x.kind === 'unknown' ? '?' : `${x.startAddress}-${x.endAddress}[${x.ipProtocol}]`));
      assert.deepEqual(ts(child.tsLocal), [`${hoa}-${hoa}[0]`]);
      assert.deepEqual(ts(child.tsRemote), [`${nsAddress}-${nsAddress}[0]`]);
      assert.deepEqual(
        log.of('child-sa-failed').map((e) => e.reason),
        ['transport-mode-declined'],
      );

      // strongSwan's side: our Delete removed the tunnel-mode answer to the BU/BA request; the first child stays.
      const haChild = async () => {
        const deadline = Date.now() + 5000;
        for (;;) {
          const [sa] = await listSas(ha.charon.vici, { ike: ha.connection });
          if (sa?.childSas.length === 1 || Date.now() > deadline) return { sa, c: sa?.childSas[0] };
          await sleep(50);
        }
      };
      let { sa, c } = await haChild();
      assert.equal(sa?.raw['nat-fake'], 'yes');
      assert.deepEqual(sa?.childSas.length, 1);
      assert.deepEqual([c?.state, c?.mode, c?.protocol, c?.encapsulated], ['INSTALLED', 'TUNNEL', 'ESP', true]);
      assert.equal(c?.spiIn, child.spiOut.toString(16).padStart(8, '0'));
      assert.equal(c?.spiOut, child.spiIn.toString(16).padStart(8, '0'));
      assert.deepEqual(c?.remoteTs, [`${hoa}/128`]);

      // ESP, UE → HA: a BU from the HoA inside the tunnel; strongSwan's libipsec authenticates, decrypts and
      // delivers it (its kernel then has no MH to give it to).
      const path = ue.engine.ikeSa(child.ikeSaId)!.path;
      const params = espSaParamsOf(child, path);
      const sad = new EspSad({ random: osRandom });
      const outbound = sad.install(params.outbound);
      sad.install(params.inbound);
      const homeAddress = Ipv6Address.parse(hoa);
      const homeAgent = Ipv6Address.parse(nsAddress);
      const bu = bindingUpdate(homeAddress, homeAgent, Ipv4Address.parse('192.0.2.10'));
      const inner = buildIpv6Packet({ src: homeAddress, dst: homeAgent, nextHeader: 135, payload: bu });
      const sealed = sealEsp(outbound, tunnelNextHeader(inner), inner);
      assert.ok(sealed.ok);
      ue.sendEsp(sealed.packet, { address: homeAgent, port: 4500 });
      for (const deadline = Date.now() + 3000; c?.raw['packets-in'] !== '1' && Date.now() < deadline; ) {
        await sleep(50);
        ({ c } = await haChild());
      }
      assert.equal(c?.raw['packets-in'], '1');
      assert.equal(c?.raw['bytes-in'], String(inner.length));

      // ESP, HA → UE: an ICMPv6 echo request sent in the namespace from the HA's address to the HoA goes through
      // strongSwan's TUN device into the tunnel, as ESP in UDP to our NAT-T port; our SAD opens it with the inbound
      // keys of the same Child SA. (Its kernel, which has no Mobility Header support, may also have answered the
      // BU with an ICMPv6 Parameter Problem through the same tunnel.)
      const sent = spawnSync('ip', ['netns', 'exec', netns, '/usr/bin/python3', '-c', ECHO_REQUEST, nsAddress, hoa], {
        encoding: 'utf8',
      });
      assert.equal(sent.status, 0, sent.stderr);
      const icmp: string[] = []; // each packet is opened once: a second open would be a replay
      const openArrived = () => {
        for (const packet of esp.splice(0)) {
          const r = sad.open(packet);
          const ip = r.ok ? decodeIpPacket(r.data) : undefined;
          if (!r.ok || ip?.version !== 6 || ip.packet.nextHeader !== 58) icmp.push(`not ICMPv6: ${JSON.stringify(r)}`);
          else {
            const { source, destination, payload } = ip.packet;
            icmp.push(`${r.sa.spi === child.spiIn} ${source} > ${destination} type ${payload[0]}/${payload[1]}`);
          }
        }
        return icmp.length;
      };
      const echo = `true ${nsAddress} > ${hoa} type 128/0`;
      for (const deadline = Date.now() + 3000; !icmp.includes(echo) && Date.now() < deadline; ) {
        openArrived();
        await sleep(20);
      }
      assert.ok(icmp.includes(echo), icmp.join('\n'));
      for (const line of icmp) assert.match(line, new RegExp(`^true ${nsAddress} > ${hoa} type (128/0|4/1)$`));
      ({ c } = await haChild());
      assert.ok(Number(c?.raw['packets-out']) >= 1);
    });
  });
});
