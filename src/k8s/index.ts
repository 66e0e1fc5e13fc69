// The Kubernetes access layer's public surface. Everything that reads the Kubernetes API
// (kube-state metrics, pod metadata enrichment, events) goes through these:
//   resolveKubeConnection()  where the API server is and how to authenticate (config.ts)
//   createKubeClient()       GET / paginated LIST / streaming WATCH over keep-alive HTTP(S) (client.ts)
//   createInformer()         list+watch with a lean local store and add/update/delete handlers (informer.ts)
export { resolveKubeConnection, TokenFile, DEFAULT_SERVICE_ACCOUNT_ROOT } from './config.ts';
export type {
  ConnectionSource,
  KubeConnection,
  KubeCredentials,
  KubeTlsOptions,
  ResolveOptions,
  ResolveResult,
} from './config.ts';
export {
  createKubeClient,
  isGone,
  isTooLargeResourceVersion,
  KubeApiError,
  KubeProtocolError,
  statusError,
} from './client.ts';
export type {
  KubeClient,
  KubeClientOptions,
  ListMeta,
  ListOptions,
  ListResult,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './client.ts';
export { createInformer } from './informer.ts';
export type { BackoffOptions, Informer, InformerOptions } from './informer.ts';
export type { ReadableStore } from './store.ts';
export { objectKey } from './store.ts';
