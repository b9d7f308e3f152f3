import { Module } from '@nestjs/common';
import { LoginModule } from '../../login/login.module';
import { HomeController } from './home.controller';

@Module({ imports: [LoginModule], controllers: [HomeController] })
export class HomeModule {}
