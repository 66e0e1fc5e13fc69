// `health_check`: liveness/readiness over HTTP, as the Collector's extension answers it:
// 200 {"status":"Server available",…} once every component runs, 503 before and while stopping.
import { z } from 'zod';
import { hostPort, section } from '../../../config/schema-helpers.ts';
import type { ExtensionFactory, Host } from '../../../pipeline/component.ts';
import { listen, type RunningServer } from '../../../telemetry/http-server.ts';

const configSchema = section({
  endpoint: hostPort().default('0.0.0.0:13133'),
  path: z.string().startsWith('/').default('/'),
});
export type HealthCheckConfig = z.infer<typeof configSchema>;

export const factory: ExtensionFactory<HealthCheckConfig> = {
  kind: 'extension',
  type: 'health_check',
  configSchema,
  create(settings, config) {
    let server: RunningServer | undefined;
    const upSince = new Date();
    return {
      async start(host: Host) {
        server = await listen(
          'health_check extension',
          config.endpoint,
          'extensions.health_check.endpoint or --health-address',
          (req, res) => {
            if ((req.url ?? '/').split('?')[0] !== config.path) {
              res
                .writeHead(404, { 'content-type': 'text/plain' })
                .end(`not found; the health check is at ${config.path}\n`);
              return;
            }
            const ready = host.isReady();
            const body = ready
              ? {
                  status: 'Server available',
                  upSince: upSince.toISOString(),
                  uptime: `${((Date.now() - upSince.getTime()) / 1000).toFixed(3)}s`,
                }
              : { status: 'Server not available', upSince: upSince.toISOString() };
            res
              .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
              .end(JSON.stringify(body));
          },
        );
        settings.logger.debug({ endpoint: config.endpoint }, 'health check listening');
      },
      async shutdown() {
        await server?.close();
        server = undefined;
      },
      get address() {
        return server?.address;
      },
    };
  },
};
