// Where the Kubernetes API is and how to authenticate to it.
//
// Resolution order (first that applies wins; client-go's order with an explicit flag first):
//   1. an explicit kubeconfig path (`--kubeconfig`): must exist and parse, otherwise we throw —
//      the user asked for it, silently falling back would hide the mistake;
//   2. in-cluster: KUBERNETES_SERVICE_HOST/_PORT set and `<root>/token` readable, where <root> is
//      /var/run/secrets/kubernetes.io/serviceaccount (injectable for tests);
//   3. $KUBECONFIG (path-list; the first file wins for current-context, others are merged);
//   4. ~/.kube/config;
//   5. none: `connection` is undefined and `reason` says why (the caller logs it once).
//
// Kubeconfig files are parsed by @kubernetes/client-node's KubeConfig (contexts, clusters, users,
// relative paths). It is imported lazily (with `yaml`): in-cluster agents never pay its ~0.5 s
// import and ~70 MiB of resident memory.
// What we take over from it:
//   - `token-file`: the library reads it once at parse time, relative to the process cwd. We
//     resolve it against the kubeconfig's directory and re-read it like the in-cluster token.
//   - exec plugins and auth-providers run through the library (`applyToHTTPSOptions`), whose
//     ExecAuth caches a credential until its expirationTimestamp. We add a short cache on top
//     and, on a 401, build a fresh KubeConfig (hence a fresh ExecAuth) so the plugin re-runs even
//     if its credential claimed to be valid.
//
// Tokens: the kubelet rotates projected service-account tokens (about hourly) by swapping files.
// `TokenFile` re-reads at most every `TOKEN_RECHECK_MS`, and immediately after `invalidate()`,
// which the HTTP client calls on a 401 before its single retry.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig, User } from '@kubernetes/client-node';
import type * as Yaml from 'yaml';

export const DEFAULT_SERVICE_ACCOUNT_ROOT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** How stale a file-based token may get before it is re-read (client-go: 1 min; the brief: ~10 s). */
export const TOKEN_RECHECK_MS = 10_000;
/** How long a plugin (exec/auth-provider) credential is reused before asking the library again. */
const PLUGIN_RECHECK_MS = 10_000;

export type ConnectionSource = 'kubeconfig-flag' | 'in-cluster' | 'KUBECONFIG' | 'home-kubeconfig';

/** TLS material for node:https. Buffers/strings are PEM. */
export interface KubeTlsOptions {
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** Per-request credentials: an Authorization header value and/or a client certificate from a plugin. */
export interface KubeCredentials {
  authorization?: string;
  cert?: Buffer | string;
  key?: Buffer | string;
}

export interface KubeConnection {
  readonly source: ConnectionSource;
  /** Base URL without trailing slash, e.g. https://10.96.0.1:443 */
  readonly server: string;
  readonly tls: KubeTlsOptions;
  /** Extra headers sent on every request (Impersonate-User). */
  readonly headers: Readonly<Record<string, string>>;
  /** The context's (or the service account's) namespace, if known. */
  readonly namespace: string | undefined;
  /** Human-readable summary for a startup log line; never contains secrets. */
  readonly description: string;
  /** The Authorization header value, or undefined for none (client certificates only). */
  authorization(): Promise<string | undefined>;
  /** Authorization plus any client certificate a plugin returned (which overrides tls.cert/key). */
  credentials(): Promise<KubeCredentials>;
  /** The server answered 401: forget cached credentials so the next call re-reads/re-runs them. */
  invalidate(): void;
}

export interface ResolveOptions {
  /** `--kubeconfig`: takes precedence over everything. */
  kubeconfig?: string;
  /** `--context`: overrides the kubeconfig's current-context. */
  context?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Root of the service-account files (tests inject a temp dir). */
  serviceAccountRoot?: string;
  /** Defaults to os.homedir(). */
  homeDir?: string;
}

export interface ResolveResult {
  connection: KubeConnection | undefined;
  /** Why this connection (or none) was chosen; meant for one log line. */
  reason: string;
}

/**
 * Finds the API server per the order above. Throws when the chosen kubeconfig (one that exists)
 * cannot be used — unparsable, no current context, unreadable CA/cert file: a broken config is a
 * user error to report, not a reason to silently run without Kubernetes.
 */
export async function resolveKubeConnection(opts: ResolveOptions = {}): Promise<ResolveResult> {
  const env = opts.env ?? process.env;
  const notes: string[] = [];

  if (opts.kubeconfig) {
    const conn = await fromKubeconfigFiles([opts.kubeconfig], 'kubeconfig-flag', opts.context);
    return { connection: conn, reason: `using --kubeconfig: ${conn.description}` };
  }

  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (host && port) {
    const root = opts.serviceAccountRoot ?? DEFAULT_SERVICE_ACCOUNT_ROOT;
    try {
      const conn = await inClusterConnection(host, port, root);
      return { connection: conn, reason: `in-cluster: ${conn.description}` };
    } catch (err) {
      notes.push(`in-cluster config unusable (${errMessage(err)})`);
    }
  }

  const kubeconfigEnv = env.KUBECONFIG;
  if (kubeconfigEnv) {
    const files = kubeconfigEnv.split(path.delimiter).filter((f) => f !== '');
    const existing = files.filter((f) => fs.existsSync(f));
    if (existing.length > 0) {
      const conn = await fromKubeconfigFiles(existing, 'KUBECONFIG', opts.context);
      return { connection: conn, reason: `using $KUBECONFIG: ${conn.description}` };
    }
    notes.push(`$KUBECONFIG names no existing file (${kubeconfigEnv})`);
  }

  const home = opts.homeDir ?? os.homedir();
  const homeConfig = path.join(home, '.kube', 'config');
  if (fs.existsSync(homeConfig)) {
    const conn = await fromKubeconfigFiles([homeConfig], 'home-kubeconfig', opts.context);
    return { connection: conn, reason: `using ${homeConfig}: ${conn.description}` };
  }
  notes.push(`no ${homeConfig}`);

  if (!host || !port) notes.unshift('not in a cluster (KUBERNETES_SERVICE_HOST/PORT unset)');
  return { connection: undefined, reason: `no Kubernetes: ${notes.join('; ')}` };
}

// ---------------------------------------------------------------------------------------------
// In-cluster

async function inClusterConnection(host: string, port: string, root: string): Promise<KubeConnection> {
  const token = new TokenFile(path.join(root, 'token'));
  await token.read(); // fail now (and fall through to kubeconfig) if there is no token
  let ca: Buffer | undefined;
  try {
    ca = await fsp.readFile(path.join(root, 'ca.crt'));
  } catch {
    // client-go continues with the system roots when ca.crt is missing; so do we.
  }
  let namespace: string | undefined;
  try {
    namespace = (await fsp.readFile(path.join(root, 'namespace'), 'utf8')).trim() || undefined;
  } catch {
    namespace = undefined;
  }
  const hostPart = net.isIPv6(host) ? `[${host}]` : host;
  const server = `https://${hostPart}:${port}`;
  return makeConnection({
    source: 'in-cluster',
    server,
    tls: { ca, rejectUnauthorized: true },
    headers: {},
    namespace,
    description: `${server} (service account token ${token.path}${ca ? '' : ', no ca.crt: system roots'})`,
    auth: { kind: 'token', token },
  });
}

// ---------------------------------------------------------------------------------------------
// Kubeconfig files

async function fromKubeconfigFiles(
  files: string[],
  source: ConnectionSource,
  context: string | undefined,
): Promise<KubeConnection> {
  const tokenFiles = new Map<string, string>();
  let kc: KubeConfig | undefined;
  try {
    // Both loaded only here: an in-cluster agent never needs them.
    const [{ KubeConfig }, YAML] = await Promise.all([import('@kubernetes/client-node'), import('yaml')]);
    for (const file of files) {
      const one = new KubeConfig();
      one.loadFromString(preprocessKubeconfig(YAML, file, tokenFiles), { onInvalidEntry: 'throw' });
      one.makePathsAbsolute(path.dirname(path.resolve(file)));
      if (kc) kc.mergeConfig(one, true);
      else kc = one;
    }
    if (!kc) throw new Error('no kubeconfig file given');
    if (context) {
      if (!kc.getContextObject(context)) throw new Error(`context "${context}" not found`);
      kc.setCurrentContext(context);
    }
    return connectionFromKubeConfig(kc, source, tokenFiles);
  } catch (err) {
    throw new Error(`kubeconfig ${files.join(path.delimiter)}: ${errMessage(err)}`, { cause: err });
  }
}

type YamlModule = Pick<typeof Yaml, 'parse' | 'stringify'>;

/**
 * Reads a kubeconfig and makes every user's `token-file` (and a relative exec command) absolute,
 * relative to the file's directory, so the library's parse-time read works from any cwd.
 * Records each user's token file in `tokenFiles` (the library does not keep the path; the first
 * file naming a user wins, as in merging). Returns the YAML text to parse.
 */
function preprocessKubeconfig(YAML: YamlModule, file: string, tokenFiles: Map<string, string>): string {
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parse(text) as {
    users?: Array<{ name?: unknown; user?: Record<string, unknown> }>;
  } | null;
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: empty or not a mapping`);
  const dir = path.dirname(path.resolve(file));
  let changed = false;
  for (const u of doc.users ?? []) {
    const tf = u?.user?.['token-file'];
    if (typeof tf === 'string' && tf !== '') {
      const abs = path.isAbsolute(tf) ? tf : path.join(dir, tf);
      if (abs !== tf) {
        u.user!['token-file'] = abs;
        changed = true;
      }
      if (typeof u.name === 'string' && !tokenFiles.has(u.name)) tokenFiles.set(u.name, abs);
    }
    // client-go: an exec command with a path separator is relative to the kubeconfig's directory.
    const exec = u?.user?.exec as { command?: unknown } | undefined;
    if (
      exec &&
      typeof exec.command === 'string' &&
      exec.command.includes('/') &&
      !path.isAbsolute(exec.command)
    ) {
      exec.command = path.join(dir, exec.command);
      changed = true;
    }
  }
  return changed ? YAML.stringify(doc) : text;
}

function connectionFromKubeConfig(
  kc: KubeConfig,
  source: ConnectionSource,
  tokenFiles: Map<string, string>,
): KubeConnection {
  const ctxName = kc.getCurrentContext();
  if (!ctxName) throw new Error('no current-context set (and no --context given)');
  const ctx = kc.getContextObject(ctxName);
  if (!ctx) throw new Error(`current-context "${ctxName}" not found`);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`cluster "${ctx.cluster}" of context "${ctxName}" not found`);
  const user = kc.getCurrentUser();

  const tls: KubeTlsOptions = { rejectUnauthorized: !cluster.skipTLSVerify };
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  const ca = fileOrData(cluster.caFile, cluster.caData, 'certificate-authority');
  if (ca) tls.ca = ca;
  const headers: Record<string, string> = {};
  let auth: AuthSpec = { kind: 'none' };
  if (user) {
    const cert = fileOrData(user.certFile, user.certData, 'client-certificate');
    const key = fileOrData(user.keyFile, user.keyData, 'client-key');
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
    const tokenFile = tokenFiles.get(user.name);
    if (user.exec || user.authProvider) {
      auth = { kind: 'plugin', plugin: new PluginAuth(user) };
    } else if (user.token && !tokenFile) {
      auth = { kind: 'static', value: `Bearer ${user.token.trim()}` };
    } else if (tokenFile) {
      auth = { kind: 'token', token: new TokenFile(tokenFile) };
    } else if (user.username) {
      const basic = Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64');
      auth = { kind: 'static', value: `Basic ${basic}` };
    }
  }
  const authLabel =
    auth.kind === 'plugin'
      ? user?.exec
        ? 'exec plugin'
        : 'auth-provider'
      : auth.kind === 'token'
        ? 'token file'
        : auth.kind === 'static'
          ? auth.value.startsWith('Basic')
            ? 'basic auth'
            : 'token'
          : tls.cert
            ? 'client certificate'
            : 'no credentials';
  const notes = [`context ${ctxName}`, authLabel];
  if (!tls.rejectUnauthorized) notes.push('TLS verification disabled');
  if (cluster.proxyUrl) notes.push(`proxy-url ${cluster.proxyUrl} ignored (unsupported)`);
  return makeConnection({
    source,
    server: cluster.server.replace(/\/+$/, ''),
    tls,
    headers,
    namespace: ctx.namespace,
    description: `${cluster.server} (${notes.join(', ')})`,
    auth,
  });
}

function fileOrData(file: string | undefined, data: string | undefined, what: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${what} ${file}: ${errMessage(err)}`, { cause: err });
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Credential sources

type AuthSpec =
  | { kind: 'none' }
  | { kind: 'static'; value: string }
  | { kind: 'token'; token: TokenFile }
  | { kind: 'plugin'; plugin: PluginAuth };

/**
 * A bearer token kept in a file that may be replaced at any time. Concurrent callers share one
 * read; a failed re-read keeps the previous token (a rotation in progress must not cut us off).
 */
export class TokenFile {
  readonly path: string;
  private readonly recheckMs: number;
  private token: string | undefined;
  private readAt = 0;
  private pending: Promise<string> | undefined;

  constructor(file: string, recheckMs = TOKEN_RECHECK_MS) {
    this.path = file;
    this.recheckMs = recheckMs;
  }

  async get(): Promise<string> {
    if (this.token !== undefined && Date.now() - this.readAt < this.recheckMs) return this.token;
    try {
      return await this.read();
    } catch (err) {
      if (this.token !== undefined) return this.token;
      throw err;
    }
  }

  /** Reads now (joining a read in flight). Throws if the file is unreadable or empty. */
  read(): Promise<string> {
    this.pending ??= (async () => {
      try {
        const t = (await fsp.readFile(this.path, 'utf8')).trim();
        if (t === '') throw new Error(`token file ${this.path} is empty`);
        this.token = t;
        this.readAt = Date.now();
        return t;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  invalidate(): void {
    this.readAt = 0;
  }
}

/**
 * Exec plugins and auth-providers, through the library. The library's KubeConfig here holds only
 * this user and a placeholder https cluster: applyToHTTPSOptions then neither re-reads CA files
 * on every call nor refuses plain-http servers (it throws for http without skip-tls-verify), and
 * the agent it creates (once, cached) never carries a request.
 */
class PluginAuth {
  private readonly user: User;
  private kc: KubeConfig | undefined;
  private cached: KubeCredentials | undefined;
  private cachedAt = 0;
  private pending: Promise<KubeCredentials> | undefined;

  constructor(user: User) {
    this.user = user;
  }

  get(): Promise<KubeCredentials> {
    if (this.cached && Date.now() - this.cachedAt < PLUGIN_RECHECK_MS) return Promise.resolve(this.cached);
    this.pending ??= (async () => {
      try {
        if (!this.kc) {
          // A fresh KubeConfig means a fresh ExecAuth, whose credential cache is per instance.
          const { KubeConfig } = await import('@kubernetes/client-node');
          const kc = new KubeConfig();
          kc.loadFromClusterAndUser(
            { name: 'auth-only', server: 'https://auth-only.invalid', skipTLSVerify: false },
            this.user,
          );
          this.kc = kc;
        }
        const opts: https.RequestOptions = {};
        await this.kc.applyToHTTPSOptions(opts);
        const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
        const creds: KubeCredentials = {};
        const authz = headers.Authorization ?? headers.authorization;
        if (authz) creds.authorization = authz;
        if (opts.cert) creds.cert = opts.cert as Buffer | string;
        if (opts.key) creds.key = opts.key as Buffer | string;
        this.cached = creds;
        this.cachedAt = Date.now();
        return creds;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /** Drops both our cache and the library's, so the next get() re-runs the plugin. */
  invalidate(): void {
    this.cached = undefined;
    this.kc = undefined;
  }
}

interface ConnectionParts {
  source: ConnectionSource;
  server: string;
  tls: KubeTlsOptions;
  headers: Record<string, string>;
  namespace: string | undefined;
  description: string;
  auth: AuthSpec;
}

function makeConnection(p: ConnectionParts): KubeConnection {
  const auth = p.auth;
  const credentials = async (): Promise<KubeCredentials> => {
    switch (auth.kind) {
      case 'none':
        return {};
      case 'static':
        return { authorization: auth.value };
      case 'token':
        return { authorization: `Bearer ${await auth.token.get()}` };
      case 'plugin':
        return auth.plugin.get();
    }
  };
  return {
    source: p.source,
    server: p.server,
    tls: p.tls,
    headers: p.headers,
    namespace: p.namespace,
    description: p.description,
    credentials,
    authorization: async () => (await credentials()).authorization,
    invalidate: () => {
      if (auth.kind === 'token') auth.token.invalidate();
      else if (auth.kind === 'plugin') auth.plugin.invalidate();
    },
  };
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
