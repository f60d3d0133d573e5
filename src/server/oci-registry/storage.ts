/**
 * What the local registry stores: content-addressed blobs (manifests are blobs too), and per
 * repository its tags, its manifests (digest -> media type) and the blobs linked to it. In memory,
 * or persisted under a directory:
 *
 *   <dir>/blobs/sha256/<hex>            blob bytes (written to a temp file, then renamed)
 *   <dir>/repositories/<name>.json      {tags, manifests, blobs} of one repository (name URI-encoded)
 *
 * Upload sessions live in memory only: an interrupted upload is restarted by the client.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export interface RepositoryState {
  /** tag -> manifest digest */
  tags: Map<string, string>;
  /** manifest digest -> media type */
  manifests: Map<string, string>;
  /** digests of blobs pushed to or mounted into this repository */
  blobs: Set<string>;
}

export interface UploadSession {
  id: string;
  repository: string;
  chunks: Buffer[];
  size: number;
  startedAt: number;
}

interface RepositoryFile {
  tags: Record<string, string>;
  manifests: Record<string, string>;
  blobs: string[];
}

export class RegistryStorage {
  private readonly repos = new Map<string, RepositoryState>();
  private readonly memoryBlobs = new Map<string, Buffer>();
  private readonly uploads = new Map<string, UploadSession>();

  /** Without `dir`, everything lives in memory. */
  constructor(private readonly dir?: string) {
    if (dir === undefined) return;
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    mkdirSync(join(dir, 'repositories'), { recursive: true });
    for (const f of readdirSync(join(dir, 'repositories'))) {
      if (!f.endsWith('.json')) continue;
      const name = decodeURIComponent(f.slice(0, -'.json'.length));
      const data = JSON.parse(readFileSync(join(dir, 'repositories', f), 'utf8')) as RepositoryFile;
      this.repos.set(name, {
        tags: new Map(Object.entries(data.tags)),
        manifests: new Map(Object.entries(data.manifests)),
        blobs: new Set(data.blobs),
      });
    }
  }

  repository(name: string): RepositoryState | undefined {
    return this.repos.get(name);
  }

  repositoryNames(): string[] {
    return [...this.repos.keys()].sort();
  }

  private ensureRepository(name: string): RepositoryState {
    let r = this.repos.get(name);
    if (r === undefined) {
      r = { tags: new Map(), manifests: new Map(), blobs: new Set() };
      this.repos.set(name, r);
    }
    return r;
  }

  private saveRepository(name: string): void {
    if (this.dir === undefined) return;
    const r = this.repos.get(name);
    if (r === undefined) return;
    const data: RepositoryFile = {
      tags: Object.fromEntries(r.tags),
      manifests: Object.fromEntries(r.manifests),
      blobs: [...r.blobs].sort(),
    };
    const file = join(this.dir, 'repositories', `${encodeURIComponent(name)}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(data));
    renameSync(`${file}.tmp`, file);
  }

  private blobPath(digest: string): string {
    return join(this.dir ?? '', 'blobs', 'sha256', digest.slice('sha256:'.length));
  }

  /** Whether the store holds a blob (in any repository). */
  hasContent(digest: string): boolean {
    if (this.dir === undefined) return this.memoryBlobs.has(digest);
    return existsSync(this.blobPath(digest));
  }

  contentSize(digest: string): number | undefined {
    if (this.dir === undefined) return this.memoryBlobs.get(digest)?.byteLength;
    try {
      return statSync(this.blobPath(digest)).size;
    } catch {
      return undefined;
    }
  }

  readContent(digest: string): Buffer | undefined {
    if (this.dir === undefined) return this.memoryBlobs.get(digest);
    try {
      return readFileSync(this.blobPath(digest));
    } catch {
      return undefined;
    }
  }

  /** Stores verified bytes under their digest. */
  private writeContent(digest: string, data: Buffer): void {
    if (this.hasContent(digest)) return;
    if (this.dir === undefined) {
      this.memoryBlobs.set(digest, data);
      return;
    }
    const file = this.blobPath(digest);
    const tmp = `${file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  }

  /** A blob linked to a repository (pushed or mounted there). */
  hasBlob(repository: string, digest: string): boolean {
    return (this.repos.get(repository)?.blobs.has(digest) ?? false) && this.hasContent(digest);
  }

  /** Stores a verified blob and links it to the repository. */
  putBlob(repository: string, digest: string, data: Buffer): void {
    this.writeContent(digest, data);
    this.linkBlob(repository, digest);
  }

  /** Links stored content to a repository (cross-repository mount). */
  linkBlob(repository: string, digest: string): void {
    const r = this.ensureRepository(repository);
    if (r.blobs.has(digest)) return;
    r.blobs.add(digest);
    this.saveRepository(repository);
  }

  /** Stores a verified manifest; with `tag`, points the tag at it. */
  putManifest(
    repository: string,
    digest: string,
    mediaType: string,
    data: Buffer,
    tag: string | undefined,
  ): void {
    this.writeContent(digest, data);
    const r = this.ensureRepository(repository);
    r.manifests.set(digest, mediaType);
    if (tag !== undefined) r.tags.set(tag, digest);
    this.saveRepository(repository);
  }

  /** Removes a manifest and every tag pointing at it. */
  deleteManifest(repository: string, digest: string): boolean {
    const r = this.repos.get(repository);
    if (r === undefined || !r.manifests.delete(digest)) return false;
    for (const [tag, d] of r.tags) if (d === digest) r.tags.delete(tag);
    this.saveRepository(repository);
    return true;
  }

  /** Removes a tag only. */
  deleteTag(repository: string, tag: string): boolean {
    const r = this.repos.get(repository);
    if (r === undefined || !r.tags.delete(tag)) return false;
    this.saveRepository(repository);
    return true;
  }

  startUpload(repository: string, now: number): UploadSession {
    const s: UploadSession = { id: randomUUID(), repository, chunks: [], size: 0, startedAt: now };
    this.uploads.set(s.id, s);
    return s;
  }

  upload(id: string): UploadSession | undefined {
    return this.uploads.get(id);
  }

  endUpload(id: string): void {
    this.uploads.delete(id);
  }

  /** Drops sessions started before `before`; returns how many. */
  expireUploads(before: number): number {
    let n = 0;
    for (const [id, s] of this.uploads) {
      if (s.startedAt < before) {
        this.uploads.delete(id);
        n += 1;
      }
    }
    return n;
  }

  get uploadCount(): number {
    return this.uploads.size;
  }
}
