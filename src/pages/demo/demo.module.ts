import { Module } from '@nestjs/common';
import { WalletDemoController } from './wallet-demo.controller';

/** Demo pages: GET /demo/wallet. Needs TokenConfig (global). */
@Module({ controllers: [WalletDemoController] })
export class DemoModule {}
