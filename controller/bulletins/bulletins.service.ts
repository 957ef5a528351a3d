// Rules for bulletins: creating one from a checked audio file (upload, browser recording or
// text-to-speech), editing, replacing its audio, and moving it through approval. Who may do what
// is decided before these are called (bulletin-access.ts and the access plugin).
import type { Actor } from '../accounts/actor.js';
import type { PriorityClass } from '../../shared/priority.js';
import type { BulletinStatus } from '../db/schema/media.js';
import { AppError } from '../errors.js';
import type { MediaService } from '../media/media.service.js';
import type { ReceivedFile } from '../media/upload-intake.js';
import { type BulletinAction, isEditable, nextStatus } from './approval.js';
import { bulletinView, type BulletinView } from './bulletin-schemas.js';
import { type BulletinFilter, type BulletinRow, BulletinsRepo, type NewBulletin } from './bulletins.repo.js';
import type { LoaDatabase } from '../db/client.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';

export interface BulletinFields {
  title: string;
  language: NewBulletin['language'];
  category?: string | null;
  priorityClass: PriorityClass;
  notes?: string | null;
  ownerAreaCode: string;
}

export interface AudioOrigin {
  source: NewBulletin['source'];
  file: ReceivedFile;
  text?: string;
  ttsVoice?: string;
}

export class BulletinService {
  readonly repo: BulletinsRepo;

  constructor(
    database: LoaDatabase,
    units: AdminUnitIndex,
    private readonly media: MediaService,
    private readonly clock: () => number,
  ) {
    this.repo = new BulletinsRepo(database, units);
  }

  get(id: number): BulletinRow {
    const row = this.repo.get(id);
    if (!row) throw new AppError('bulletin_not_found', { id });
    return row;
  }

  view(id: number): BulletinView {
    const row = this.repo.detail(id);
    if (!row) throw new AppError('bulletin_not_found', { id });
    return bulletinView(row, this.media.repo.latestJobOf(id));
  }

  list(filter: BulletinFilter): { items: BulletinView[]; total: number } {
    const { rows, total } = this.repo.list(filter);
    const jobs = this.media.repo.latestJobsOf(rows.map((r) => r.bulletin.id));
    return { items: rows.map((r) => bulletinView(r, jobs.get(r.bulletin.id))), total };
  }

  /** Checks the audio (4xx on bad input, nothing kept), stores the original, queues the transcode. */
  async create(actor: Actor, fields: BulletinFields, origin: AudioOrigin): Promise<number> {
    const { file } = origin;
    const facts = await this.media.check(file.tempPath, file.filename, file.sizeBytes);
    const id = await this.media.keepOriginal(file.tempPath, file.sha256, facts, () => {
      const now = this.clock();
      const row = this.repo.insert({
        ...fields,
        category: fields.category ?? null,
        notes: fields.notes ?? null,
        source: origin.source,
        status: 'draft',
        originalSha256: file.sha256,
        originalFilename: file.filename,
        text: origin.text ?? null,
        ttsVoice: origin.ttsVoice ?? null,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      });
      this.repo.transition(row.id, null, 'draft', actor.userId, 'created', now);
      this.media.queueTranscode(row.id, file.sha256);
      return row.id;
    });
    this.media.worker.wake();
    return id;
  }

  /** New audio for a draft or rejected bulletin (e.g. after a failed transcode). */
  async replaceAudio(actor: Actor, id: number, origin: AudioOrigin): Promise<void> {
    this.assertEditable(this.get(id));
    const { file } = origin;
    const facts = await this.media.check(file.tempPath, file.filename, file.sizeBytes);
    await this.media.keepOriginal(file.tempPath, file.sha256, facts, () => {
      const current = this.get(id);
      this.assertEditable(current);
      const now = this.clock();
      this.reopenIfRejected(current, actor, 'audio replaced', now);
      this.repo.update(id, {
        source: origin.source,
        originalSha256: file.sha256,
        originalFilename: file.filename,
        text: origin.text ?? null,
        ttsVoice: origin.ttsVoice ?? null,
        assetSha256: null,
        updatedAt: now,
      });
      this.media.queueTranscode(id, file.sha256);
    });
    this.media.worker.wake();
  }

  edit(actor: Actor, id: number, patch: Partial<Omit<BulletinFields, 'ownerAreaCode'>>): void {
    this.repo.transaction(() => {
      const current = this.get(id);
      this.assertEditable(current);
      const now = this.clock();
      this.reopenIfRejected(current, actor, 'edited', now);
      this.repo.update(id, { ...patch, updatedAt: now });
    });
  }

  /** One step of the approval state machine, recorded with who and why. */
  act(actor: Actor, id: number, action: BulletinAction, reason: string | null): { from: BulletinStatus; to: BulletinStatus } {
    return this.repo.transaction(() => {
      const current = this.get(id);
      const to = nextStatus(action, current.status);
      if (!to) throw new AppError('bulletin_bad_transition', { id, from: current.status, action });
      if (action === 'reject' && !reason?.trim()) throw new AppError('bulletin_reason_required');
      // The approver listens before approving, so there must be something to listen to.
      if ((action === 'submit' || action === 'approve') && !current.assetSha256) {
        throw new AppError('bulletin_audio_not_ready', { id, state: this.audioState(id) });
      }
      this.repo.transition(id, current.status, to, actor.userId, reason?.trim() || null, this.clock());
      return { from: current.status, to };
    });
  }

  /** Runs a failed transcode again (after FFMPEG_PATH was fixed, say). */
  retryTranscode(id: number): number {
    const bulletin = this.get(id);
    const job = this.media.repo.latestJobOf(id);
    if (job?.status !== 'failed' || !bulletin.originalSha256) throw new AppError('job_not_failed', { id });
    const jobId = this.media.queueTranscode(id, bulletin.originalSha256);
    this.media.worker.wake();
    return jobId;
  }

  private audioState(id: number): string {
    const job = this.media.repo.latestJobOf(id);
    if (!job) return 'no audio';
    if (job.status === 'failed') return `failed: ${job.error ?? ''}`.slice(0, 300);
    if (job.status === 'running') return `running ${Math.round(job.progress * 100)}%`;
    return job.status;
  }

  private assertEditable(row: BulletinRow): void {
    if (!isEditable(row.status)) throw new AppError('bulletin_locked', { id: row.id, from: row.status });
  }

  private reopenIfRejected(row: BulletinRow, actor: Actor, reason: string, now: number): void {
    if (row.status === 'rejected') this.repo.transition(row.id, 'rejected', 'draft', actor.userId, reason, now);
  }
}
