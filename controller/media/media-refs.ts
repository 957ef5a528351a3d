// Who still needs a stored audio file, and which cluster may download which file. Each part of
// Loa that points at media registers itself as a source: bulletins (registered by the media
// module), manifests and pending commands (registered by scheduling). Retention never removes a
// file some source references; the media route lets a device fetch a hash only when some source
// allows it.
export interface MediaReferenceSource {
  name: string;
  isReferenced(sha256: string): boolean;
  deviceMayFetch(deviceId: string, sha256: string): boolean;
}

export class MediaReferences {
  private readonly sources: MediaReferenceSource[] = [];

  register(source: MediaReferenceSource): void {
    if (this.sources.some((s) => s.name === source.name)) throw new Error(`media reference source ${source.name} is already registered`);
    this.sources.push(source);
  }

  isReferenced(sha256: string): boolean {
    return this.sources.some((s) => s.isReferenced(sha256));
  }

  deviceMayFetch(deviceId: string, sha256: string): boolean {
    return this.sources.some((s) => s.deviceMayFetch(deviceId, sha256));
  }

  /** Names of the sources that reference a file (for logs and the retention report). */
  referencedBy(sha256: string): string[] {
    return this.sources.filter((s) => s.isReferenced(sha256)).map((s) => s.name);
  }
}
