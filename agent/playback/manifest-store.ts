// The manifest the cluster plays from (architecture notes: "Keeps the last valid manifest on
// disk"). A new one is taken only if it fits the contract, makes sense, and is newer than the one
// held; it is written to disk (temp + fsync + rename) before it is used, so after a power cut the
// cluster plays what it last accepted. Anything else is refused and the previous one kept.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';
import { decode } from '../../shared/decode.js';
import type { ManifestItem, ManifestPayload } from '../../shared/payloads.js';
import { writeFileAtomic } from './atomic-file.js';

const FILE = 'manifest.json';
const MEDIA_PATH_HASH = /\/media\/([0-9a-f]{64})(?:[/?#]|$)/;
/** No single item may last longer than a day: a longer one is a unit mistake (seconds vs ms). */
const MAX_ITEM_MS = 24 * 3600_000;

export type OfferResult =
  | { status: 'applied'; manifest: ManifestPayload; previous: ManifestPayload | undefined }
  | { status: 'unchanged' }
  | { status: 'rejected'; reason: string; detail: string };

/** Problems a schema cannot see. Empty when the manifest makes sense. */
export function manifestProblems(manifest: ManifestPayload, controllerUrl: string): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const item of manifest.items) {
    const where = `item ${item.id}`;
    if (ids.has(item.id)) problems.push(`${where}: duplicate item id`);
    ids.add(item.id);
    if (item.durationMs > MAX_ITEM_MS) problems.push(`${where}: durationMs ${item.durationMs} is longer than a day`);
    if (item.source.type === 'media') {
      if (resolveMediaUrl(controllerUrl, item.source.url) === undefined) problems.push(`${where}: media url is neither a path nor http(s)`);
      const named = MEDIA_PATH_HASH.exec(item.source.url)?.[1];
      if (named !== undefined && named !== item.source.sha256) problems.push(`${where}: media url names another hash than sha256`);
    }
    if (problems.length >= 5) break;
  }
  return problems;
}

/** `{controllerUrl}{url}` for a path, the url itself when absolute http(s); undefined otherwise. */
export function resolveMediaUrl(controllerUrl: string, url: string): string | undefined {
  if (/^https?:\/\//i.test(url)) return URL.canParse(url) ? url : undefined;
  if (!url.startsWith('/') || url.startsWith('//')) return undefined;
  const joined = controllerUrl.replace(/\/+$/, '') + url;
  return URL.canParse(joined) ? joined : undefined;
}

export class ManifestStore {
  private held: ManifestPayload | undefined;
  private readonly file: string;

  constructor(
    dir: string,
    private readonly controllerUrl: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, FILE);
  }

  get current(): ManifestPayload | undefined {
    return this.held;
  }

  /** Loads the manifest kept on disk, if any and still valid. */
  async load(): Promise<ManifestPayload | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.error({ err }, 'cannot read the stored manifest');
      return undefined;
    }
    const decoded = decode('manifest', text);
    if (!decoded.ok || manifestProblems(decoded.value, this.controllerUrl).length > 0) {
      // Written only after these same checks, so this is disk damage; the retained manifest comes back on connect.
      this.log.error({ error: decoded.ok ? 'nonsense' : decoded.error }, 'stored manifest is damaged; ignored');
      return undefined;
    }
    this.held = decoded.value;
    return this.held;
  }

  /** Takes `manifest` if it is newer and makes sense; persists it before returning `applied`. */
  async offer(manifest: ManifestPayload): Promise<OfferResult> {
    const previous = this.held;
    if (previous && manifest.version === previous.version) return { status: 'unchanged' };
    if (previous && manifest.version < previous.version) {
      return { status: 'rejected', reason: 'stale_version', detail: `version ${manifest.version} is older than the held ${previous.version}` };
    }
    const problems = manifestProblems(manifest, this.controllerUrl);
    if (problems.length > 0) return { status: 'rejected', reason: 'invalid', detail: problems.join('; ').slice(0, 1000) };
    await writeFileAtomic(this.file, JSON.stringify(manifest));
    this.held = manifest;
    return { status: 'applied', manifest, previous };
  }
}

export function mediaItems(manifest: ManifestPayload | undefined): (ManifestItem & { source: { type: 'media' } })[] {
  return (manifest?.items ?? []).filter((i): i is ManifestItem & { source: { type: 'media'; sha256: string; url: string } } => i.source.type === 'media');
}
