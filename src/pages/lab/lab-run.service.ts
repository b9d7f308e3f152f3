import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config/sections/server.config';
import { Conflict } from '../../platform/errors/protocol-error';
// Types only: the attack client itself is loaded by the first run (see `run`).
import type { LabRow, LabWait } from '../../lab-client/scenarios';

export interface LabRunOptions {
  /** Stops the run (its client went away); the run then rejects with the signal's reason. */
  signal: AbortSignal;
  /** Called once the run holds this instance's run slot, before any row. */
  onStart: () => void;
  onRow: (row: LabRow) => void;
  /** Called when the run starts waiting out the challenge lifetimes. */
  onWait: (wait: LabWait) => void;
}

/**
 * Runs the attack lab against this instance's issuer URL, one run at a time: a run sends real
 * attack traffic and waits out the challenge lifetimes, so a second one would only double the
 * load and muddle the live figures.
 */
@Injectable()
export class LabRunService {
  private running = false;

  constructor(private readonly server: ServerConfig) {}

  /** Whether every row passed. Throws Conflict when a run is already under way. */
  async run({ signal, onStart, onRow, onWait }: LabRunOptions): Promise<boolean> {
    if (this.running) {
      throw new Conflict(
        'A lab run is already in progress on this instance; wait for it to finish, then start again',
      );
    }
    this.running = true;
    try {
      // The attack client (demo credentials, attack traffic) is loaded only when a run starts,
      // which only an enabled lab allows: an instance without the lab never loads it.
      const { runLab } = await import('../../lab-client/scenarios.js');
      onStart();
      const rows = await runLab({ baseUrl: this.server.issuer, onRow, onWait, signal });
      return rows.every((row) => row.passed);
    } finally {
      this.running = false;
    }
  }
}
