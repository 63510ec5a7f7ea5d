import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

import { Public } from '../auth/public.decorator';
import { EXPLORER_SCRIPT, EXPLORER_SCRIPT_PATH } from './explorer-page';

/** The explorer page's script; registered only when PALISADE_GRAPHQL_EXPLORER=true. */
@ApiExcludeController()
@Public() // loaded by the page before anyone types a token; it holds no data
@Controller()
export class GraphqlExplorerController {
  @Get(EXPLORER_SCRIPT_PATH.slice(1))
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return EXPLORER_SCRIPT;
  }
}
