// Preloaded (`node --require`) into the conformance runner's process to prove the run is offline:
// every TCP connection to anything but loopback is refused and reported on stderr.
'use strict';
const net = require('node:net');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function connectLoopbackOnly(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  if (options.path === undefined) {
    const host = String(options.host ?? 'localhost');
    if (!LOOPBACK.has(host)) {
      process.stderr.write(`LOOPBACK-ONLY: refused a connection to ${host}\n`);
      process.nextTick(() => this.destroy(new Error(`loopback only: ${host}`)));
      return this;
    }
  }
  return connect.apply(this, args);
};
