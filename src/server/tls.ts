/**
 * Self-signed certificates for HTTPS: an ECDSA P-256 CA and a server certificate it signs
 * (SANs localhost, 127.0.0.1, ::1 and any extra names), DER-encoded by hand with node:crypto.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);

function oid(s: string): Buffer {
  const parts = s.split('.').map(Number);
  const out: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function int(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0) v = v.subarray(1);
  if (((v[0] ?? 0) & 0x80) !== 0) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function time(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  const s = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y < 2050) return tlv(0x17, Buffer.from(`${p(y % 100)}${s}`));
  return tlv(0x18, Buffer.from(`${y}${s}`));
}

function name(cn: string): Buffer {
  return seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? seq(oid(id), tlv(0x01, Buffer.from([0xff])), tlv(0x04, value))
    : seq(oid(id), tlv(0x04, value));
}

function keyId(pub: KeyObject): Buffer {
  return createHash('sha1')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest();
}

function pem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));

function certificate(o: {
  subject: string;
  issuer: string;
  pub: KeyObject;
  signer: KeyObject;
  issuerPub: KeyObject;
  ca: boolean;
  sans: string[];
  days: number;
}): string {
  const now = new Date(Date.now() - 60_000);
  const until = new Date(now.getTime() + o.days * 86_400_000);
  const exts: Buffer[] = [
    ext('2.5.29.19', true, o.ca ? seq(tlv(0x01, Buffer.from([0xff]))) : seq()),
    ext(
      '2.5.29.15',
      true,
      o.ca ? tlv(0x03, Buffer.from([0x01, 0x86])) : tlv(0x03, Buffer.from([0x05, 0xa0])),
    ),
    ext('2.5.29.14', false, tlv(0x04, keyId(o.pub))),
  ];
  if (!o.ca) {
    exts.push(ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))));
    exts.push(ext('2.5.29.35', false, seq(tlv(0x80, keyId(o.issuerPub)))));
    const names = o.sans.map((s) => {
      const kind = isIP(s);
      if (kind === 4) return tlv(0x87, Buffer.from(s.split('.').map(Number)));
      if (kind === 6) return tlv(0x87, ipv6(s));
      return tlv(0x82, Buffer.from(s, 'ascii'));
    });
    exts.push(ext('2.5.29.17', false, seq(...names)));
  }
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))),
    int(serial),
    ecdsaSha256,
    name(o.issuer),
    seq(time(now), time(until)),
    name(o.subject),
    o.pub.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...exts)),
  );
  const sig = sign('sha256', tbs, o.signer);
  return pem('CERTIFICATE', seq(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), sig)));
}

function ipv6(s: string): Buffer {
  const [head = '', tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = s.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export interface TlsMaterial {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

function keyPair(): { pub: KeyObject; priv: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pub: publicKey, priv: privateKey };
}

export function generateCa(): { caCert: string; caKey: string } {
  const k = keyPair();
  const caCert = certificate({
    subject: 'packsync-ca',
    issuer: 'packsync-ca',
    pub: k.pub,
    signer: k.priv,
    issuerPub: k.pub,
    ca: true,
    sans: [],
    days: 3650,
  });
  return { caCert, caKey: k.priv.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function generateServerCert(
  ca: { caCert: string; caKey: string },
  caPub: KeyObject,
  caPriv: KeyObject,
  extraNames: readonly string[] = [],
): TlsMaterial {
  const k = keyPair();
  const sans = [...new Set(['localhost', '127.0.0.1', '::1', ...extraNames])];
  const cert = certificate({
    subject: 'packsync-server',
    issuer: 'packsync-ca',
    pub: k.pub,
    signer: caPriv,
    issuerPub: caPub,
    ca: false,
    sans,
    days: 365,
  });
  return { ...ca, cert, key: k.priv.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
