import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCa, generateServerCert } from './tls.js';

describe('generated certificates', () => {
  it('are a CA and a server certificate it signed, for localhost and loopback addresses', () => {
    const ca = generateCa();
    const priv = createPrivateKey(ca.caKey);
    const m = generateServerCert(ca, createPublicKey(priv), priv, ['example.test']);
    const caCert = new X509Certificate(m.caCert);
    const cert = new X509Certificate(m.cert);
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('example.test')).toBe('example.test');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkPrivateKey(createPrivateKey(m.key))).toBe(true);
  });
});
