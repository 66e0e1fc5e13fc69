// Image identities as containerd reports them: a digest and a size derived from the reference
// only, so the same image always looks the same on every node and in every run.
import { contentHash } from './rand.ts';

/** `docker.io/library/nginx@sha256:…` for `nginx:1.27.3`. */
export function imageId(image: string): string {
  const repo = image.split(':')[0] as string;
  const first = repo.split('/')[0] as string;
  const full = first.includes('.')
    ? repo
    : repo.includes('/')
      ? `docker.io/${repo}`
      : `docker.io/library/${repo}`;
  return `${full}@sha256:${contentHash(image, 64)}`;
}

/** Compressed size in bytes, 5–205 MB. */
export function imageSize(image: string): number {
  return 5_000_000 + (parseInt(contentHash(image, 6), 16) % 200_000_000);
}
