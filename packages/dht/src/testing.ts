// @typetorrent/dht/testing: the simulated network, for tests and benchmarks of code built on the DHT.
export { ManualClock } from './testing/manual-clock.js';
export { SimNetwork, type DatagramHandler, type SimNetworkOptions } from './testing/sim-network.js';
export { createSimSwarm, simAddress, type SimSwarm, type SimSwarmOptions } from './testing/swarm.js';
