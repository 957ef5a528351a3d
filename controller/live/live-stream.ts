// One server-sent-events connection. A reader that does not drain (a phone that lost its radio
// without closing the socket) is cut off once its unsent backlog passes MAX_BACKLOG_BYTES, rather
// than letting the controller buffer events for it without bound; the browser's EventSource
// reconnects and the console reloads what it shows.
import type { ServerResponse } from 'node:http';

const MAX_BACKLOG_BYTES = 256 * 1024;

export class LiveStream {
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly response: ServerResponse,
    /** The reader's area: events outside it are never written here. */
    readonly scopeCode: string,
    /** Streams per account are capped; this names the account. */
    readonly accountKey: string,
    /** Re-checks the session or token behind this stream. */
    readonly stillAuthorised: () => boolean,
  ) {
    response.on('close', () => this.close());
  }

  /** Writes the response head and a first event; the retry hint paces reconnects. */
  open(hello: unknown, retryMs: number): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // An event stream is never followed by another request on its connection: closing it with
      // the stream lets the server shut down without waiting for the client to drop it.
      connection: 'close',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.writeFrame(`retry: ${retryMs}\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
  }

  writeFrame(frame: string): void {
    if (this.closed) return;
    if (this.response.writableLength > MAX_BACKLOG_BYTES) {
      this.close();
      return;
    }
    this.response.write(frame);
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.response.writableEnded) this.response.end();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
