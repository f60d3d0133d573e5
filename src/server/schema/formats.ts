/**
 * The string formats the API server checks in CRD schemas (kube-openapi's strfmt registry as
 * apiextensions keeps it); unknown formats are not checked.
 */
import { isIP } from 'node:net';

const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const date = /^(\d{4})-(\d{2})-(\d{2})$/;
const duration = /^[-+]?((\d+(\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$|^0$/;
const hostname =
  /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const email = /^[^\s@]+@[^\s@]+$/;
const mac = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/;
const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidN = (n: number): RegExp =>
  new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${n}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const hexColor = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const rgbColor =
  /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;

function validDate(y: string, m: string, d: string): boolean {
  const dt = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return dt.getUTCMonth() === Number(m) - 1 && dt.getUTCDate() === Number(d);
}

const checks: Record<string, (s: string) => boolean> = {
  'date-time': (s) => {
    const m = dateTime.exec(s);
    return (
      !!m &&
      validDate(m[1] ?? '', m[2] ?? '', m[3] ?? '') &&
      Number(m[4]) < 24 &&
      Number(m[5]) < 60 &&
      Number(m[6]) < 61
    );
  },
  date: (s) => {
    const m = date.exec(s);
    return !!m && validDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
  },
  duration: (s) => duration.test(s.trim()),
  hostname: (s) => hostname.test(s),
  email: (s) => email.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: (s) => {
    const [ip, bits, ...rest] = s.split('/');
    if (rest.length > 0 || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits))
      return false;
    const v = isIP(ip);
    return v !== 0 && Number(bits) <= (v === 4 ? 32 : 128);
  },
  mac: (s) => mac.test(s),
  uuid: (s) => uuid.test(s),
  uuid3: (s) => uuidN(3).test(s),
  uuid4: (s) => uuidN(4).test(s),
  uuid5: (s) => uuidN(5).test(s),
  byte: (s) => base64.test(s),
  uri: (s) => {
    try {
      return new URL(s).protocol.length > 1;
    } catch {
      return false;
    }
  },
  hexcolor: (s) => hexColor.test(s),
  rgbcolor: (s) => rgbColor.test(s),
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
};
checks.datetime = checks['date-time'] ?? (() => true);

/** False when `format` is known and `s` does not satisfy it. */
export function formatOk(format: string, s: string): boolean {
  const check = checks[format];
  return check ? check(s) : true;
}
