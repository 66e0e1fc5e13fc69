import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenError, normalizeIp, peerIp } from './net.ts';

test('IPv4-mapped IPv6 addresses are shown as IPv4', () => {
  assert.equal(normalizeIp('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(normalizeIp('::1'), '::1');
  assert.equal(normalizeIp('10.1.2.3'), '10.1.2.3');
  assert.equal(normalizeIp(undefined), undefined);
});

test('grpc-js peer strings become IP addresses', () => {
  assert.equal(peerIp('127.0.0.1:5123'), '127.0.0.1');
  assert.equal(peerIp('::ffff:127.0.0.1:5123'), '127.0.0.1');
  assert.equal(peerIp('::1:5123'), '::1');
  assert.equal(peerIp('[2001:db8::1]:443'), '2001:db8::1');
  assert.equal(peerIp('10.0.0.1'), '10.0.0.1');
  assert.equal(peerIp('unknown'), undefined);
});

test('listen errors name the receiver, the endpoint and the cause in words', () => {
  const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:4318'), {
    code: 'EADDRINUSE',
  });
  assert.equal(
    listenError('otlp', '0.0.0.0:4318', inUse).message,
    'otlp receiver: cannot listen on 0.0.0.0:4318: address already in use',
  );
  // grpc-js puts the errno code only in its message text.
  const grpcStyle = new Error(
    'No address added out of total 1 resolved errors: [bind EADDRINUSE 0.0.0.0:4317]',
  );
  assert.match(
    listenError('otlp/2', '0.0.0.0:4317', grpcStyle).message,
    /^otlp\/2 receiver: cannot listen on 0\.0\.0\.0:4317: address already in use$/,
  );
  assert.match(listenError('otlp', 'x:1', new Error('weird')).message, /cannot listen on x:1: weird$/);
});
