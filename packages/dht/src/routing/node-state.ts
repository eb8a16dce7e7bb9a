// Node liveness per BEP 5: good, questionable or bad.
import type { NodeInfo } from '../krpc/compact.js';

/** BEP 5: a node not heard from for 15 minutes becomes questionable. */
export const QUESTIONABLE_AFTER_MS = 15 * 60_000;
/** Consecutive unanswered queries after which a node is bad (one if it was already questionable). */
export const MAX_FAILURES = 2;

export type NodeState = 'good' | 'questionable' | 'bad';

export interface RoutingNode extends NodeInfo {
  /** When the node last answered one of our queries; -Infinity if it never has. */
  lastResponse: number;
  /** When the node last sent us a query; -Infinity if it never has. */
  lastQuery: number;
  /** Our queries to it that went unanswered in a row. */
  failures: number;
}

export function lastSeen(node: RoutingNode): number {
  return Math.max(node.lastResponse, node.lastQuery);
}

export function nodeState(node: RoutingNode, now: number): NodeState {
  const recent = (t: number): boolean => now - t < QUESTIONABLE_AFTER_MS;
  // BEP 5: good = answered us within 15 minutes, or answered us once and queried us within 15 minutes.
  const good = recent(node.lastResponse) || (node.lastResponse > -Infinity && recent(node.lastQuery));
  if (node.failures >= MAX_FAILURES || (node.failures > 0 && !good)) return 'bad';
  return good ? 'good' : 'questionable';
}
