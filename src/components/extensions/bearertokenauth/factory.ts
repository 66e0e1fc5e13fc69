// `bearertokenauth`: the Collector's bearer-token authenticator. On a receiver
// (`auth: {authenticator: bearertokenauth}`) it accepts requests whose `authorization` header is
// "<scheme> <token>" (or the bare token when scheme is "") for one of the tokens; on an exporter
// it adds that header with the first token. Tokens come from `filename` (one per line) if set,
// else `tokens`, else `token`, as in the Collector. The file is re-read when it changes, so
// rotated secrets take effect without a restart.
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { section } from '../../../config/schema-helpers.ts';
import type { Authenticator, ExtensionFactory } from '../../../pipeline/component.ts';
import { crypto } from '../../../util/lean-require.ts';

const configSchema = section({
  scheme: z.string().default('Bearer'),
  token: z.string().min(1).optional(),
  tokens: z.array(z.string().min(1)).optional(),
  filename: z.string().optional(),
  header: z.string().default('authorization'),
}).refine((c) => c.token || c.tokens?.length || c.filename, {
  message: 'one of token, tokens or filename is required',
});
export type BearerTokenAuthConfig = z.infer<typeof configSchema>;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto().timingSafeEqual(x, y);
}

export const factory: ExtensionFactory<BearerTokenAuthConfig> = {
  kind: 'extension',
  type: 'bearertokenauth',
  configSchema,
  create(settings, config) {
    // The Collector's precedence: a token file replaces token/tokens, and tokens replace token.
    if (config.filename && (config.token || config.tokens?.length))
      settings.logger.warn(
        { filename: config.filename },
        'bearertokenauth: filename is set, token(s) are ignored',
      );
    const fixed = config.tokens?.length ? config.tokens : config.token ? [config.token] : [];
    let fileTokens: string[] = [];
    let fileMtime = -1;
    const tokens = (): string[] => {
      if (!config.filename) return fixed;
      const st = statSync(config.filename, { throwIfNoEntry: false });
      if (st && st.mtimeMs !== fileMtime) {
        fileMtime = st.mtimeMs;
        fileTokens = readFileSync(config.filename, 'utf8')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
      }
      return fileTokens;
    };
    // An empty scheme sends and expects the bare token.
    const headerValue = (t: string) => (config.scheme ? `${config.scheme} ${t}` : t);
    const authenticator: Authenticator = {
      header: config.header.toLowerCase(),
      authenticate(value) {
        if (!value) return false;
        let ok = false;
        for (const t of tokens()) ok = safeEqual(value, headerValue(t)) || ok; // no early exit: constant work
        return ok;
      },
      clientHeaders() {
        const t = tokens()[0];
        return t ? { [config.header.toLowerCase()]: headerValue(t) } : {};
      },
    };
    return {
      authenticator,
      async start() {
        if (config.filename) {
          try {
            statSync(config.filename);
          } catch {
            throw new Error(`bearertokenauth: token file ${config.filename} cannot be read`);
          }
        }
      },
      async shutdown() {},
    };
  },
};
