// Loads a few modules with require() instead of `import`, to keep an idle process small.
//
// Why (measured with Node 24, `bench/pipeline.bench.ts` idle row): an ESM `import` of
// `node:http` builds a namespace object of every export, which runs http's lazy getters
// (WebSocket, CloseEvent, ...) and so loads Node's bundled undici, http2, tls and worker_threads:
// +13 MiB resident against +4 MiB for require('node:http'). prom-client's index loads its
// Pushgateway (https → tls, ~60 internal modules) and cluster aggregation, which we never use;
// its lib files are loaded one by one instead. `node:https` (TLS) and `node:crypto` load only
// when used; `node:util` by require() skips the namespace's lazy getters.
//
// Contract: values here are the very modules `import` would give; only the loading differs.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Crypto from 'node:crypto';
import type * as Https from 'node:https';
import type * as Util from 'node:util';
import type PromClient from 'prom-client';

const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof Http;

let httpsModule: typeof Https | undefined;
/** node:https, loaded on first use (it loads TLS). */
export function https(): typeof Https {
  return (httpsModule ??= require('node:https') as typeof Https);
}

/** node:util without the ESM namespace's lazy getters (parseArgs, ...). */
export const util = require('node:util') as typeof Util;

let cryptoModule: typeof Crypto | undefined;
/** node:crypto, loaded on first use (hash actions, token comparison). */
export function crypto(): typeof Crypto {
  return (cryptoModule ??= require('node:crypto') as typeof Crypto);
}

/** The parts of prom-client we use, without its Pushgateway and cluster modules. */
export const promClient = {
  Registry: require('prom-client/lib/registry') as typeof PromClient.Registry,
  Counter: require('prom-client/lib/counter') as typeof PromClient.Counter,
  Gauge: require('prom-client/lib/gauge') as typeof PromClient.Gauge,
  Histogram: require('prom-client/lib/histogram') as typeof PromClient.Histogram,
  collectDefaultMetrics: require('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics,
};
