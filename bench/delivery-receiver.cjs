// Loopback webhook receiver for bench:delivery, run in its own process (the method of
// /work/shared/bench-anchor/receiver.js): 204 for every POST; prints its port; reports the count on SIGTERM.
const http = require('node:http');

let received = 0;
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    received += 1;
    res.statusCode = 204;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write(`received ${received}\n`);
  process.exit(0);
});
