/**
 * One source of client load as the traffic model runs it (the scenario's `spec.traffic[]`, resolved by the loader:
 * Service prefixes expanded, Ingress hops resolved from the IngressClass and rules, trace patterns read into steps).
 */
import type { Micros } from '../../engine/time.js';

/** How the connection rate varies: constant, a diurnal wave, or steps (repeated over `repeat`). */
export type TrafficPattern =
  | 'constant'
  | { diurnal: { min: number; max: number; peakAt?: Micros; period?: Micros } }
  | { steps: { at: Micros; factor: number }[]; repeat?: Micros }
  | { trace: { file: string; time: string; column: string; scale: number; loop: boolean } };

/** An Ingress hop as the loader resolved it from the IngressClass, its annotations and the Ingress rules. */
export interface IngressHop {
  className: string;
  host: string;
  path: string;
  /** The Service (`namespace/name`) the rules route to, and the Ingress and rule that did. */
  backend: string;
  ingress: string;
  via: string;
  /** CPU time of the controller per request (µs), and the latency it adds when idle (µs). */
  requestCpuUs: number;
  requestLatencyUs: number;
}

/** One traffic source: its clients connect to `service` (with `ingress`: the controller's). */
export interface Traffic {
  service: string;
  ingress?: IngressHop;
  connectionsPerSecond: number;
  requestsPerConnection: number;
  pattern: TrafficPattern;
  /** The node pool the clients run on (default: every pool in proportion to its nodes). */
  from?: string;
  /** External clients through the Service's NodePort, else in-cluster clients to the ClusterIP. */
  external: boolean;
  /** The name clients look up before each new connection (none: no lookup). */
  dnsName?: string;
  /** The clients' namespace, heading their search path (default: the Service's). */
  clientNamespace?: string;
}
