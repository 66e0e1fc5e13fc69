// `bearertokenauth`: the Collector's bearer-token authenticator. On a receiver
// (`auth: {authenticator: bearertokenauth}`) it accepts requests whose `authorization` header is
// "<scheme> <token>" for one of the tokens; on an exporter it adds that header.
// `filename` is re-read when it changes, so rotated secrets take effect without a restart.
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
  create(_settings, config) {
    let fileTokens: string[] = [];
    let fileMtime = -1;
    const tokens = (): string[] => {
      if (config.filename) {
        const st = statSync(config.filename, { throwIfNoEntry: false });
        if (st && st.mtimeMs !== fileMtime) {
          fileMtime = st.mtimeMs;
          fileTokens = readFileSync(config.filename, 'utf8')
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean);
        }
      }
      return [...(config.token ? [config.token] : []), ...(config.tokens ?? []), ...fileTokens];
    };
    const authenticator: Authenticator = {
      authenticate(value) {
        if (!value) return false;
        const prefix = `${config.scheme} `;
        if (!value.startsWith(prefix)) return false;
        const given = value.slice(prefix.length);
        let ok = false;
        for (const t of tokens()) ok = safeEqual(given, t) || ok; // no early exit: constant work
        return ok;
      },
      clientHeaders() {
        const t = tokens()[0];
        return t ? { [config.header.toLowerCase()]: `${config.scheme} ${t}` } : {};
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
