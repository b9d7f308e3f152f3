import { Module } from '@nestjs/common';
import { CsrfModule } from '../../platform/csrf/csrf.module';
import { LabRunService } from './lab-run.service';
import { LabController } from './lab.controller';

@Module({ imports: [CsrfModule], controllers: [LabController], providers: [LabRunService] })
export class LabModule {}
