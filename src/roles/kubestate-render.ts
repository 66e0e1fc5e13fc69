// `watchingcat kubestate render FILE...`: the kube-state metrics objects in files produce, on
// stdout — for checking what an object will expose before it is deployed, and for conformance.
import { readFile } from 'node:fs/promises';
import { EXIT } from '../cli/exit-codes.ts';
import { resolveResources, UnknownResourceError } from '../kubestate/catalog.ts';
import { AllowListSyntaxError, parseAllowList } from '../kubestate/labels.ts';
import { ObjectFileError, parseObjects } from '../kubestate/objects.ts';
import { renderObjects } from '../kubestate/render.ts';
import type { KubeResourceObject } from '../kubestate/types.ts';

export interface RenderFlags {
  metricLabelsAllowlist?: string;
  metricAnnotationsAllowlist?: string;
  resources?: string;
  openmetrics?: boolean;
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(file, 'utf8');
}

export async function runKubestateRender(files: string[], flags: RenderFlags): Promise<number> {
  let allowLabels, allowAnnotations, resources: string[] | undefined;
  try {
    allowLabels = flags.metricLabelsAllowlist ? parseAllowList(flags.metricLabelsAllowlist) : undefined;
    allowAnnotations = flags.metricAnnotationsAllowlist
      ? parseAllowList(flags.metricAnnotationsAllowlist)
      : undefined;
    if (flags.resources !== undefined) {
      const names = flags.resources
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      resources = resolveResources(names).map((r) => r.resource);
    }
  } catch (e) {
    if (e instanceof AllowListSyntaxError || e instanceof UnknownResourceError) {
      process.stderr.write(`watchingcat kubestate render: ${e.message}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  const objects: KubeResourceObject[] = [];
  let failed = false;
  for (const f of files) {
    try {
      objects.push(...parseObjects(await readInput(f), f === '-' ? 'stdin' : f));
    } catch (e) {
      failed = true;
      const msg =
        e instanceof ObjectFileError
          ? e.message
          : `cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      process.stderr.write(`watchingcat kubestate render: ${msg}\n`);
    }
  }
  const { text, skipped } = renderObjects(objects, {
    ...(allowLabels && { allowLabels }),
    ...(allowAnnotations && { allowAnnotations }),
    ...(resources && { resources }),
    format: flags.openmetrics ? 'openmetrics' : 'text',
    onError: (family, obj, err) => {
      process.stderr.write(
        `watchingcat kubestate render: ${family} failed for ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}: ${(err as Error).message}\n`,
      );
    },
  });
  for (const s of skipped) {
    process.stderr.write(
      `watchingcat kubestate render: skipped ${s.kind} ${s.name} (${s.apiVersion}): ${s.reason}\n`,
    );
  }
  process.stdout.write(text);
  return failed ? EXIT.FAILURE : EXIT.OK;
}
