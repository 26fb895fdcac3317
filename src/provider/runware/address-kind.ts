// What kind of network an IP address belongs to, for the download guard: a result URL must lead to the
// public internet, not to this machine, the local network or a cloud metadata endpoint. IPv4, IPv6, and
// IPv4 hidden inside IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) alike.
import net from 'node:net';

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

type Range = [base: number, bits: number, kind: AddressKind];
const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const IPV4: Range[] = [
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(100, 64, 0, 0), 10, 'private'], // carrier-grade NAT
  [v4(169, 254, 0, 0), 16, 'link-local'], // 169.254.169.254: cloud metadata
  [v4(0, 0, 0, 0), 8, 'reserved'], // "this host": 0.0.0.0 reaches local services on Linux
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'reserved'],
  [v4(198, 18, 0, 0), 15, 'reserved'],
  [v4(198, 51, 100, 0), 24, 'reserved'],
  [v4(203, 0, 113, 0), 24, 'reserved'],
  [v4(224, 0, 0, 0), 4, 'reserved'], // multicast
  [v4(240, 0, 0, 0), 4, 'reserved'], // reserved and broadcast
];

function ipv4Kind(n: number): AddressKind {
  for (const [base, bits, kind] of IPV4) if (bits === 0 || n >>> (32 - bits) === base >>> (32 - bits)) return kind;
  return 'public';
}

function parseIpv4(s: string): number | undefined {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return v4(parts[0]!, parts[1]!, parts[2]!, parts[3]!);
}

/** The eight 16-bit words of an IPv6 address (with a trailing dotted IPv4 part, as in ::ffff:1.2.3.4). */
function ipv6Words(s: string): number[] | undefined {
  let text = s.split('%')[0]!; // zone id: fe80::1%eth0
  const tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = parseIpv4(dotted[1]!);
    if (n === undefined) return undefined;
    tail.push(n >>> 16, n & 0xffff);
    text = text.slice(0, dotted.index + 1) + '0'; // placeholder word, replaced below
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (h: string) => (h === '' ? [] : h.split(':').map((w) => parseInt(w, 16)));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  if (dotted) (rest.length ? rest : head).pop();
  const fill = 8 - head.length - rest.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const all = [...head, ...Array<number>(fill).fill(0), ...rest, ...tail];
  return all.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? all : undefined;
}

function ipv6Kind(w: number[]): AddressKind {
  const embedded = (hi: number, lo: number) => ipv4Kind(((hi << 16) | lo) >>> 0);
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 7) && w[7] === 1) return 'loopback';
  if (zeros(0, 8)) return 'reserved';
  if (zeros(0, 5) && w[5] === 0xffff) return embedded(w[6]!, w[7]!); // IPv4-mapped
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return embedded(w[6]!, w[7]!); // NAT64
  if (w[0] === 0x2002) return embedded(w[1]!, w[2]!); // 6to4
  if (zeros(0, 6)) return 'reserved'; // IPv4-compatible (deprecated)
  if ((w[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((w[0]! & 0xfe00) === 0xfc00 || (w[0]! & 0xffc0) === 0xfec0) return 'private'; // unique local, site-local
  if ((w[0]! & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (w[0] === 0x2001 && (w[1] === 0x0db8 || w[1] === 0)) return 'reserved'; // documentation, Teredo
  return 'public';
}

/** The kind of an IP address (v4 or v6 text); anything that is not an IP address counts as reserved. */
export function addressKind(ip: string): AddressKind {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (net.isIPv4(bare)) return ipv4Kind(parseIpv4(bare)!);
  const words = net.isIPv6(bare.split('%')[0]!) ? ipv6Words(bare) : undefined;
  return words ? ipv6Kind(words) : 'reserved';
}
