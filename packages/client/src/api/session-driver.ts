// Drives the deterministic ClientSession with an Env: opens transports, feeds it bytes and
// ticks, writes what it sends (one write per event-loop turn), and turns its completions into
// settled promises and its watch events into listener calls, in wire order.

import { ClientSession } from '../core/client-session.js';
import type {
  ClientSessionOptions,
  RequestOutcome,
  SessionCall,
  SessionOutput,
  WatchEvent,
} from '../core/session-types.js';
import type { Response } from '../protocol/index.js';
import { ClientEvents, clientEventOf } from './client-events.js';
import type { ClientEnv, TimerHandle, Transport } from './env.js';

export type WatchListener = (event: WatchEvent) => void;
type Token = (outcome: RequestOutcome) => void;
type Output = SessionOutput<Token, WatchListener>;
export type DriverCall = Omit<SessionCall<Token, WatchListener>, 'token'>;

export class SessionDriver {
  readonly session: ClientSession<Token, WatchListener>;
  readonly events: ClientEvents;
  private readonly env: ClientEnv;
  private transport: { connectionId: number; transport: Transport } | null = null;
  private timer: { handle: TimerHandle; deadlineMs: number } | null = null;
  private isFlushScheduled = false;
  private isPumping = false;

  constructor(env: ClientEnv, options: Omit<ClientSessionOptions, 'random' | 'nowMs'>) {
    this.env = env;
    this.events = new ClientEvents((error) => this.warn('session event listener threw', error));
    this.session = new ClientSession<Token, WatchListener>({
      ...options,
      random: env.random,
      nowMs: env.clock.nowMs(),
    });
  }

  /** Starts connecting. */
  start(): void {
    this.session.tick(this.env.clock.nowMs());
    this.pump();
  }

  /** Submits a call; resolves with the response, rejects with a ZooError. */
  call(call: DriverCall): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const token: Token = (outcome) => {
        if (outcome.ok) resolve(outcome.response);
        else reject(outcome.error);
      };
      this.session.submit({ ...call, token });
      this.pump();
    });
  }

  addAuth(scheme: string, auth: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const token: Token = (outcome) => (outcome.ok ? resolve() : reject(outcome.error));
      this.session.addAuth({ scheme, auth, token });
      this.pump();
    });
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.session.close(() => resolve(), this.env.clock.nowMs());
      this.pump();
    });
  }

  /**
   * Applies every output the session has, including those that applying them produces (a
   * listener may call the client). Re-entrant calls return at once and the outer loop drains.
   */
  private pump(): void {
    if (this.isPumping) return;
    this.isPumping = true;
    try {
      for (;;) {
        const outputs = this.session.takeOutputs();
        if (outputs.length === 0) break;
        for (const output of outputs) this.apply(output);
      }
    } finally {
      this.isPumping = false;
    }
    this.scheduleFlush();
    this.scheduleTimer();
  }

  private apply(output: Output): void {
    switch (output.type) {
      case 'connect':
        this.openTransport(output.connectionId, output.server);
        return;
      case 'send':
        if (this.transport?.connectionId === output.connectionId) {
          this.transport.transport.write(output.bytes);
        }
        return;
      case 'disconnect':
        if (this.transport?.connectionId === output.connectionId) {
          const { transport } = this.transport;
          this.transport = null;
          transport.close();
        }
        return;
      case 'complete':
        output.token(output.outcome);
        return;
      case 'watch':
        for (const listener of output.listeners) this.callListener(listener, output.event);
        return;
      case 'event':
        this.events.emit(clientEventOf(output.event));
        return;
    }
  }

  private openTransport(connectionId: number, server: { host: string; port: number }): void {
    this.transport?.transport.close();
    this.transport = null;
    try {
      const transport = this.env.connect(server, {
        onData: (chunk) => {
          this.session.receive(connectionId, chunk, this.env.clock.nowMs());
          this.pump();
        },
        onClose: (reason) => {
          if (this.transport?.connectionId === connectionId) this.transport = null;
          this.session.transportClosed(connectionId, reason, this.env.clock.nowMs());
          this.pump();
        },
      });
      // onClose may already have run (a transport that fails synchronously): keep it only if
      // the session still talks to this connection.
      if (this.session.connectionId === connectionId) this.transport = { connectionId, transport };
      else transport.close();
    } catch (error) {
      const reason = `connect failed: ${String(error)}`;
      this.session.transportClosed(connectionId, reason, this.env.clock.nowMs());
    }
  }

  private callListener(listener: WatchListener, event: WatchEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.warn('watch listener threw', error);
    }
  }

  /** Everything submitted in this turn goes out as one write, after the turn's microtasks. */
  private scheduleFlush(): void {
    if (this.isFlushScheduled || !this.session.hasUnflushedBytes) return;
    this.isFlushScheduled = true;
    // A reaction to a settled promise, not queueMicrotask, which wraps every callback in an
    // AsyncResource: this runs once per client turn that sends anything.
    void settled.then(this.flushNow);
  }

  private readonly flushNow = (): void => {
    this.isFlushScheduled = false;
    this.session.flush(this.env.clock.nowMs());
    this.pump();
  };

  /**
   * One timer at the session's next deadline (connect, handshake timeout, ping, read timeout).
   * Traffic keeps pushing the deadline later; a timer already set earlier is kept rather than
   * reset on every send and receive: it fires, tick() finds nothing due, and it is set anew.
   */
  private scheduleTimer(): void {
    const deadlineMs = this.session.nextDeadlineMs();
    if (this.timer !== null) {
      if (deadlineMs !== null && this.timer.deadlineMs <= deadlineMs) return;
      this.env.timers.clearTimeout(this.timer.handle);
      this.timer = null;
    }
    if (deadlineMs === null) return;
    const delayMs = Math.max(0, deadlineMs - this.env.clock.nowMs());
    const handle = this.env.timers.setTimeout(() => {
      this.timer = null;
      this.session.tick(this.env.clock.nowMs());
      this.pump();
    }, delayMs);
    this.timer = { handle, deadlineMs };
  }

  private warn(message: string, error: unknown): void {
    this.env.log?.warn(message, error);
  }
}

const settled = Promise.resolve();
