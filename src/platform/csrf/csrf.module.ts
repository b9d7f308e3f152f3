import { Module } from '@nestjs/common';
import { CsrfProtection } from './csrf-protection';

@Module({ providers: [CsrfProtection], exports: [CsrfProtection] })
export class CsrfModule {}
