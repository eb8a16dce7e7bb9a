// DNS rebinding defence: a page on evil.example whose name is re-pointed at 127.0.0.1 can reach the
// daemon, but its requests carry `Host: evil.example`. Only the names the daemon is reached by on
// this machine pass: the listen address, localhost, 127.0.0.1, [::1], and names the user allows.
// A cross-site `Origin` is refused the same way (the API sends no CORS headers, so browsers also
// keep other origins from reading answers).
import net from 'node:net';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** 'host:port', '[v6]:port' or a bare port (on 127.0.0.1). */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):)?(\d{1,5})$/.exec(text.trim());
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? m[2] ?? '127.0.0.1';
  if (m[1] !== undefined && net.isIPv6(host) === false) return undefined;
  return { host: host.toLowerCase(), port };
}

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x) and `localhost`: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host.toLowerCase());
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h) || /^(0+:){7}0*1$/.test(h);
  return false;
}

/**
 * Which Host values pass. Rebinding needs a host name the attacker controls, so an IP address
 * literal is safe to accept: a daemon listening for other machines (--listen-public) answers to any
 * of its addresses without listing them; a loopback one does not need to.
 */
export interface HostPolicy {
  /** Lowercase, without brackets. */
  readonly names: ReadonlySet<string>;
  readonly anyIpAddress: boolean;
}

export function hostPolicy(listen: ListenAddress, extra: readonly string[] = []): HostPolicy {
  return { names: allowedHostNames(listen, extra), anyIpAddress: !isLoopbackHost(listen.host) };
}

/** The host names a request may be addressed to, lowercase and without brackets. */
export function allowedHostNames(listen: ListenAddress, extra: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', stripBrackets(listen.host.toLowerCase())]);
  for (const name of extra) names.add(stripBrackets(name.trim().toLowerCase()).replace(/\.$/, ''));
  // 0.0.0.0 and :: are not names a browser reaches the daemon by.
  names.delete('0.0.0.0');
  names.delete('::');
  return names;
}

/** The host part of a `Host` header ('name:port', '[v6]:port', 'name'), or undefined if malformed. */
export function hostOfHeader(header: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/@]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (m === null) return undefined;
  return (m[1] ?? m[2]!).toLowerCase().replace(/\.$/, '');
}

export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  // HTTP/1.1 requires Host; an HTTP/1.0 request without one cannot be a rebinding browser, but a
  // daemon has no need to serve it either.
  if (header === undefined) return false;
  const host = hostOfHeader(header);
  return host !== undefined && nameAllowed(host, policy);
}

function nameAllowed(host: string, policy: HostPolicy): boolean {
  return policy.names.has(host) || (policy.anyIpAddress && net.isIP(host) !== 0);
}

/** No Origin (curl, scripts, same-origin GETs) passes; a browser's Origin must name an allowed host. */
export function originAllowed(origin: string | undefined, policy: HostPolicy): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return nameAllowed(stripBrackets(url.hostname.toLowerCase()), policy);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
