// Writes streamed audio to a file. The file is written under a temporary name and renamed into place
// only when complete, so a failed or interrupted reading never leaves a truncated file behind (or
// clobbers an older one). WAV files get their header rewritten with the real sizes at the end.
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { wavHeader } from '../engine/wav';
import type { AudioChunk } from '../speech/session';
import type { CliSink } from './sink';
import type { FormatInfo } from '../../shared/protocol';
import { CliError } from './errors';
import type { Container } from './formats';

const WAV_HEADER_BYTES = 44;

function wavCodec(format: FormatInfo): 'pcm' | 'ulaw' | 'alaw' {
  if (format.codec === 'pcm' || format.codec === 'ulaw' || format.codec === 'alaw') return format.codec;
  throw new CliError(`a .wav file cannot hold ${format.format} audio`);
}

function describeFsError(path: string, error: unknown): CliError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new CliError(`cannot write "${path}" (${reason})`);
}

/** Appends audio bytes to a temporary file and moves it to `path` on finish(). */
export class AudioFileWriter {
  private pending: Promise<unknown> = Promise.resolve();
  /** Chunks that arrived while a write was under way: they go out together, in one system call. */
  private queued: Uint8Array[] = [];
  private failure: CliError | undefined;
  private dataBytes = 0;
  private state: 'open' | 'finished' | 'discarded' = 'open';

  private constructor(
    readonly path: string,
    private readonly tempPath: string,
    private readonly handle: FileHandle,
    private readonly container: Container,
    private readonly format: FormatInfo,
  ) {}

  static async open(path: string, container: Container, format: FormatInfo): Promise<AudioFileWriter> {
    if (container === 'wav') wavCodec(format);
    const tempPath = `${path}.${process.pid}.part`;
    let handle: FileHandle;
    try {
      handle = await open(tempPath, 'w');
    } catch (error) {
      throw describeFsError(path, error);
    }
    const writer = new AudioFileWriter(path, tempPath, handle, container, format);
    // A placeholder header with size 0; finish() writes the real one.
    if (container === 'wav') writer.append(writer.header());
    return writer;
  }

  get bytesWritten(): number {
    return this.dataBytes;
  }

  write(bytes: Uint8Array): void {
    if (this.state !== 'open' || bytes.byteLength === 0) return;
    this.dataBytes += bytes.byteLength;
    this.append(bytes);
  }

  /** Flushes, fixes the WAV sizes and renames the file into place. */
  async finish(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'finished';
    try {
      await this.pending;
      if (this.failure) throw this.failure;
      if (this.container === 'wav') await this.handle.write(this.header(), 0, WAV_HEADER_BYTES, 0);
      await this.handle.close();
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.cleanUp();
      throw error instanceof CliError ? error : describeFsError(this.path, error);
    }
  }

  /** Stops writing and removes the temporary file. */
  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    await this.pending;
    await this.cleanUp();
  }

  private header(): Uint8Array {
    return wavHeader({
      sampleRate: this.format.sampleRate,
      codec: wavCodec(this.format),
      dataBytes: this.dataBytes,
    });
  }

  private append(bytes: Uint8Array): void {
    this.queued.push(bytes);
    // One write in the chain takes everything queued by then; later appends find the queue empty.
    if (this.queued.length > 1) return;
    this.pending = this.pending.then(async () => {
      const batch = this.queued;
      this.queued = [];
      if (this.failure) return;
      try {
        await this.handle.writev(batch);
      } catch (error) {
        this.failure = describeFsError(this.path, error);
      }
    });
  }

  private async cleanUp(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true }).catch(() => undefined);
  }
}

/** An AudioSink that stores the reading in a file. Nobody listens, so nothing is paced. */
export class FileSink implements CliSink {
  private audioMs = 0;
  private ending: Promise<void> | undefined;

  constructor(private readonly writer: AudioFileWriter) {}

  static async create(path: string, container: Container, format: FormatInfo): Promise<FileSink> {
    return new FileSink(await AudioFileWriter.open(path, container, format));
  }

  write(chunk: AudioChunk): void {
    this.writer.write(chunk.audio);
    this.audioMs += chunk.durationMs;
  }

  /** Everything written counts as heard: nobody listens, so nothing holds the text back. */
  playedMs(): number {
    return this.audioMs;
  }

  end(): Promise<void> {
    this.ending ??= this.writer.finish();
    return this.ending;
  }

  /** Abandons the file (failure or Ctrl-C). */
  stop(): Promise<void> {
    return this.writer.discard();
  }
}
