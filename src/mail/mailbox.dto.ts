import { ApiProperty } from '@nestjs/swagger';

/** One mail of GET /dev/mailbox (JSON). */
export class CaughtMailDto {
  @ApiProperty({ example: '2026-11-25T12:00:00.000Z' })
  received_at!: string;

  @ApiProperty({ example: 'Proofgate <no-reply@localhost>' })
  from!: string;

  @ApiProperty({ example: 'alice@example.com' })
  to!: string;

  @ApiProperty({ example: 'Your sign-in code for localhost:25000' })
  subject!: string;

  @ApiProperty({ description: 'The plain-text body (a sign-in code’s: the code and the link)' })
  text!: string;
}

/** GET /dev/mailbox with Accept: application/json. */
export class MailboxDto {
  @ApiProperty({ type: [CaughtMailDto], description: 'Newest first' })
  mails!: CaughtMailDto[];
}
