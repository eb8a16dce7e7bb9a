// The session's encryption policy (issue 14) and what follows from it for each direction: which MSE
// payload methods we offer or accept, and whether a plaintext peer may stay. Kept apart from the
// sockets so the rules read in one place.
import type { CryptoMethod, Rc4 } from '@typetorrent/mse';
import { EngineError } from '../errors.js';

/**
 * `prefer` (default): try MSE on outgoing connections, fall back to plaintext for peers that do not
 * speak it, accept both kinds incoming, and pick RC4 whenever the peer offers it. `require`: RC4 both
 * ways, plaintext peers refused. `disable`: plaintext only, incoming MSE refused.
 */
export type EncryptionPolicy = 'prefer' | 'require' | 'disable';

export const ENCRYPTION_POLICIES: readonly EncryptionPolicy[] = ['prefer', 'require', 'disable'];

export const DEFAULT_ENCRYPTION: EncryptionPolicy = 'prefer';

/** The RC4 streams of an encrypted connection, continued from the handshake. */
export interface PeerCipher {
  readonly encrypt: Rc4;
  readonly decrypt: Rc4;
}

export function isEncryptionPolicy(value: unknown): value is EncryptionPolicy {
  return typeof value === 'string' && (ENCRYPTION_POLICIES as readonly string[]).includes(value);
}

export function checkEncryptionPolicy(value: unknown): EncryptionPolicy {
  if (value === undefined) return DEFAULT_ENCRYPTION;
  if (isEncryptionPolicy(value)) return value;
  throw new EngineError('INVALID_ARGUMENT', `encryption must be one of ${ENCRYPTION_POLICIES.join(', ')}, got ${String(value)}`);
}

/**
 * The MSE payload methods a policy allows, most preferred first: what an outgoing handshake offers
 * (crypto_provide) and what an incoming one may select.
 */
export function payloadMethods(policy: Exclude<EncryptionPolicy, 'disable'>): CryptoMethod[] {
  return policy === 'require' ? ['rc4'] : ['rc4', 'plaintext'];
}

/** Why a plaintext peer is refused under `require`: said the same way for both directions. */
export function plaintextRefused(peer: string, direction: 'in' | 'out'): EngineError {
  const what = direction === 'in' ? 'connected without encryption' : 'does not speak encryption (MSE)';
  return new EngineError('PROTOCOL', `refused peer ${peer}: it ${what}, and encryption is required (encryption: 'require')`, { peer });
}
