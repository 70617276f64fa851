import { WireError } from '../util/errors.ts';
import { type Capture, isPcap, readPcap } from './pcap.ts';
import { isPcapng, readPcapng } from './pcapng.ts';

/** Reads a pcap or pcapng file, telling them apart by magic. */
export function readCapture(bytes: Uint8Array): Capture {
  if (isPcapng(bytes)) return readPcapng(bytes);
  if (isPcap(bytes)) return readPcap(bytes);
  throw new WireError('UNSUPPORTED', 'pcap', 0, 'neither a pcap nor a pcapng file');
}
