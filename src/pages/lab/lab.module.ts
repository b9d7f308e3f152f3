import { Module } from '@nestjs/common';
import { CompareModule } from '../../compare/compare.module';
import { LoginModule } from '../../login/login.module';
import { CsrfModule } from '../../platform/csrf/csrf.module';
import { LabRunService } from './lab-run.service';
import { LabController } from './lab.controller';

@Module({
  imports: [CsrfModule, CompareModule, LoginModule],
  controllers: [LabController],
  providers: [LabRunService],
})
export class LabModule {}
