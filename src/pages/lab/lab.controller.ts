import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFound, TooManyRequests } from '../../platform/errors/protocol-error';
import { renderPage } from '../../platform/http/html';
import { AppConfig } from '../../config/app-config';
import { LabRow, runLab } from './scenarios/scenarios';

const LAB_PAGE = renderPage({
  title: 'Attack lab',
  scripts: ['/static/lab.js'],
  body: `<h1>Attack lab</h1>
<p class="muted">Every attack on both challenge models, run by this instance against its own public API. Each row says what the specification requires and what Proofgate answered. The expiry rows wait for the challenge lifetime.</p>
<p><button type="button" id="run">Run the lab</button> <span id="status" class="muted" role="status"></span></p>
<table id="rows">
<thead><tr><th>Model</th><th>Scenario</th><th>The spec requires</th><th>Proofgate answered</th><th>Result</th></tr></thead>
<tbody></tbody>
</table>
<h2>Live figures</h2>
<div class="grid" id="figures"></div>`,
});

/** The attack lab in the browser: the page, and the run streamed as server-sent events. */
@ApiTags('pages')
@Controller('lab')
export class LabController {
  private running = false;

  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The attack lab page (outside production)' })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'HTML page',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  page(): string {
    this.assertEnabled();
    return LAB_PAGE;
  }

  /**
   * Runs every scenario against this instance's issuer URL, one run at a time, streaming each
   * row as an `event: row` and the verdict as `event: done`.
   */
  @Get('run')
  @ApiOperation({
    summary: 'Run the attack lab, streamed as server-sent events (outside production)',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      '`event: row` per scenario (model, scenario, expected, answered, passed), then `event: done` with `{ passed }`',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async run(@Res() response: Response): Promise<void> {
    this.assertEnabled();
    if (this.running) throw new TooManyRequests('A lab run is already in progress', 10);
    this.running = true;
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-store');
    response.flushHeaders();
    const send = (event: string, data: unknown) =>
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    try {
      const rows: LabRow[] = await runLab({
        baseUrl: this.config.issuer,
        onRow: (row) => send('row', row),
      });
      send('done', { passed: rows.every((row) => row.passed) });
    } catch {
      send('failed', { message: 'The lab could not reach this instance at its issuer URL' });
    } finally {
      this.running = false;
      response.end();
    }
  }

  private assertEnabled(): void {
    if (!this.config.labEnabled) throw new NotFound('The lab is disabled on this instance');
  }
}
